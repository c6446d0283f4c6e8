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

// ---- Dashboard (account, projects, keys, origins, offers, events) --------------------------

/** `{data}`: the envelope of every single-item dashboard response. */
export interface DataResponse<T> {
  data: T;
}

/** One page of a dashboard list, newest (or oldest, per route) first. */
export interface ListResponse<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

/** `?limit=&offset=` of every dashboard list (limit 1–100, default 20). */
export interface ListQuery {
  limit?: number;
  offset?: number;
}

export interface User {
  id: string;
  name: string;
  email: string;
  created_at: string;
}

/** `POST /auth/register` and `POST /auth/login` answer this (`{data: AuthSession}`). */
export interface AuthSession {
  user: User;
  /** A 7-day session token for `Authorization: Bearer`. */
  token: string;
}

export interface RegisterRequest {
  name: string;
  email: string;
  password: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface Project {
  id: string;
  name: string;
  slug: string;
  support_email: string | null;
  allowed_origins: string[];
  created_at: string;
  updated_at: string;
}

export interface CreateProjectRequest {
  name: string;
  support_email?: string | null;
}

/** `PUT /projects/:slug`: at least one field. */
export interface UpdateProjectRequest {
  name?: string;
  support_email?: string | null;
}

/** `POST /projects`: the raw keys are shown this once. */
export interface CreatedProject {
  project: Project;
  raw_public_key: string;
  raw_secret_key: string;
}

export type ApiKeyType = "public" | "secret";

/** A key as listed: masked, with its lifetime. */
export interface ApiKey {
  id: string;
  key_type: ApiKeyType;
  key_masked: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

/** `POST …/api-keys` and `…/api-keys/rotate`: the only time the raw `key` is shown. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyRequest {
  key_type: ApiKeyType;
}

/** `GET`/`PUT …/allowed-origins` (request and response alike). */
export interface AllowedOrigins {
  allowed_origins: string[];
}

/**
 * `PUT …/retention-offers/:reason`. The fields of `offer_type` are required (discount:
 * discount_percent and discount_duration_months; pause: pause_days; …); `cta_text` and
 * `is_active` are accepted as aliases of `cta_button_text` and `enabled`.
 */
export interface RetentionOfferRequest {
  offer_type: OfferType;
  title: string;
  description?: string;
  cta_button_text?: string;
  cta_text?: string;
  cta_url?: string | null;
  enabled?: boolean;
  is_active?: boolean;
  cancel_reason?: string;
  discount_percent?: number | null;
  discount_duration_months?: number | null;
  pause_days?: number | null;
  extension_days?: number | null;
  downgrade_plan?: string | null;
  feature_name?: string | null;
  feature_unlock_days?: number | null;
}

/** `POST …/churn-events` (a merchant's server recording a cancellation): mrr or mrr_cents. */
export interface CreateChurnEventRequest {
  customer_email: string;
  mrr?: number;
  mrr_cents?: number;
  cancel_reason?: CancelReason | string;
  cancel_reason_text?: string;
  customer_name?: string;
  provider?: string;
  provider_subscription_id?: string;
  plan_name?: string;
  currency?: string;
  tenure_days?: number;
}

/** `GET …/churn-events`. */
export interface ChurnEventListQuery extends ListQuery {
  status?: ChurnStatus;
}

export interface CancelFlowAcceptResponse {
  success: true;
  message: string;
  event_id: string;
}

export interface CancelFlowDeclineResponse {
  success: true;
}

/** `GET /health`. */
export interface HealthResponse {
  status: "ok";
}
