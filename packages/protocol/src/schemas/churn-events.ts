import { type Static, type TInteger, type TOptional, type TString, Type } from "@sinclair/typebox";
import { CUSTOMER_FIELDS, type CustomerField, type CustomerWireField } from "../customer-fields.js";
import { CANCEL_REASONS, CHURN_STATUSES, MODES, OFFER_TYPES } from "../index.js";
import { REASON_TEXT_MAX_LENGTH } from "../limits.js";
import { Nullable, PageQuery, refTo, StringEnum, Timestamp } from "./common.js";
import { PublicOffer, ReasonInput } from "./offers.js";
import { PeriodBound } from "./stats.js";

type Fields = (typeof CUSTOMER_FIELDS)[number];
type FieldSchema<F extends CustomerField> = F["kind"] extends "integer" ? TInteger : TString;

/**
 * What the API documents about some customer fields. Kept here, beside the schemas only the server
 * loads, rather than in CUSTOMER_FIELDS, which the widget bundles ship to every browser.
 */
const CUSTOMER_FIELD_DESCRIPTIONS: Partial<Record<CustomerWireField, string>> = {
  customer_email: "Trimmed and lower-cased",
  mrr: "Monthly recurring revenue in integer cents",
  currency: "ISO 4217, stored lower-case (default usd)",
  provider: "Billing provider (default custom)",
};

function customerFieldSchema(field: CustomerField): TInteger | TString {
  const text = CUSTOMER_FIELD_DESCRIPTIONS[field.wire as CustomerWireField];
  const description = text ? { description: text } : {};
  if (field.kind === "integer") {
    return Type.Integer({ minimum: field.min ?? 0, maximum: field.max, ...description });
  }
  return Type.String({
    ...(field.min !== undefined && { minLength: field.min }),
    maxLength: field.max,
    ...description,
  });
}

/** The schema of each customer field, built from CUSTOMER_FIELDS: one source for every length. */
export const CustomerFieldSchemas = Object.fromEntries(
  CUSTOMER_FIELDS.map((field) => [field.wire, customerFieldSchema(field)]),
) as { [F in Fields as F["wire"]]: FieldSchema<F> };

type OptionalFields = {
  [F in Exclude<Fields, { wire: "customer_email" }> as F["wire"]]: TOptional<FieldSchema<F>>;
};

/** Every customer field but the email, optional: what a body may add about the customer. */
export const OptionalCustomerFields = Object.fromEntries(
  CUSTOMER_FIELDS.filter((field) => field.wire !== "customer_email").map((field) => [
    field.wire,
    Type.Optional(customerFieldSchema(field)),
  ]),
) as OptionalFields;

export const ReasonText = Type.String({
  maxLength: REASON_TEXT_MAX_LENGTH,
  description: `Free text with the reason; required for "other"; at most ${REASON_TEXT_MAX_LENGTH} characters`,
});

export const CHURN_SOURCES = ["api", "cancel_flow", "billing"] as const;
export type ChurnSource = (typeof CHURN_SOURCES)[number];

export const ChurnEvent = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    customer_email: Type.String(),
    customer_name: Nullable(Type.String()),
    provider: Type.String(),
    provider_subscription_id: Nullable(Type.String()),
    plan_name: Nullable(Type.String()),
    mrr_cents: Type.Integer(),
    mrr: Type.Integer({ description: "Same as mrr_cents (integer cents)" }),
    currency: Type.String(),
    tenure_days: Nullable(Type.Integer()),
    cancel_reason: Nullable(StringEnum(CANCEL_REASONS)),
    cancel_reason_text: Nullable(Type.String()),
    status: StringEnum(CHURN_STATUSES),
    source: StringEnum(CHURN_SOURCES),
    offer_type: Nullable(StringEnum(OFFER_TYPES)),
    offer_shown: Type.Boolean(),
    offer_declined: Type.Boolean(),
    offer_accepted_at: Type.Union([Timestamp, Type.Null()], {
      description:
        "When the customer accepted an offer (kept if the event later becomes recovered or lost)",
    }),
    offer_terms: Type.Union([refTo(PublicOffer), Type.Null()], {
      description:
        "The offer as it was shown for the reason: what an acceptance means, whatever a browser claims",
    }),
    mrr_verified: Type.Boolean({
      description:
        "false when the MRR is only what a browser sent; true when a secret key, the billing provider or a customer token vouches for it",
    }),
    livemode: Type.Boolean({ description: "false for data written with a test key" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: "ChurnEvent" },
);
export type ChurnEvent = Static<typeof ChurnEvent>;

export const CreateChurnEventBody = Type.Object(
  {
    customer_email: CustomerFieldSchemas.customer_email,
    mrr_cents: Type.Optional(CustomerFieldSchemas.mrr),
    cancel_reason: Type.Optional(ReasonInput),
    cancel_reason_text: Type.Optional(ReasonText),
    ...OptionalCustomerFields,
  },
  { additionalProperties: false },
);
export type CreateChurnEventBody = Static<typeof CreateChurnEventBody>;

/** The filters of the churn-event list and its CSV export. */
export const ChurnEventsFilter = Type.Object({
  status: Type.Optional(StringEnum(CHURN_STATUSES)),
  reason: Type.Optional(ReasonInput),
  from: Type.Optional(PeriodBound),
  to: Type.Optional(PeriodBound),
  q: Type.Optional(
    Type.String({ maxLength: 254, description: "Part of the customer's email (case-insensitive)" }),
  ),
  mode: Type.Optional(StringEnum(MODES, "live (default) or test data")),
});
export type ChurnEventsFilter = Static<typeof ChurnEventsFilter>;

export const ChurnEventsQuery = Type.Composite([ChurnEventsFilter, PageQuery]);
export type ChurnEventsQuery = Static<typeof ChurnEventsQuery>;
