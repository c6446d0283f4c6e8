import { type Static, Type } from "@sinclair/typebox";
import { CANCEL_REASONS, OFFER_TYPES } from "../index.js";
import { OFFER_TEXT_LIMITS, OFFER_TYPE_FIELDS, type OfferFieldName } from "../offer-fields.js";
import { NullableInteger, StringEnum, Timestamp } from "./common.js";

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

/** The range of an integer field of OFFER_TYPE_FIELDS: one source for validation and docs. */
function rangeOf(name: OfferFieldName): { minimum: number; maximum: number } {
  const field = Object.values(OFFER_TYPE_FIELDS)
    .flat()
    .find((f) => f.name === name);
  if (!field) throw new Error(`${name} is not an offer field`);
  return { minimum: field.min, maximum: field.max };
}

/** Output: an offer carries only its own type's fields, so each is optional. */
const typeFields = {
  discount_percent: Type.Optional(Type.Integer(rangeOf("discount_percent"))),
  discount_duration_months: Type.Optional(Type.Integer(rangeOf("discount_duration_months"))),
  pause_days: Type.Optional(Type.Integer(rangeOf("pause_days"))),
  extension_days: Type.Optional(Type.Integer(rangeOf("extension_days"))),
  downgrade_plan: Type.Optional(Type.String()),
  feature_name: Type.Optional(Type.String()),
  feature_unlock_days: Type.Optional(Type.Integer(rangeOf("feature_unlock_days"))),
};

export const PublicOffer = Type.Object(
  {
    offer_type: StringEnum(OFFER_TYPES),
    title: Type.String(),
    description: Type.String(),
    cta_button_text: Type.String(),
    ...typeFields,
    cta_url: Type.Optional(Type.String()),
  },
  {
    $id: "PublicOffer",
    description: "An enabled offer as the widget sees it: only its type's fields are present",
  },
);
export type PublicOffer = Static<typeof PublicOffer>;

export const RetentionOffer = Type.Object(
  {
    id: Type.String(),
    cancel_reason: StringEnum(CANCEL_REASONS),
    offer_type: StringEnum(OFFER_TYPES),
    title: Type.String(),
    description: Type.String(),
    cta_button_text: Type.String(),
    cta_text: Type.String({ description: "Alias of cta_button_text" }),
    ...typeFields,
    cta_url: Type.Optional(Type.String()),
    enabled: Type.Boolean(),
    is_active: Type.Boolean({ description: "Alias of enabled" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: "RetentionOffer" },
);
export type RetentionOffer = Static<typeof RetentionOffer>;

const nullableText = Type.Union([Type.String({ maxLength: 200 }), Type.Null()]);

/** PUT body. Fields of the type are required and checked in code (messages name the field). */
export const OfferBody = Type.Object(
  {
    offer_type: OfferTypeInput,
    title: Type.String({ minLength: 1, maxLength: OFFER_TEXT_LIMITS.title }),
    description: Type.Optional(Type.String({ maxLength: OFFER_TEXT_LIMITS.description })),
    cta_button_text: Type.Optional(Type.String({ maxLength: OFFER_TEXT_LIMITS.cta_button_text })),
    cta_text: Type.Optional(
      Type.String({
        maxLength: OFFER_TEXT_LIMITS.cta_button_text,
        description: "Alias of cta_button_text",
      }),
    ),
    cta_url: Type.Optional(
      Type.Union([Type.String({ maxLength: OFFER_TEXT_LIMITS.cta_url }), Type.Null()]),
    ),
    enabled: Type.Optional(Type.Boolean()),
    is_active: Type.Optional(Type.Boolean({ description: "Alias of enabled" })),
    cancel_reason: Type.Optional(
      Type.String({ maxLength: 64, description: "Optional; must match the path" }),
    ),
    discount_percent: Type.Optional(NullableInteger(rangeOf("discount_percent"))),
    discount_duration_months: Type.Optional(NullableInteger(rangeOf("discount_duration_months"))),
    pause_days: Type.Optional(NullableInteger(rangeOf("pause_days"))),
    extension_days: Type.Optional(NullableInteger(rangeOf("extension_days"))),
    downgrade_plan: Type.Optional(nullableText),
    feature_name: Type.Optional(nullableText),
    feature_unlock_days: Type.Optional(NullableInteger(rangeOf("feature_unlock_days"))),
    // Echoed back from a GET; ignored.
    id: Type.Optional(Type.String({ maxLength: 100 })),
    created_at: Type.Optional(Type.String({ maxLength: 64 })),
    updated_at: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type OfferBody = Static<typeof OfferBody>;
