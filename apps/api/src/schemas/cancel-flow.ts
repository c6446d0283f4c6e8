import { type Static, Type } from "@sinclair/typebox";
import { CANCEL_REASONS, CHURN_STATUSES, OFFER_TYPES } from "@windback/protocol";
import { REASON_TEXT_MAX_LENGTH } from "../lib/churn-events.js";
import { Timestamp } from "./common.js";

/** A string enum as plain JSON Schema (`enum`), so errors read "must be equal to one of the allowed values". */
export const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({
    type: "string",
    enum: [...values],
    ...(description && { description }),
  });

/** Reason ids are checked in code so aliases work and an unknown id gets a message listing them. */
export const ReasonInput = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `One of ${CANCEL_REASONS.join(", ")}; aliases switched_to_competitor, bad_support`,
});
export const OfferTypeInput = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `One of ${OFFER_TYPES.join(", ")}`,
});
export const ReasonText = Type.String({
  maxLength: REASON_TEXT_MAX_LENGTH,
  description: `Free text with the reason; required for "other"; at most ${REASON_TEXT_MAX_LENGTH} characters`,
});
export const CustomerEmail = Type.String({ minLength: 3, maxLength: 254 });
export const Currency = Type.String({
  minLength: 3,
  maxLength: 3,
  description: "ISO 4217, stored lower-case (default usd)",
});
export const MrrCents = Type.Integer({
  minimum: 0,
  maximum: 10_000_000_000,
  description: "Monthly recurring revenue in integer cents",
});
const ShortText = Type.String({ maxLength: 200 });

/** The customer fields shared by a cancel-flow submission and a dashboard-created event. */
export const CustomerFields = {
  customer_name: Type.Optional(ShortText),
  provider: Type.Optional(
    Type.String({ minLength: 1, maxLength: 50, description: "Billing provider (default custom)" }),
  ),
  provider_subscription_id: Type.Optional(ShortText),
  plan_name: Type.Optional(ShortText),
  currency: Type.Optional(Currency),
  tenure_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 36_500 })),
  cancel_reason_text: Type.Optional(ReasonText),
};

const offerTypeFields = {
  discount_percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  discount_duration_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
  pause_days: Type.Optional(Type.Integer({ minimum: 7, maximum: 90 })),
  extension_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  downgrade_plan: Type.Optional(Type.String()),
  feature_name: Type.Optional(Type.String()),
  feature_unlock_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
};

export const PublicOffer = Type.Object(
  {
    offer_type: StringEnum(OFFER_TYPES),
    title: Type.String(),
    description: Type.String(),
    cta_button_text: Type.String(),
    ...offerTypeFields,
    cta_url: Type.Optional(Type.String()),
  },
  { description: "An enabled offer as the widget sees it: only its type's fields are present" },
);

export const RetentionOffer = Type.Object({
  id: Type.String(),
  cancel_reason: StringEnum(CANCEL_REASONS),
  offer_type: StringEnum(OFFER_TYPES),
  title: Type.String(),
  description: Type.String(),
  cta_button_text: Type.String(),
  cta_text: Type.String({ description: "Alias of cta_button_text" }),
  ...offerTypeFields,
  cta_url: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  is_active: Type.Boolean({ description: "Alias of enabled" }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** `type: ["integer", "null"]` rather than anyOf, so a range error reads "must be <= 90" alone. */
const nullableInt = (minimum: number, maximum: number) =>
  Type.Optional(Type.Unsafe<number | null>({ type: ["integer", "null"], minimum, maximum }));
const nullableText = Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()]));

/** PUT body. Fields of the type are required and checked in code (messages name the field). */
export const OfferBody = Type.Object(
  {
    offer_type: OfferTypeInput,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    cta_button_text: Type.Optional(Type.String({ maxLength: 100 })),
    cta_text: Type.Optional(
      Type.String({ maxLength: 100, description: "Alias of cta_button_text" }),
    ),
    cta_url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    is_active: Type.Optional(Type.Boolean({ description: "Alias of enabled" })),
    cancel_reason: Type.Optional(
      Type.String({ maxLength: 64, description: "Optional; must match the path" }),
    ),
    discount_percent: nullableInt(1, 100),
    discount_duration_months: nullableInt(1, 24),
    pause_days: nullableInt(7, 90),
    extension_days: nullableInt(1, 365),
    downgrade_plan: nullableText,
    feature_name: nullableText,
    feature_unlock_days: nullableInt(1, 365),
    // Echoed back from a GET; ignored.
    id: Type.Optional(Type.String({ maxLength: 100 })),
    created_at: Type.Optional(Type.String({ maxLength: 64 })),
    updated_at: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type OfferBodyInput = Static<typeof OfferBody>;

export const ChurnEvent = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  customer_email: Type.String(),
  customer_name: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  provider_subscription_id: Type.Union([Type.String(), Type.Null()]),
  plan_name: Type.Union([Type.String(), Type.Null()]),
  mrr_cents: Type.Integer(),
  mrr: Type.Integer({ description: "Same as mrr_cents (integer cents)" }),
  currency: Type.String(),
  tenure_days: Type.Union([Type.Integer(), Type.Null()]),
  cancel_reason: Type.Union([StringEnum(CANCEL_REASONS), Type.Null()]),
  cancel_reason_text: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(CHURN_STATUSES),
  source: StringEnum(["api", "cancel_flow"] as const),
  offer_type: Type.Union([StringEnum(OFFER_TYPES), Type.Null()]),
  offer_shown: Type.Boolean(),
  offer_declined: Type.Boolean(),
  offer_accepted_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const Stats = Type.Object({
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
  cancel_flow: Type.Object({
    submissions: Type.Integer({ description: "Events created by the cancel flow" }),
    offers_shown: Type.Integer({ description: "Cancel-flow events that were shown an offer" }),
    offers_accepted: Type.Integer({
      description: "Cancel-flow events whose offer was accepted (whatever their status since)",
    }),
    offers_declined: Type.Integer({ description: "Cancel-flow events whose offer was declined" }),
    save_rate: Type.Number({
      description: "offers_accepted / submissions, 4 decimals, 0 when none",
    }),
    saved_mrr: Type.Integer({
      description:
        "Sum of mrr (cents) of cancel-flow events with an accepted offer, now offer_accepted or recovered",
    }),
    by_reason: Type.Array(
      Type.Object({
        reason: Type.String(),
        submissions: Type.Integer(),
        offers_accepted: Type.Integer(),
      }),
    ),
  }),
});
