import { WebhookVerificationError as StandardWebhookError, Webhook } from "standardwebhooks";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookMessage } from "./webhook-types.js";

/**
 * Request headers as Node (`req.headers`), the Fetch API (`request.headers`) or a plain object
 * give them.
 */
export type WebhookHeaders =
  | Headers
  | Record<string, string | string[] | undefined>
  | Iterable<[string, string]>;

const REQUIRED = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

function headerRecord(headers: WebhookHeaders): Record<string, string> {
  const entries: Iterable<[string, string | string[] | undefined]> =
    Symbol.iterator in headers
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers as Record<string, string | string[] | undefined>);
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (!(REQUIRED as readonly string[]).includes(key) || value === undefined) continue;
    record[key] = Array.isArray(value) ? value.join(" ") : value;
  }
  return record;
}

/**
 * Verifies a webhook from Windback (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) over the raw body, and returns the parsed message. Throws
 * {@link WebhookVerificationError} for a bad signature, missing headers, or a timestamp more
 * than 5 minutes away from now (a replay). Pass the body exactly as received: parsing and
 * re-serialising JSON changes the bytes and the signature no longer matches.
 *
 * @example
 * ```ts
 * const message = verifyWebhook(rawBody, req.headers, process.env.WINDBACK_WEBHOOK_SECRET!);
 * if (message.type === "churn_event.lost") await offboard(message.data.customer_email);
 * ```
 */
export function verifyWebhook(
  rawBody: string | Buffer | Uint8Array,
  headers: WebhookHeaders,
  endpointSecret: string,
): WebhookMessage {
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) {
    throw new TypeError(
      "rawBody must be the request's raw body (string or Buffer), not parsed JSON: re-serialised JSON does not verify",
    );
  }
  const body = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody);
  let webhook: Webhook;
  try {
    webhook = new Webhook(endpointSecret);
  } catch (cause) {
    throw new TypeError(`endpointSecret is not a webhook secret (whsec_…): ${String(cause)}`);
  }
  try {
    return webhook.verify(body, headerRecord(headers)) as WebhookMessage;
  } catch (cause) {
    if (cause instanceof StandardWebhookError) {
      throw new WebhookVerificationError(`Webhook verification failed: ${cause.message}`, cause);
    }
    // The signature matched but the body is not JSON: not a message Windback sent.
    throw new WebhookVerificationError("Webhook verification failed: the body is not JSON", cause);
  }
}
