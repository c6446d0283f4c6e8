import { randomUUID } from "node:crypto";
import { newMessageId } from "../../webhooks/signing.js";
import type { DomainEvent } from "../types.js";
import type { Queryable } from "./database.js";

/**
 * The outbox writer (the twin of ../sqlite/webhook-outbox.ts): queues a domain event's webhook
 * message for each enabled endpoint of its project subscribed to its type, with a first attempt
 * due now. Every function takes the client of the caller's transaction (the change's, in
 * churn-events-repository.ts), so the messages commit with the change or not at all.
 */

export interface QueuedMessage {
  id: string;
  eventType: string;
  livemode: boolean;
  body: string;
}

export interface PlannedAttempt {
  id: string;
  messageId: string;
  endpointId: string;
  attempt: number;
  due: string;
  now: string;
}

/** Plans attempt number `attempt` of a message, due at `due`. */
export async function planAttempt(client: Queryable, attempt: PlannedAttempt): Promise<void> {
  await client.query(
    `INSERT INTO webhook_attempts (id, message_id, endpoint_id, attempt, status, next_attempt_at,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6)`,
    [attempt.id, attempt.messageId, attempt.endpointId, attempt.attempt, attempt.due, attempt.now],
  );
}

/** Inserts one message and its first attempt, due at `now`; runs inside a transaction. */
export async function queueMessage(
  client: Queryable,
  projectId: string,
  endpointId: string,
  message: QueuedMessage,
  firstAttemptId: string,
  now: string,
): Promise<void> {
  await client.query(
    `INSERT INTO webhook_messages (id, project_id, endpoint_id, event_type, livemode, body,
       status, attempts, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)`,
    [message.id, projectId, endpointId, message.eventType, message.livemode, message.body, now],
  );
  await planAttempt(client, {
    id: firstAttemptId,
    messageId: message.id,
    endpointId,
    attempt: 1,
    due: now,
    now,
  });
}

/** The messages of one domain event (the body of docs/design.md §9). */
export async function queueDomainEvent(
  client: Queryable,
  event: DomainEvent,
  livemode: boolean,
  now: string,
): Promise<void> {
  // FOR KEY SHARE: an endpoint being deleted meanwhile is either kept until this commits or,
  // once its deletion has committed, left out, never a foreign-key error for the change.
  const { rows: targets } = await client.query<{ id: string }>(
    `SELECT id FROM webhook_endpoints
     WHERE project_id = $1 AND enabled
       AND (event_types IS NULL OR event_types::jsonb @> jsonb_build_array($2::text))
     ORDER BY created_at, seq
     FOR KEY SHARE`,
    [event.projectId, event.type],
  );
  if (targets.length === 0) return;
  const body = JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    livemode,
    data: JSON.parse(event.payload) as unknown,
  });
  for (const target of targets) {
    await queueMessage(
      client,
      event.projectId,
      target.id,
      { id: newMessageId(), eventType: event.type, livemode, body },
      randomUUID(),
      now,
    );
  }
}
