import { randomUUID } from "node:crypto";
import { newMessageId } from "../../webhooks/signing.js";
import type { DomainEvent } from "../types.js";
import type { SqliteDatabase } from "./database.js";

/**
 * The outbox writer: queues a domain event's webhook message for each enabled endpoint of its
 * project subscribed to its type, with a first attempt due now. Runs inside the transaction of
 * the change (churn-events-repository.ts), so the messages commit with the change or not at all.
 */
export interface OutboxWriter {
  /** Inserts one message and its first attempt, due at `now`; runs inside a transaction. */
  queue(
    projectId: string,
    endpointId: string,
    message: { id: string; eventType: string; livemode: boolean; body: string },
    firstAttemptId: string,
    now: string,
  ): void;
  /** Plans attempt number `attempt` of a message, due at `due`. */
  planAttempt(attempt: {
    id: string;
    messageId: string;
    endpointId: string;
    attempt: number;
    due: string;
    now: string;
  }): void;
  /** The messages of one domain event (the body of docs/design.md §9). */
  queueDomainEvent(event: DomainEvent, livemode: boolean, now: string): void;
}

export function createOutboxWriter(db: SqliteDatabase): OutboxWriter {
  const endpoints = db.prepare<[string, string], { id: string }>(
    `SELECT id FROM webhook_endpoints
     WHERE project_id = ? AND enabled = 1
       AND (event_types IS NULL OR EXISTS (SELECT 1 FROM json_each(event_types) WHERE value = ?))`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO webhook_messages (id, project_id, endpoint_id, event_type, livemode, body,
       status, attempts, created_at, updated_at)
     VALUES (@id, @projectId, @endpointId, @eventType, @livemode, @body, 'pending', 0, @now, @now)`,
  );
  const insertAttempt = db.prepare(
    `INSERT INTO webhook_attempts (id, message_id, endpoint_id, attempt, status, next_attempt_at,
       created_at, updated_at)
     VALUES (@id, @messageId, @endpointId, @attempt, 'pending', @due, @now, @now)`,
  );

  function queue(
    projectId: string,
    endpointId: string,
    message: { id: string; eventType: string; livemode: boolean; body: string },
    firstAttemptId: string,
    now: string,
  ): void {
    insertMessage.run({
      id: message.id,
      projectId,
      endpointId,
      eventType: message.eventType,
      livemode: message.livemode ? 1 : 0,
      body: message.body,
      now,
    });
    insertAttempt.run({
      id: firstAttemptId,
      messageId: message.id,
      endpointId,
      attempt: 1,
      due: now,
      now,
    });
  }

  return {
    queue,
    planAttempt: (attempt) => void insertAttempt.run(attempt),
    queueDomainEvent(event: DomainEvent, livemode: boolean, now: string): void {
      const targets = endpoints.all(event.projectId, event.type);
      if (targets.length === 0) return;
      const body = JSON.stringify({
        type: event.type,
        timestamp: event.occurredAt,
        livemode,
        data: JSON.parse(event.payload) as unknown,
      });
      for (const target of targets) {
        queue(
          event.projectId,
          target.id,
          { id: newMessageId(), eventType: event.type, livemode, body },
          randomUUID(),
          now,
        );
      }
    },
  };
}
