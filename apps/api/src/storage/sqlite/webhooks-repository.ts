import type { WebhookEventType } from "@windback/protocol";
import {
  type AttemptRow,
  type EndpointRow,
  type MessageRow,
  toAttempt,
  toEndpoint,
  toMessage,
} from "../rows.js";
import type { LeasedDelivery, WebhookStatus, WebhooksRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";
import { createOutboxWriter } from "./webhook-outbox.js";

const ATTEMPT_COLUMNS = `a.id, a.message_id, a.endpoint_id, m.event_type, a.attempt, a.status,
  a.response_status, a.response_body, a.error, a.duration_ms, a.created_at, a.next_attempt_at`;

export function createWebhooksRepository(db: SqliteDatabase): WebhooksRepository {
  const outbox = createOutboxWriter(db);
  const insertEndpoint = db.prepare(
    `INSERT INTO webhook_endpoints (id, project_id, url, description, event_types, enabled,
       secret, created_at, updated_at)
     VALUES (@id, @projectId, @url, @description, @eventTypes, @enabled, @secret, @now, @now)`,
  );
  const endpointById = db.prepare<[string, string], EndpointRow>(
    "SELECT * FROM webhook_endpoints WHERE project_id = ? AND id = ?",
  );
  const endpointsOf = db.prepare<[string], EndpointRow>(
    "SELECT * FROM webhook_endpoints WHERE project_id = ? ORDER BY created_at, rowid",
  );
  const deleteEndpoint = db.prepare<[string, string]>(
    "DELETE FROM webhook_endpoints WHERE project_id = ? AND id = ?",
  );
  const rotate = db.prepare(
    `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = @expires,
       secret = @secret, updated_at = @now
     WHERE project_id = @projectId AND id = @id`,
  );
  const messageById = db.prepare<[string], MessageRow>(
    "SELECT * FROM webhook_messages WHERE id = ?",
  );
  const attemptsOf = db.prepare<[string, number, number], AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
     WHERE a.endpoint_id = ? ORDER BY a.seq DESC LIMIT ? OFFSET ?`,
  );
  const countAttempts = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM webhook_attempts WHERE endpoint_id = ?",
  );
  const attemptOfEndpoint = db.prepare<[string, string], AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
     WHERE a.id = ? AND a.endpoint_id = ?`,
  );
  const lastAttemptNumber = db.prepare<[string], { n: number }>(
    "SELECT coalesce(max(attempt), 0) AS n FROM webhook_attempts WHERE message_id = ?",
  );
  const setMessageStatus = db.prepare<[WebhookStatus, string, string]>(
    "UPDATE webhook_messages SET status = ?, updated_at = ? WHERE id = ?",
  );
  const due = db.prepare<{ now: string; firstCutoff: string; limit: number }, { id: string }>(
    `SELECT a.id FROM webhook_attempts a JOIN webhook_endpoints e ON e.id = a.endpoint_id
     WHERE a.status = 'pending' AND a.next_attempt_at <= @now AND e.enabled = 1
       AND (a.attempt > 1 OR a.next_attempt_at <= @firstCutoff)
     ORDER BY a.next_attempt_at, a.seq LIMIT @limit`,
  );
  const lease = db.prepare<[string, string]>(
    "UPDATE webhook_attempts SET next_attempt_at = ? WHERE id = ?",
  );
  const attemptById = db.prepare<[string], AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id
     WHERE a.id = ?`,
  );
  const endpointOnly = db.prepare<[string], EndpointRow>(
    "SELECT * FROM webhook_endpoints WHERE id = ?",
  );
  const finishAttempt = db.prepare(
    `UPDATE webhook_attempts SET status = @status, response_status = @responseStatus,
       response_body = @responseBody, error = @error, duration_ms = @durationMs,
       next_attempt_at = NULL, updated_at = @now
     WHERE id = @id AND status = 'pending'`,
  );
  const finishMessage = db.prepare(
    `UPDATE webhook_messages SET status = @status, attempts = attempts + 1, updated_at = @now
     WHERE id = @id`,
  );
  const endpointSucceeded = db.prepare<[string, string, string]>(
    `UPDATE webhook_endpoints SET last_success_at = ?, failing_since = NULL, updated_at = ?
     WHERE id = ?`,
  );
  const endpointFailed = db.prepare<[string, string, string, string]>(
    `UPDATE webhook_endpoints SET last_failure_at = ?, failing_since = coalesce(failing_since, ?),
       updated_at = ? WHERE id = ?`,
  );
  const disable = db.prepare<[string, string, string]>(
    "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
  );
  // A first attempt's due time is when it was planned plus the schedule's first delay.
  const nextDue = db.prepare<{ delaySeconds: string }, { at: string | null }>(
    `SELECT min(CASE WHEN a.attempt = 1
         THEN strftime('%Y-%m-%dT%H:%M:%fZ', a.next_attempt_at, @delaySeconds)
         ELSE a.next_attempt_at END) AS at
     FROM webhook_attempts a
     JOIN webhook_endpoints e ON e.id = a.endpoint_id
     WHERE a.status = 'pending' AND e.enabled = 1`,
  );

  const updateTx = db.transaction(
    (
      projectId: string,
      id: string,
      changes: Parameters<WebhooksRepository["updateEndpoint"]>[2],
      now: string,
    ) => {
      const row = endpointById.get(projectId, id);
      if (!row) return null;
      const next: EndpointRow = { ...row, updated_at: now };
      if (changes.url !== undefined) next.url = changes.url;
      if (changes.description !== undefined) next.description = changes.description;
      if (changes.eventTypes !== undefined) {
        next.event_types = changes.eventTypes === null ? null : JSON.stringify(changes.eventTypes);
      }
      if (changes.enabled !== undefined) {
        next.enabled = changes.enabled ? 1 : 0;
        if (changes.enabled && row.enabled === 0) {
          next.disabled_reason = null;
          next.failing_since = null;
        }
        if (!changes.enabled && row.enabled === 1) next.disabled_reason = "disabled by the owner";
      }
      db.prepare(
        `UPDATE webhook_endpoints SET url = @url, description = @description,
           event_types = @event_types, enabled = @enabled, disabled_reason = @disabled_reason,
           failing_since = @failing_since, updated_at = @updated_at WHERE id = @id`,
      ).run(next);
      return toEndpoint(endpointById.get(projectId, id) as EndpointRow);
    },
  );

  const enqueueTx = db.transaction(
    (
      projectId: string,
      endpointId: string,
      message: { id: string; eventType: WebhookEventType; livemode: boolean; body: string },
      firstAttemptId: string,
      now: string,
    ) => {
      outbox.queue(projectId, endpointId, message, firstAttemptId, now);
      return toMessage(messageById.get(message.id) as MessageRow);
    },
  );

  const redeliverTx = db.transaction(
    (projectId: string, endpointId: string, attemptId: string, newId: string, now: string) => {
      const endpoint = endpointById.get(projectId, endpointId);
      const attempt = endpoint ? attemptOfEndpoint.get(attemptId, endpointId) : undefined;
      if (!attempt) return null;
      const number = (lastAttemptNumber.get(attempt.message_id) as { n: number }).n + 1;
      outbox.planAttempt({
        id: newId,
        messageId: attempt.message_id,
        endpointId,
        attempt: number,
        due: now,
        now,
      });
      setMessageStatus.run("pending", now, attempt.message_id);
      return toAttempt(attemptById.get(newId) as AttemptRow);
    },
  );

  const leaseTx = db.transaction(
    (now: string, leaseUntil: string, limit: number, firstCutoff: string) => {
      const leased: LeasedDelivery[] = [];
      for (const { id } of due.all({ now, firstCutoff, limit })) {
        lease.run(leaseUntil, id);
        const attempt = toAttempt(attemptById.get(id) as AttemptRow);
        leased.push({
          attempt,
          message: toMessage(messageById.get(attempt.messageId) as MessageRow),
          endpoint: toEndpoint(endpointOnly.get(attempt.endpointId) as EndpointRow),
        });
      }
      return leased;
    },
  );

  const outcomeTx = db.transaction(
    (attemptId: string, outcome: Parameters<WebhooksRepository["recordOutcome"]>[1], now) => {
      const attempt = attemptById.get(attemptId);
      if (attempt?.status !== "pending") return;
      finishAttempt.run({
        id: attemptId,
        status: outcome.succeeded ? "succeeded" : "failed",
        responseStatus: outcome.responseStatus,
        responseBody: outcome.responseBody,
        error: outcome.error,
        durationMs: outcome.durationMs,
        now,
      });
      const messageStatus: WebhookStatus = outcome.succeeded
        ? "succeeded"
        : outcome.retry
          ? "pending"
          : "failed";
      finishMessage.run({ id: attempt.message_id, status: messageStatus, now });
      if (!outcome.succeeded && outcome.retry) {
        outbox.planAttempt({
          id: outcome.retry.id,
          messageId: attempt.message_id,
          endpointId: attempt.endpoint_id,
          attempt: attempt.attempt + 1,
          due: outcome.retry.at,
          now,
        });
      }
      if (outcome.succeeded) endpointSucceeded.run(now, now, attempt.endpoint_id);
      else endpointFailed.run(now, now, now, attempt.endpoint_id);
      if (outcome.disableEndpoint !== null) {
        disable.run(outcome.disableEndpoint, now, attempt.endpoint_id);
      }
    },
  );

  return {
    async createEndpoint(projectId, endpoint, now) {
      insertEndpoint.run({
        id: endpoint.id,
        projectId,
        url: endpoint.url,
        description: endpoint.description,
        eventTypes: endpoint.eventTypes === null ? null : JSON.stringify(endpoint.eventTypes),
        enabled: endpoint.enabled ? 1 : 0,
        secret: endpoint.secret,
        now,
      });
      return toEndpoint(endpointById.get(projectId, endpoint.id) as EndpointRow);
    },
    async listEndpoints(projectId) {
      return endpointsOf.all(projectId).map(toEndpoint);
    },
    async findEndpoint(projectId, id) {
      const row = endpointById.get(projectId, id);
      return row ? toEndpoint(row) : null;
    },
    async updateEndpoint(projectId, id, changes, now) {
      return updateTx.immediate(projectId, id, changes, now);
    },
    async deleteEndpoint(projectId, id) {
      return deleteEndpoint.run(projectId, id).changes > 0;
    },
    async rotateSecret(projectId, id, secret, now, previousExpiresAt) {
      rotate.run({ projectId, id, secret, now, expires: previousExpiresAt });
      const row = endpointById.get(projectId, id);
      return row ? toEndpoint(row) : null;
    },
    async enqueue(projectId, endpointId, message, firstAttemptId, now) {
      return enqueueTx.immediate(projectId, endpointId, message, firstAttemptId, now);
    },
    async listAttempts(projectId, endpointId, page) {
      if (!endpointById.get(projectId, endpointId)) return { items: [], total: 0 };
      return {
        items: attemptsOf.all(endpointId, page.limit, page.offset).map(toAttempt),
        total: (countAttempts.get(endpointId) as { n: number }).n,
      };
    },
    async redeliver(projectId, endpointId, attemptId, newAttemptId, now) {
      return redeliverTx.immediate(projectId, endpointId, attemptId, newAttemptId, now);
    },
    async leaseDue(now, leaseUntil, limit, firstAttemptDelayMs) {
      const cutoff = new Date(Date.parse(now) - firstAttemptDelayMs).toISOString();
      return leaseTx.immediate(now, leaseUntil, limit, cutoff);
    },
    async release(attemptId, at) {
      db.prepare(
        "UPDATE webhook_attempts SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
      ).run(at, attemptId);
    },
    async recordOutcome(attemptId, outcome, now) {
      outcomeTx.immediate(attemptId, outcome, now);
    },
    async nextDueAt(firstAttemptDelayMs) {
      return nextDue.get({ delaySeconds: `+${firstAttemptDelayMs / 1000} seconds` })?.at ?? null;
    },
  };
}
