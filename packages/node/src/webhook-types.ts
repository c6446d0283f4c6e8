/**
 * The shapes of the webhook-endpoint routes and of the messages they deliver, as docs/design.md §9
 * writes them. Declared here because packages/protocol has no schema for them yet; when it does,
 * scripts/protocol-types.mjs should print them like the others and this file should go.
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

/** An endpoint as listed: the secret itself is never readable again after creation. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  event_types: WebhookEventType[];
  enabled: boolean;
  disabled_reason: string | null;
  secret_hint: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  created_at: string;
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
  url: string;
  description?: string;
  /** Every event type when omitted. */
  event_types?: WebhookEventType[];
  enabled?: boolean;
}

/** Only the fields given change; `enabled: true` re-enables a disabled endpoint. */
export type UpdateWebhookEndpointBody = Partial<CreateWebhookEndpointBody>;

export interface WebhookDelivery {
  id: string;
  message_id: string;
  event_type: WebhookEventType;
  attempt: number;
  status: "pending" | "succeeded" | "failed";
  response_status: number | null;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
  next_attempt_at: string | null;
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
