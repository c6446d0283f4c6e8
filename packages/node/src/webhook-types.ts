/**
 * The shapes of the webhook-endpoint and Stripe-integration routes and of the messages Windback
 * delivers, as docs/design.md §9 and §10 write them. Declared here because packages/protocol has
 * no schema for them yet; once it has, scripts/protocol-types.mjs should print them like the
 * others and this file should go.
 */
import type { ChurnEvent } from "./protocol-types.js";

export type WebhookEventType =
  | "cancel_flow.submitted"
  | "cancel_flow.offer_accepted"
  | "cancel_flow.offer_declined"
  | "churn_event.created"
  | "churn_event.recovered"
  | "churn_event.lost"
  | "webhook.test";

export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed";

/** An endpoint as listed: the secret itself is never readable again after creation. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  event_types: WebhookEventType[];
  enabled: boolean;
  /** Why it was disabled (an answer 410, five days of failures, …). */
  disabled_reason: string | null;
  /** `whsec_`, dots and the last 4 characters. */
  secret_hint: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The answer to creating an endpoint: the only time `secret` (`whsec_…`) is shown. */
export interface CreatedWebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  event_types: WebhookEventType[];
  enabled: boolean;
  created_at: string;
  secret: string;
}

export interface CreateWebhookEndpointBody {
  /** `https:` (`http:` too when the server is not in production). */
  url: string;
  description?: string;
  /** Every event type when omitted or null. */
  event_types?: WebhookEventType[] | null;
  enabled?: boolean;
}

/** Only the fields given change; `enabled: true` re-enables a disabled endpoint. */
export interface UpdateWebhookEndpointBody {
  url?: string;
  description?: string | null;
  event_types?: WebhookEventType[] | null;
  enabled?: boolean;
}

/** One delivery attempt, planned or made. */
export interface WebhookDelivery {
  id: string;
  message_id: string;
  event_type: WebhookEventType;
  attempt: number;
  status: WebhookDeliveryStatus;
  response_status: number | null;
  /** At most 64 KB of the receiver's answer. */
  response_body: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
  next_attempt_at: string | null;
}

/** The project's Stripe webhook secret, as a hint (docs/design.md §10). */
export interface StripeIntegration {
  configured: boolean;
  webhook_secret_hint: string | null;
  /** The URL to give Stripe, with `{public_key}` to replace by one of the project's `pub_…` keys. */
  webhook_url: string;
  updated_at: string | null;
}

/** The body of every webhook Windback sends (docs/design.md §9). */
export interface WebhookMessage {
  type: WebhookEventType;
  /** RFC 3339. */
  timestamp: string;
  /** false for test data (written with a test key, §11). */
  livemode: boolean;
  /** The churn event exactly as the API returns it. */
  data: ChurnEvent;
}
