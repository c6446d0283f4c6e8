import { createHmac, randomBytes, randomUUID } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, docs/design.md §9): the signed
 * content is `<webhook-id>.<webhook-timestamp>.<body>`, the key is the base64 part of the
 * `whsec_` secret, and `webhook-signature` lists `v1,<base64 HMAC-SHA256>` once per secret.
 */

const SECRET_PREFIX = "whsec_";

/** `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** What the list shows of a secret: the prefix, dots and the last 4 characters. */
export function secretHint(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  const mac = createHmac("sha256", key)
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers; every secret given signs (a rotation's overlap). */
export function signatureHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": secrets
      .map((secret) => sign(secret, id, timestampSeconds, body))
      .join(" "),
  };
}

/** A message id as Standard Webhooks suggests: `msg_` and random characters. */
export const newMessageId = () => `msg_${randomUUID().replaceAll("-", "")}`;
