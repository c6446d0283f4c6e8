/**
 * Wire types shared by the Windback API, the widget and merchants' servers.
 *
 * Everything here is either a type (erased from the browser bundle) or a small constant table.
 *
 * @example
 * ```ts
 * import { ERROR_CODES, type CancelReason } from "@windback/protocol";
 * if (body.code === ERROR_CODES.RATE_LIMITED) retryLater();
 * ```
 */

export * from "./customer-fields.js";
export * from "./errors.js";
export * from "./limits.js";
export * from "./offer-fields.js";
export * from "./widget.js";

/** Cancel reason ids: the contract. Labels are translated by the widget. */
export const CANCEL_REASONS = [
  "too_expensive",
  "missing_features",
  "not_using_enough",
  "switching_competitor",
  "technical_issues",
  "poor_support",
  "dont_need_anymore",
  "other",
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Older names accepted on input and mapped to the canonical id. */
export const CANCEL_REASON_ALIASES: Readonly<Record<string, CancelReason>> = {
  switched_to_competitor: "switching_competitor",
  bad_support: "poor_support",
};

/** Returns the canonical reason id for an id or alias, or null when unknown. */
export function normalizeCancelReason(value: string): CancelReason | null {
  if ((CANCEL_REASONS as readonly string[]).includes(value)) return value as CancelReason;
  // Own properties only: "constructor" or "__proto__" must not come back from the prototype.
  return Object.hasOwn(CANCEL_REASON_ALIASES, value)
    ? (CANCEL_REASON_ALIASES[value] ?? null)
    : null;
}

export const OFFER_TYPES = [
  "discount",
  "pause",
  "extension",
  "downgrade",
  "feature_unlock",
  "custom",
] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

/** The offer as the widget sees it (only enabled offers are served). */
export interface PublicOffer {
  offer_type: OfferType;
  title: string;
  description: string;
  cta_button_text: string;
  discount_percent?: number;
  discount_duration_months?: number;
  pause_days?: number;
  extension_days?: number;
  downgrade_plan?: string;
  feature_name?: string;
  feature_unlock_days?: number;
  cta_url?: string;
}

/** The offer as the dashboard sees it, with the alias fields. */
export interface RetentionOffer extends PublicOffer {
  id: string;
  cancel_reason: CancelReason;
  enabled: boolean;
  is_active: boolean;
  cta_text: string;
  created_at: string;
  updated_at: string;
}

export const CHURN_STATUSES = ["new", "offer_accepted", "recovered", "lost"] as const;
export type ChurnStatus = (typeof CHURN_STATUSES)[number];

export interface ChurnEvent {
  id: string;
  project_id: string;
  customer_email: string;
  customer_name: string | null;
  provider: string;
  provider_subscription_id: string | null;
  plan_name: string | null;
  mrr_cents: number;
  mrr: number;
  currency: string;
  tenure_days: number | null;
  cancel_reason: CancelReason | null;
  cancel_reason_text: string | null;
  status: ChurnStatus;
  source: "api" | "cancel_flow";
  offer_type: OfferType | null;
  offer_shown: boolean;
  offer_declined: boolean;
  /** When the customer accepted an offer (kept if the event later becomes recovered or lost). */
  offer_accepted_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `GET /api/v1/stats`. Money is integer cents, summed as stored (no currency conversion).
 * Rates are fractions from 0 to 1, rounded to 4 decimals, and 0 when there is nothing to divide.
 */
export interface ChurnStats {
  total_events: number;
  new_events: number;
  offer_accepted_events: number;
  recovered_events: number;
  lost_events: number;
  /** MRR of events still `new`. */
  total_mrr_at_risk: number;
  /** MRR of events `recovered` or `offer_accepted`. */
  recovered_mrr: number;
  /** (recovered + offer_accepted) / total_events. */
  recovery_rate: number;
  cancel_flow: {
    /** Events created by the cancel flow (one per customer per 24 h). */
    submissions: number;
    offers_shown: number;
    /** Cancel-flow events whose offer was accepted (whatever their status since). */
    offers_accepted: number;
    offers_declined: number;
    /** offers_accepted / submissions. */
    save_rate: number;
    /** MRR of cancel-flow events with an accepted offer that are `offer_accepted` or `recovered`. */
    saved_mrr: number;
    by_reason: { reason: CancelReason; submissions: number; offers_accepted: number }[];
  };
}

/** `POST /api/v1/cancel-flow/submit` body. */
export interface CancelFlowSubmitRequest {
  customer_email: string;
  cancel_reason: CancelReason | string;
  cancel_reason_text?: string;
  customer_name?: string;
  provider?: string;
  provider_subscription_id?: string;
  plan_name?: string;
  mrr?: number;
  currency?: string;
  tenure_days?: number;
}

export interface CancelFlowSubmitResponse {
  success: true;
  event_id: string;
  offer: PublicOffer | null;
}

export interface CancelFlowOffersResponse {
  offer: PublicOffer | null;
}

export interface CancelFlowAcceptRequest {
  customer_email: string;
  cancel_reason: CancelReason | string;
  offer_type: OfferType;
  event_id?: string;
}

export interface CancelFlowDeclineRequest {
  event_id: string;
}

export interface TrackEvent {
  customer_email?: string;
  customer_id?: string;
  event: string;
  properties?: Record<string, unknown>;
  occurred_at?: string;
}

export type TrackRequest = TrackEvent | { events: TrackEvent[] };

/** Headers a browser may read on cancel-flow responses. */
export const EXPOSED_HEADERS = [
  "Retry-After",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
] as const;
