import type { OfferType } from "./index.js";

/** The type-specific fields of a retention offer, by wire name. */
export type OfferFieldName =
  | "discount_percent"
  | "discount_duration_months"
  | "pause_days"
  | "extension_days"
  | "downgrade_plan"
  | "feature_name"
  | "feature_unlock_days";

/** `integer` from `min` to `max`; `text` of 1 to `max` characters (trimmed). */
export type OfferTypeField =
  | {
      readonly name: OfferFieldName;
      readonly kind: "integer";
      readonly min: number;
      readonly max: number;
    }
  | { readonly name: OfferFieldName; readonly kind: "text"; readonly min: 1; readonly max: number };

const int = (name: OfferFieldName, min: number, max: number): OfferTypeField => ({
  name,
  kind: "integer",
  min,
  max,
});
const text = (name: OfferFieldName): OfferTypeField => ({ name, kind: "text", min: 1, max: 200 });

/**
 * The fields each offer type requires (docs/design.md §2.5), with their ranges: the API validates
 * offers with this table and the dashboard builds its editor from it.
 */
export const OFFER_TYPE_FIELDS: Readonly<Record<OfferType, readonly OfferTypeField[]>> = {
  discount: [int("discount_percent", 1, 100), int("discount_duration_months", 1, 24)],
  pause: [int("pause_days", 7, 90)],
  extension: [int("extension_days", 1, 365)],
  downgrade: [text("downgrade_plan")],
  feature_unlock: [text("feature_name"), int("feature_unlock_days", 1, 365)],
  custom: [],
};

/** Limits of an offer's common fields. */
export const OFFER_TEXT_LIMITS = {
  title: 200,
  description: 2000,
  cta_button_text: 100,
  cta_url: 2048,
} as const;
