import { type Static, Type } from "@sinclair/typebox";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from "../index.js";
import { Nullable, NullableTimestamp, StringEnum, Timestamp } from "./common.js";

/** docs/design.md §9: outbound webhooks (Standard Webhooks) and §10: the Stripe integration. */

const EventTypes = Type.Array(StringEnum(WEBHOOK_EVENT_TYPES), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  uniqueItems: true,
  description: "The event types sent to the endpoint; omitted or null: all",
});
const WebhookUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    "https: URL (http: too outside production); no userinfo; loopback, private, link-local and metadata addresses are refused",
});
const Description = Type.String({ maxLength: 500 });

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: WebhookUrl,
    description: Type.Optional(Description),
    event_types: Type.Optional(Nullable(EventTypes)),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    description: Type.Optional(Nullable(Description)),
    event_types: Type.Optional(Nullable(EventTypes)),
    enabled: Type.Optional(
      Type.Boolean({ description: "true re-enables a disabled endpoint; pending messages resume" }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookEndpointBody = Static<typeof UpdateWebhookEndpointBody>;

const endpointFields = {
  id: Type.String({ format: "uuid" }),
  url: Type.String(),
  description: Nullable(Type.String()),
  event_types: Type.Array(StringEnum(WEBHOOK_EVENT_TYPES), {
    description: "The event types sent to the endpoint",
  }),
  enabled: Type.Boolean(),
  created_at: Timestamp,
};

/** An endpoint as listed: never the secret. */
export const WebhookEndpoint = Type.Object(
  {
    ...endpointFields,
    disabled_reason: Nullable(
      Type.String({ description: "Why the endpoint was disabled (410, 5 days of failures, …)" }),
    ),
    secret_hint: Type.String({ description: "whsec_, dots and the last 4 characters" }),
    last_success_at: NullableTimestamp,
    last_failure_at: NullableTimestamp,
    updated_at: Timestamp,
  },
  { $id: "WebhookEndpoint" },
);
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

/** A new endpoint: the only time its `secret` is shown. */
export const CreatedWebhookEndpoint = Type.Object(
  {
    ...endpointFields,
    secret: Type.String({
      description: "whsec_ + base64 of 32 random bytes; shown once; the key is the base64 part",
    }),
  },
  { $id: "CreatedWebhookEndpoint" },
);
export type CreatedWebhookEndpoint = Static<typeof CreatedWebhookEndpoint>;

export const RotatedWebhookSecret = Type.Object({
  secret: Type.String({ description: "The new secret; the previous one also signs for 24 h" }),
});
export type RotatedWebhookSecret = Static<typeof RotatedWebhookSecret>;

export const WebhookMessageQueued = Type.Object({
  message_id: Type.String({ description: "The webhook-id the receiver will see" }),
});
export type WebhookMessageQueued = Static<typeof WebhookMessageQueued>;

/** One delivery attempt, planned or made. */
export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    message_id: Type.String(),
    event_type: StringEnum(WEBHOOK_EVENT_TYPES),
    attempt: Type.Integer({ minimum: 1 }),
    status: StringEnum(WEBHOOK_DELIVERY_STATUSES),
    response_status: Nullable(Type.Integer()),
    response_body: Nullable(Type.String({ description: "At most 64 KB of the response" })),
    error: Nullable(Type.String()),
    duration_ms: Nullable(Type.Integer()),
    created_at: Timestamp,
    next_attempt_at: NullableTimestamp,
  },
  { $id: "WebhookDelivery" },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const StripeIntegrationBody = Type.Object(
  {
    webhook_secret: Type.String({
      pattern: "^whsec_[A-Za-z0-9+/=_-]{8,200}$",
      description: "The signing secret of the Stripe endpoint (whsec_…)",
    }),
  },
  { additionalProperties: false },
);
export type StripeIntegrationBody = Static<typeof StripeIntegrationBody>;

export const StripeIntegration = Type.Object(
  {
    configured: Type.Boolean(),
    webhook_secret_hint: Nullable(Type.String({ description: "whsec_, dots and the last 4" })),
    webhook_url: Type.String({
      description:
        "The URL to give Stripe: replace {public_key} with one of the project's public keys (pub_…)",
    }),
    updated_at: NullableTimestamp,
  },
  { $id: "StripeIntegration" },
);
export type StripeIntegration = Static<typeof StripeIntegration>;

/** What Stripe is answered once an event verified (docs/design.md §10). */
export const StripeWebhookResponse = Type.Object({
  received: Type.Boolean(),
  outcome: StringEnum(["processed", "ignored", "duplicate"] as const, "What the event did"),
});
export type StripeWebhookResponse = Static<typeof StripeWebhookResponse>;
