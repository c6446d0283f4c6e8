/**
 * `@windback/node`: Windback for a merchant's server (docs/design.md §12).
 *
 * @example
 * ```ts
 * import { Windback, createCustomerToken, verifyWebhook, WindbackError } from "@windback/node";
 * const windback = new Windback({ secretKey: process.env.WINDBACK_SECRET_KEY!, baseUrl: "https://windback.example.com" });
 * const stats = await windback.stats.get({ from: "2026-11-01", to: "2026-12-01" });
 * ```
 */
export {
  AllowedOriginsResource,
  CancelFlow,
  ChurnEvents,
  type ChurnEventsListParams,
  type Page,
  ProjectResource,
  RetentionOffers,
  SDK_VERSION,
  Stats,
  StripeIntegrationResource,
  type TrackResult,
  WebhookEndpoints,
  Windback,
  type WindbackOptions,
} from "./client.js";
export {
  type CreateCustomerTokenOptions,
  CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS,
  type CustomerTokenCustomer,
  createCustomerToken,
} from "./customer-token.js";
export { type SdkErrorCode, WebhookVerificationError, WindbackError } from "./errors.js";
export type * from "./protocol-types.js";
export type * from "./webhook-types.js";
export { verifyWebhook, type WebhookHeaders } from "./webhooks.js";
