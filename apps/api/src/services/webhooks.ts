import { randomUUID } from "node:crypto";
import {
  type CreateWebhookEndpointBody,
  type UpdateWebhookEndpointBody,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from "@windback/protocol";
import { type Clock, toIso } from "../lib/clock.js";
import { badRequest, notFound } from "../lib/errors.js";
import type {
  Repositories,
  WebhookAttemptRecord,
  WebhookEndpointRecord,
} from "../storage/types.js";
import { newMessageId, newWebhookSecret, secretHint } from "../webhooks/signing.js";
import { urlProblem } from "../webhooks/ssrf.js";

/** The previous secret keeps signing this long after a rotation (docs/design.md §9). */
const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export const serializeEndpoint = (endpoint: WebhookEndpointRecord): WebhookEndpoint => ({
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  event_types: endpoint.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
  enabled: endpoint.enabled,
  disabled_reason: endpoint.disabledReason,
  secret_hint: secretHint(endpoint.secret),
  last_success_at: endpoint.lastSuccessAt,
  last_failure_at: endpoint.lastFailureAt,
  created_at: endpoint.createdAt,
  updated_at: endpoint.updatedAt,
});

export const serializeDelivery = (attempt: WebhookAttemptRecord): WebhookDelivery => ({
  id: attempt.id,
  message_id: attempt.messageId,
  event_type: attempt.eventType,
  attempt: attempt.attempt,
  status: attempt.status,
  response_status: attempt.responseStatus,
  response_body: attempt.responseBody,
  error: attempt.error,
  duration_ms: attempt.durationMs,
  created_at: attempt.createdAt,
  next_attempt_at: attempt.nextAttemptAt,
});

/** All types is stored as null, so an endpoint made before a new type existed gets it too. */
function eventTypesOf(types: WebhookEventType[] | null | undefined) {
  if (types === undefined) return undefined;
  if (types === null || types.length === WEBHOOK_EVENT_TYPES.length) return null;
  return types;
}

/**
 * Managing webhook endpoints (docs/design.md §9): the URL rules, the secret shown once, rotation
 * with an overlap, the test message and redelivery. Delivery itself is the worker's
 * (webhooks/worker.ts); this service only writes to the outbox and nudges it.
 */
export function createWebhooksService(deps: {
  repos: Repositories;
  clock: Clock;
  rules: { allowHttp: boolean; allowPrivate: boolean };
  /** Wakes the delivery worker after something was queued. */
  nudge: () => void;
}) {
  const { repos, clock } = deps;
  const now = () => toIso(clock.now());

  function checkUrl(url: string): string {
    const problem = urlProblem(url, deps.rules);
    if (problem) throw badRequest(problem);
    return new URL(url).href;
  }

  async function endpointOf(projectId: string, id: string) {
    const endpoint = await repos.webhooks.findEndpoint(projectId, id);
    if (!endpoint) throw notFound("Webhook endpoint");
    return endpoint;
  }

  return {
    async create(projectId: string, body: CreateWebhookEndpointBody) {
      const secret = newWebhookSecret();
      const endpoint = await repos.webhooks.createEndpoint(
        projectId,
        {
          id: randomUUID(),
          url: checkUrl(body.url),
          description: body.description?.trim() || null,
          eventTypes: eventTypesOf(body.event_types) ?? null,
          enabled: body.enabled ?? true,
          secret,
        },
        now(),
      );
      return { endpoint, secret };
    },
    list: (projectId: string) => repos.webhooks.listEndpoints(projectId),
    get: endpointOf,
    async update(projectId: string, id: string, body: UpdateWebhookEndpointBody) {
      const types = eventTypesOf(body.event_types);
      const updated = await repos.webhooks.updateEndpoint(
        projectId,
        id,
        {
          ...(body.url !== undefined && { url: checkUrl(body.url) }),
          ...(body.description !== undefined && {
            description: body.description?.trim() || null,
          }),
          ...(types !== undefined && { eventTypes: types }),
          ...(body.enabled !== undefined && { enabled: body.enabled }),
        },
        now(),
      );
      if (!updated) throw notFound("Webhook endpoint");
      // Re-enabled: its pending messages are due.
      if (body.enabled) deps.nudge();
      return updated;
    },
    async remove(projectId: string, id: string) {
      if (!(await repos.webhooks.deleteEndpoint(projectId, id))) throw notFound("Webhook endpoint");
    },
    async rotateSecret(projectId: string, id: string) {
      const secret = newWebhookSecret();
      const at = clock.now();
      const rotated = await repos.webhooks.rotateSecret(
        projectId,
        id,
        secret,
        toIso(at),
        toIso(at + ROTATION_OVERLAP_MS),
      );
      if (!rotated) throw notFound("Webhook endpoint");
      return secret;
    },
    /** Queues a `webhook.test` message to the endpoint; returns its id. */
    async sendTest(projectId: string, id: string, livemode: boolean) {
      const endpoint = await endpointOf(projectId, id);
      const at = now();
      const message = await repos.webhooks.enqueue(
        projectId,
        endpoint.id,
        {
          id: newMessageId(),
          eventType: "webhook.test",
          livemode,
          body: JSON.stringify({
            type: "webhook.test",
            timestamp: at,
            livemode,
            data: { endpoint_id: endpoint.id, message: "A test message from Windback" },
          }),
        },
        randomUUID(),
        at,
      );
      deps.nudge();
      return message.id;
    },
    async deliveries(projectId: string, id: string, page: { limit: number; offset: number }) {
      await endpointOf(projectId, id);
      return repos.webhooks.listAttempts(projectId, id, page);
    },
    async redeliver(projectId: string, id: string, deliveryId: string) {
      const attempt = await repos.webhooks.redeliver(
        projectId,
        id,
        deliveryId,
        randomUUID(),
        now(),
      );
      if (!attempt) throw notFound("Delivery");
      deps.nudge();
      return attempt;
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
