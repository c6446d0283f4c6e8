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

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Dashboard (docs/design.md §8): response shapes the dashboard reads that had no type here yet.
// Plain interfaces matching docs/design.md §2.3, §2.4 and §8. Names follow main's TypeBox schemas
// where one exists (User, RegisterBody, LoginBody, ChangePasswordBody, List, Project,
// CreateProjectBody, UpdateProjectBody, CreatedProject, ApiKey, CreatedApiKey, AllowedOrigins,
// KEY_TYPES, KeyType, OfferBody, ChurnEventsQuery, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH): on
// reconciling, those are deleted here in favour of the schemas' types. The rest is new for §8.
// ─────────────────────────────────────────────────────────────────────────────────────────────────

/** `{"data": …}`: the success body of a dashboard resource (§2.1). */
export interface DataResponse<T> {
  data: T;
}

/** `{"data":[…],"total":N,"limit":L,"offset":O}`: every list (§2.1). */
export interface List<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Password length limits (§2.2). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** The account, as `/auth/register`, `/auth/login`, `/auth/session` and `GET /auth/me` return it. */
export interface User {
  id: string;
  name: string;
  email: string;
  created_at: string;
}

/** `POST /auth/register` body (§2.3). */
export interface RegisterBody {
  name: string;
  email: string;
  password: string;
}

/** `POST /auth/login` and `POST /auth/session` body (§2.3, §8). */
export interface LoginBody {
  email: string;
  password: string;
}

/**
 * `POST /auth/session` → 200 `data` (§8): the account, and an HttpOnly session cookie. Unlike
 * `/auth/login` there is no token: the browser never sees one.
 */
export interface CookieSession {
  user: User;
}

/** `POST /auth/change-password` body (§2.3); every session of the account ends (§8). */
export interface ChangePasswordBody {
  current_password: string;
  new_password: string;
}

/** A project (§2.4). */
export interface Project {
  id: string;
  name: string;
  slug: string;
  support_email: string | null;
  allowed_origins: string[];
  created_at: string;
  updated_at: string;
}

/** `POST /projects` body (§2.4). */
export interface CreateProjectBody {
  name: string;
  support_email?: string | null;
}

/** `PUT`/`PATCH /projects/:slug` body: only the fields given change (§2.4). */
export interface UpdateProjectBody {
  name?: string;
  support_email?: string | null;
}

/** `POST /projects` → 201 `data`: the raw keys are shown this once (§2.4). */
export interface CreatedProject {
  project: Project;
  raw_public_key: string;
  raw_secret_key: string;
}

export const KEY_TYPES = ["public", "secret"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** A key as listed: never the raw key; `key_masked` ends with its last 4 characters (§2.4). */
export interface ApiKey {
  id: string;
  key_type: KeyType;
  key_masked: string;
  created_at: string;
  last_used_at: string | null;
  /** Set by a rotation: the key stops working at this time (24 h later). */
  expires_at: string | null;
  revoked_at: string | null;
}

/** `POST …/api-keys` and `POST …/api-keys/rotate` → 201 `data`: the raw `key`, shown once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** `GET`/`PUT …/allowed-origins` body and answer (§2.4); not wrapped in `data`. */
export interface AllowedOrigins {
  allowed_origins: string[];
}

/**
 * `PUT …/retention-offers/:reason` body (§2.5): the fields of its `offer_type` are required and
 * fields of other types are refused; `cta_url: null` removes a link.
 */
export interface OfferBody extends Omit<Partial<PublicOffer>, "offer_type" | "title" | "cta_url"> {
  offer_type: OfferType;
  title: string;
  enabled?: boolean;
  cta_url?: string | null;
}

/**
 * Query of `GET …/churn-events` and `GET …/churn-events.csv` (§2.7, §8). `from`/`to` bound
 * `created_at` to [from, to) (RFC 3339 or `YYYY-MM-DD`); `q` is an email substring.
 */
export interface ChurnEventsQuery {
  status?: ChurnStatus;
  reason?: CancelReason;
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

/** A `by_reason` row of the stats; `offers_shown` per reason is requested for §8's save rate. */
export type ReasonStats = ChurnStats["cancel_flow"]["by_reason"][number] & {
  /** Offers shown for this reason (the divisor of the reason's save rate), when the server sends it. */
  offers_shown?: number;
};

/** `GET …/stats?from=&to=` (§8): §2.7 for [from, to); `lost_mrr` is requested for the KPI tile. */
export type PeriodStats = Omit<ChurnStats, "cancel_flow"> & {
  /** MRR (cents) of the period's events that ended cancelled or lost, when the server sends it. */
  lost_mrr?: number;
  cancel_flow: Omit<ChurnStats["cancel_flow"], "by_reason"> & { by_reason: ReasonStats[] };
};

export const STATS_INTERVALS = ["day", "week"] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

/** The most buckets one `stats/timeseries` answer holds (§8). */
export const TIMESERIES_MAX_BUCKETS = 366;

/** One bucket of `GET …/stats/timeseries` (§8): UTC, every bucket present, zeros included. */
export interface TimeseriesPoint {
  /** The bucket's first day, `YYYY-MM-DD` (UTC). */
  date: string;
  submissions: number;
  offers_shown: number;
  offers_accepted: number;
  offers_declined: number;
  cancelled: number;
  /** Integer cents. */
  saved_mrr: number;
  /** Integer cents. */
  lost_mrr: number;
}

/** `GET …/stats/timeseries?from=&to=&interval=day|week` → `data` (§8). */
export interface StatsTimeseries {
  interval: StatsInterval;
  points: TimeseriesPoint[];
}

/** One bundle of the widget's build manifest (`packages/widget/dist/manifest.json`). */
export interface WidgetManifestEntry {
  file: string;
  /** The immutable, content-hashed copy, e.g. `widget.1a2b3c4d.js`. */
  hashedFile: string;
  hash: string;
  /** Subresource Integrity value of the hashed copy, `sha384-…`. */
  integrity: string;
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/**
 * The widget's build manifest as the dashboard reads it from `/dashboard/widget-manifest.json`
 * (served by the API from the widget build) to offer the SRI-pinned script tag.
 */
export interface WidgetManifest {
  widget: WidgetManifestEntry;
  embed?: WidgetManifestEntry;
}
