import type { ChurnEvent, WebhookEventType } from "./protocol-types.js";

/**
 * The body of every webhook Windback sends (docs/design.md §9). The routes' shapes come from
 * packages/protocol (src/protocol-types.ts); the message body has no schema there, so it is
 * written here from §9.
 */
export interface WebhookMessage {
  type: WebhookEventType;
  /** RFC 3339. */
  timestamp: string;
  /** false for test data (written with a test key, §11). */
  livemode: boolean;
  /** The churn event exactly as the API returns it. */
  data: ChurnEvent;
}
