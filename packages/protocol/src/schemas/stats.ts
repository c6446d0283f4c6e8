import { type Static, Type } from "@sinclair/typebox";
import { CANCEL_REASONS } from "../index.js";
import { StringEnum } from "./common.js";

export const ChurnStats = Type.Object(
  {
    total_events: Type.Integer(),
    new_events: Type.Integer(),
    offer_accepted_events: Type.Integer(),
    recovered_events: Type.Integer(),
    lost_events: Type.Integer(),
    total_mrr_at_risk: Type.Integer({ description: "Sum of mrr (cents) of events in status new" }),
    recovered_mrr: Type.Integer({
      description: "Sum of mrr (cents) of events in status recovered or offer_accepted",
    }),
    recovery_rate: Type.Number({
      description: "(recovered + offer_accepted) / total_events, 4 decimals, 0 when no events",
    }),
    claimed_mrr: Type.Object(
      {
        total_mrr_at_risk: Type.Integer(),
        recovered_mrr: Type.Integer(),
        saved_mrr: Type.Integer(),
      },
      {
        description:
          "The parts of total_mrr_at_risk, recovered_mrr and cancel_flow.saved_mrr that are only what browsers sent (no secret key, billing provider or customer token vouches for them)",
      },
    ),
    cancel_flow: Type.Object({
      submissions: Type.Integer({
        description: "Events created by the cancel flow (one per customer per 24 h)",
      }),
      offers_shown: Type.Integer({ description: "Cancel-flow events that were shown an offer" }),
      offers_accepted: Type.Integer({
        description: "Cancel-flow events whose offer was accepted (whatever their status since)",
      }),
      offers_declined: Type.Integer({
        description: "Cancel-flow events whose offer was declined",
      }),
      save_rate: Type.Number({
        description: "offers_accepted / submissions, 4 decimals, 0 when none",
      }),
      saved_mrr: Type.Integer({
        description:
          "Sum of mrr (cents) of cancel-flow events with an accepted offer, now offer_accepted or recovered",
      }),
      by_reason: Type.Array(
        Type.Object({
          reason: StringEnum(CANCEL_REASONS),
          submissions: Type.Integer(),
          offers_accepted: Type.Integer(),
        }),
      ),
    }),
  },
  {
    $id: "ChurnStats",
    description:
      "Money is integer cents, summed as stored (no currency conversion). Rates are fractions from 0 to 1, rounded to 4 decimals, and 0 when there is nothing to divide.",
  },
);
export type ChurnStats = Static<typeof ChurnStats>;
