import { type Static, Type } from "@sinclair/typebox";
import { CANCEL_REASONS, MODES } from "../index.js";
import { STATS_INTERVALS } from "../limits.js";
import { StringEnum } from "./common.js";

/** A day (`YYYY-MM-DD`, UTC midnight) or an RFC 3339 date-time: the bounds of a period. */
export const PeriodBound = Type.String({
  maxLength: 40,
  description: "YYYY-MM-DD (UTC midnight) or an RFC 3339 date-time",
  examples: ["2026-11-01"],
});

/** `?from=&to=`: [from, to) on `created_at`; without them, all time. */
const ModeParam = Type.Optional(StringEnum(MODES, "live (default) or test data"));

export const StatsQuery = Type.Object({
  from: Type.Optional(PeriodBound),
  to: Type.Optional(PeriodBound),
  mode: ModeParam,
});
export type StatsQuery = Static<typeof StatsQuery>;

export const TimeseriesQuery = Type.Object({
  from: PeriodBound,
  to: PeriodBound,
  interval: Type.Optional(
    StringEnum(STATS_INTERVALS, "Bucket size (default day); weeks start on Monday"),
  ),
  mode: ModeParam,
});
export type TimeseriesQuery = Static<typeof TimeseriesQuery>;

export const TimeseriesPoint = Type.Object({
  date: Type.String({ description: "The bucket's first day, YYYY-MM-DD (UTC)" }),
  submissions: Type.Integer({ description: "Cancel-flow events created in the bucket" }),
  offers_shown: Type.Integer(),
  offers_accepted: Type.Integer({ description: "Offers accepted in the bucket (saves)" }),
  offers_declined: Type.Integer(),
  cancelled: Type.Integer({ description: "Events that became lost in the bucket" }),
  saved_mrr: Type.Integer({ description: "MRR (cents) of the offers accepted in the bucket" }),
  lost_mrr: Type.Integer({
    description: "MRR (cents) of the events that became lost in the bucket",
  }),
});
export type TimeseriesPoint = Static<typeof TimeseriesPoint>;

export const StatsTimeseries = Type.Object(
  {
    interval: StringEnum(STATS_INTERVALS),
    points: Type.Array(TimeseriesPoint, {
      description: "Every bucket of [from, to), zeros included, oldest first",
    }),
  },
  { $id: "StatsTimeseries" },
);
export type StatsTimeseries = Static<typeof StatsTimeseries>;

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
    lost_mrr: Type.Integer({ description: "Sum of mrr (cents) of events in status lost" }),
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
          offers_shown: Type.Integer(),
          offers_accepted: Type.Integer(),
          save_rate: Type.Number({
            description: "offers_accepted / offers_shown for this reason, 4 decimals, 0 when none",
          }),
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
