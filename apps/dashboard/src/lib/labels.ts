/**
 * English labels for the contract's ids (docs/design.md §2.5, §2.7). The ids stay the contract;
 * these are what the merchant reads in the dashboard.
 */
import type {
  CancelReason,
  ChurnStatus,
  KeyType,
  OfferFieldName,
  OfferType,
} from "@windback/protocol";

export const REASON_LABELS: Readonly<Record<CancelReason, string>> = {
  too_expensive: "Too expensive",
  missing_features: "Missing features",
  not_using_enough: "Not using it enough",
  switching_competitor: "Switching to a competitor",
  technical_issues: "Technical issues",
  poor_support: "Poor support",
  dont_need_anymore: "Don't need it anymore",
  other: "Other",
};

export const STATUS_LABELS: Readonly<Record<ChurnStatus, string>> = {
  new: "New",
  offer_accepted: "Offer accepted",
  recovered: "Recovered",
  lost: "Lost",
};

export const OFFER_TYPE_LABELS: Readonly<Record<OfferType, string>> = {
  discount: "Discount",
  pause: "Pause",
  extension: "Free extension",
  downgrade: "Downgrade",
  feature_unlock: "Feature unlock",
  custom: "Custom",
};

/** What each offer type does, shown under the type picker. */
export const OFFER_TYPE_HINTS: Readonly<Record<OfferType, string>> = {
  discount: "A percentage off for a number of months.",
  pause: "Pause the subscription for a number of days instead of cancelling.",
  extension: "Extra days of service at no charge.",
  downgrade: "Move to a cheaper plan instead of leaving.",
  feature_unlock: "Unlock a feature for a number of days.",
  custom: "Your own title, text and button, with an optional link.",
};

export const OFFER_FIELD_LABELS: Readonly<Record<OfferFieldName, string>> = {
  discount_percent: "Discount (%)",
  discount_duration_months: "For how many months",
  pause_days: "Pause length (days)",
  extension_days: "Extension (days)",
  downgrade_plan: "Plan to offer",
  feature_name: "Feature",
  feature_unlock_days: "Unlocked for (days)",
};

export const KEY_TYPE_LABELS: Readonly<Record<KeyType, string>> = {
  public: "Public",
  secret: "Secret",
};

/** A label for any reason id, including ones this build does not know. */
export const reasonLabel = (reason: string | null): string =>
  reason === null ? "—" : (REASON_LABELS[reason as CancelReason] ?? reason);

export const statusLabel = (status: string): string =>
  STATUS_LABELS[status as ChurnStatus] ?? status;

export const offerTypeLabel = (type: string | null): string =>
  type === null ? "—" : (OFFER_TYPE_LABELS[type as OfferType] ?? type);
