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

/**
 * Whether cancel-flow requests must carry a customer token minted by the merchant's server
 * (docs/design.md §11): `off` ignores tokens, `optional` checks one when sent, `required` refuses
 * requests without a valid one.
 */
export const CUSTOMER_VERIFICATION = ["off", "optional", "required"] as const;
export type CustomerVerification = (typeof CUSTOMER_VERIFICATION)[number];

/** Live data, or test data (written with `pub_test_`/`sk_test_` keys, §11). */
export const MODES = ["live", "test"] as const;
export type Mode = (typeof MODES)[number];

/** `pub_` keys are for browsers (the widget), `sk_` keys for servers. */
export const KEY_TYPES = ["public", "secret"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const CHURN_STATUSES = ["new", "offer_accepted", "recovered", "lost"] as const;
export type ChurnStatus = (typeof CHURN_STATUSES)[number];

/** What an outbound webhook can announce (docs/design.md §9); `webhook.test` is sent on request. */
export const WEBHOOK_EVENT_TYPES = [
  "cancel_flow.submitted",
  "cancel_flow.offer_accepted",
  "cancel_flow.offer_declined",
  "churn_event.created",
  "churn_event.recovered",
  "churn_event.lost",
  "webhook.test",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A delivery attempt: planned (pending), or made. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

// The wire shapes: types of the schemas in ./schemas (type-only, so nothing of TypeBox reaches a
// browser bundle that imports this module).
export type {
  ChangePasswordBody,
  CookieSessionResponse,
  LoginBody,
  RegisterBody,
  SessionResponse,
  User,
} from "./schemas/accounts.js";
export type {
  CancelFlowAcceptRequest,
  CancelFlowAcceptResponse,
  CancelFlowDeclineRequest,
  CancelFlowDeclineResponse,
  CancelFlowOffersResponse,
  CancelFlowSubmitRequest,
  CancelFlowSubmitResponse,
  TrackEvent,
  TrackRequest,
} from "./schemas/cancel-flow.js";
export type {
  ChurnEvent,
  ChurnEventsFilter,
  ChurnEventsQuery,
  ChurnSource,
  CreateChurnEventBody,
} from "./schemas/churn-events.js";
export type { DataResponse, ErrorResponse, List } from "./schemas/common.js";
export type { OfferBody, PublicOffer, RetentionOffer } from "./schemas/offers.js";
export type {
  AllowedOrigins,
  ApiKey,
  CreatedApiKey,
  CreatedCustomerTokenSecret,
  CreatedProject,
  CreateProjectBody,
  CustomerTokenSecret,
  KeyTypeBody,
  Project,
  UpdateProjectBody,
} from "./schemas/projects.js";
export type {
  ChurnStats,
  StatsQuery,
  StatsTimeseries,
  TimeseriesPoint,
  TimeseriesQuery,
} from "./schemas/stats.js";
export type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  RotatedWebhookSecret,
  StripeIntegration,
  StripeIntegrationBody,
  UpdateWebhookEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookMessageQueued,
} from "./schemas/webhooks.js";

/** Headers a browser may read on cancel-flow responses. */
export const EXPOSED_HEADERS = [
  "Retry-After",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
] as const;

/** `?limit=&offset=` of every dashboard list (limit 1–100, default 20). */
export interface ListQuery {
  limit?: number;
  offset?: number;
}

/** `GET /health`. */
export interface HealthResponse {
  status: "ok";
}
