import type pg from "pg";
import {
  type AttemptRow,
  type EndpointRow,
  type MessageRow,
  toAttempt,
  toEndpoint,
  toMessage,
} from "../rows.js";
import type { LeasedDelivery, WebhookStatus, WebhooksRepository } from "../types.js";
import { type Queryable, transaction } from "./database.js";
import { planAttempt, queueMessage } from "./webhook-outbox.js";

const ATTEMPT_COLUMNS = `a.id, a.message_id, a.endpoint_id, m.event_type, a.attempt, a.status,
  a.response_status, a.response_body, a.error, a.duration_ms, a.created_at, a.next_attempt_at`;

/** ISO-8601 with milliseconds and Z, as Date#toISOString writes it (what the columns hold). */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

async function attemptById(client: Queryable, id: string): Promise<AttemptRow | undefined> {
  const { rows } = await client.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a
     JOIN webhook_messages m ON m.id = a.message_id WHERE a.id = $1`,
    [id],
  );
  return rows[0];
}

async function endpointOf(
  client: Queryable,
  projectId: string,
  id: string,
  lock = false,
): Promise<EndpointRow | undefined> {
  const { rows } = await client.query<EndpointRow>(
    `SELECT * FROM webhook_endpoints WHERE project_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [projectId, id],
  );
  return rows[0];
}

export function createWebhooksRepository(pool: pg.Pool): WebhooksRepository {
  return {
    async createEndpoint(projectId, endpoint, now) {
      const { rows } = await pool.query<EndpointRow>(
        `INSERT INTO webhook_endpoints (id, project_id, url, description, event_types, enabled,
           secret, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING *`,
        [
          endpoint.id,
          projectId,
          endpoint.url,
          endpoint.description,
          endpoint.eventTypes === null ? null : JSON.stringify(endpoint.eventTypes),
          endpoint.enabled,
          endpoint.secret,
          now,
        ],
      );
      return toEndpoint(rows[0] as EndpointRow);
    },
    async listEndpoints(projectId) {
      const { rows } = await pool.query<EndpointRow>(
        "SELECT * FROM webhook_endpoints WHERE project_id = $1 ORDER BY created_at, seq",
        [projectId],
      );
      return rows.map(toEndpoint);
    },
    async findEndpoint(projectId, id) {
      const row = await endpointOf(pool, projectId, id);
      return row ? toEndpoint(row) : null;
    },
    async updateEndpoint(projectId, id, changes, now) {
      return transaction(pool, async (client) => {
        // Locked: the re-enable decision reads the row it then writes.
        const row = await endpointOf(client, projectId, id, true);
        if (!row) return null;
        const next: EndpointRow = { ...row, updated_at: now };
        if (changes.url !== undefined) next.url = changes.url;
        if (changes.description !== undefined) next.description = changes.description;
        if (changes.eventTypes !== undefined) {
          next.event_types =
            changes.eventTypes === null ? null : JSON.stringify(changes.eventTypes);
        }
        if (changes.enabled !== undefined) {
          next.enabled = changes.enabled;
          if (changes.enabled && !row.enabled) {
            next.disabled_reason = null;
            next.failing_since = null;
          }
          if (!changes.enabled && row.enabled) next.disabled_reason = "disabled by the owner";
        }
        const { rows } = await client.query<EndpointRow>(
          `UPDATE webhook_endpoints SET url = $1, description = $2, event_types = $3,
             enabled = $4, disabled_reason = $5, failing_since = $6, updated_at = $7
           WHERE id = $8 RETURNING *`,
          [
            next.url,
            next.description,
            next.event_types,
            next.enabled,
            next.disabled_reason,
            next.failing_since,
            next.updated_at,
            id,
          ],
        );
        return toEndpoint(rows[0] as EndpointRow);
      });
    },
    async deleteEndpoint(projectId, id) {
      const { rowCount } = await pool.query(
        "DELETE FROM webhook_endpoints WHERE project_id = $1 AND id = $2",
        [projectId, id],
      );
      return (rowCount ?? 0) > 0;
    },
    async rotateSecret(projectId, id, secret, now, previousExpiresAt) {
      const { rows } = await pool.query<EndpointRow>(
        `UPDATE webhook_endpoints SET previous_secret = secret,
           previous_secret_expires_at = $1, secret = $2, updated_at = $3
         WHERE project_id = $4 AND id = $5 RETURNING *`,
        [previousExpiresAt, secret, now, projectId, id],
      );
      return rows[0] ? toEndpoint(rows[0]) : null;
    },
    async enqueue(projectId, endpointId, message, firstAttemptId, now) {
      return transaction(pool, async (client) => {
        await queueMessage(client, projectId, endpointId, message, firstAttemptId, now);
        const { rows } = await client.query<MessageRow>(
          "SELECT * FROM webhook_messages WHERE id = $1",
          [message.id],
        );
        return toMessage(rows[0] as MessageRow);
      });
    },
    async listAttempts(projectId, endpointId, page) {
      // The page and its total from one snapshot.
      return transaction(pool, async (client) => {
        await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        if (!(await endpointOf(client, projectId, endpointId))) return { items: [], total: 0 };
        const items = await client.query<AttemptRow>(
          `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts a
           JOIN webhook_messages m ON m.id = a.message_id
           WHERE a.endpoint_id = $1 ORDER BY a.seq DESC LIMIT $2 OFFSET $3`,
          [endpointId, page.limit, page.offset],
        );
        const count = await client.query<{ n: number }>(
          "SELECT count(*) AS n FROM webhook_attempts WHERE endpoint_id = $1",
          [endpointId],
        );
        return { items: items.rows.map(toAttempt), total: count.rows[0]?.n ?? 0 };
      });
    },
    async redeliver(projectId, endpointId, attemptId, newAttemptId, now) {
      return transaction(pool, async (client) => {
        if (!(await endpointOf(client, projectId, endpointId))) return null;
        const { rows } = await client.query<{ message_id: string }>(
          "SELECT message_id FROM webhook_attempts WHERE id = $1 AND endpoint_id = $2",
          [attemptId, endpointId],
        );
        const messageId = rows[0]?.message_id;
        if (messageId === undefined) return null;
        // The message's row lock serialises redeliveries of it, so each gets its own number.
        await client.query("SELECT 1 FROM webhook_messages WHERE id = $1 FOR UPDATE", [messageId]);
        const last = await client.query<{ n: number }>(
          "SELECT coalesce(max(attempt), 0) AS n FROM webhook_attempts WHERE message_id = $1",
          [messageId],
        );
        await planAttempt(client, {
          id: newAttemptId,
          messageId,
          endpointId,
          attempt: (last.rows[0]?.n ?? 0) + 1,
          due: now,
          now,
        });
        await client.query(
          "UPDATE webhook_messages SET status = 'pending', updated_at = $1 WHERE id = $2",
          [now, messageId],
        );
        return toAttempt((await attemptById(client, newAttemptId)) as AttemptRow);
      });
    },
    async leaseDue(now, leaseUntil, limit, firstAttemptDelayMs) {
      const firstCutoff = new Date(Date.parse(now) - firstAttemptDelayMs).toISOString();
      return transaction(pool, async (client) => {
        // SKIP LOCKED: another instance leasing at the same moment takes other rows instead of
        // waiting for these; once it commits, the moved due time keeps them out of later leases.
        const due = await client.query<{ id: string }>(
          `SELECT a.id FROM webhook_attempts a JOIN webhook_endpoints e ON e.id = a.endpoint_id
           WHERE a.status = 'pending' AND a.next_attempt_at <= $1 AND e.enabled
             AND (a.attempt > 1 OR a.next_attempt_at <= $2)
           ORDER BY a.next_attempt_at, a.seq LIMIT $3
           FOR UPDATE OF a SKIP LOCKED`,
          [now, firstCutoff, limit],
        );
        const ids = due.rows.map((row) => row.id);
        if (ids.length === 0) return [];
        await client.query(
          "UPDATE webhook_attempts SET next_attempt_at = $1 WHERE id = ANY($2::text[])",
          [leaseUntil, ids],
        );
        const leased: LeasedDelivery[] = [];
        for (const id of ids) {
          const attempt = toAttempt((await attemptById(client, id)) as AttemptRow);
          const message = await client.query<MessageRow>(
            "SELECT * FROM webhook_messages WHERE id = $1",
            [attempt.messageId],
          );
          const endpoint = await client.query<EndpointRow>(
            "SELECT * FROM webhook_endpoints WHERE id = $1",
            [attempt.endpointId],
          );
          leased.push({
            attempt,
            message: toMessage(message.rows[0] as MessageRow),
            endpoint: toEndpoint(endpoint.rows[0] as EndpointRow),
          });
        }
        return leased;
      });
    },
    async release(attemptId, at) {
      await pool.query(
        "UPDATE webhook_attempts SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending'",
        [at, attemptId],
      );
    },
    async recordOutcome(attemptId, outcome, now) {
      await transaction(pool, async (client) => {
        // Locked: of two outcomes recorded for one attempt, the second finds it final.
        const { rows } = await client.query<{
          message_id: string;
          endpoint_id: string;
          attempt: number;
          status: WebhookStatus;
        }>(
          `SELECT message_id, endpoint_id, attempt, status FROM webhook_attempts
           WHERE id = $1 FOR UPDATE`,
          [attemptId],
        );
        const attempt = rows[0];
        if (attempt?.status !== "pending") return;
        await client.query(
          `UPDATE webhook_attempts SET status = $1, response_status = $2, response_body = $3,
             error = $4, duration_ms = $5, next_attempt_at = NULL, updated_at = $6
           WHERE id = $7 AND status = 'pending'`,
          [
            outcome.succeeded ? "succeeded" : "failed",
            outcome.responseStatus,
            outcome.responseBody,
            outcome.error,
            outcome.durationMs,
            now,
            attemptId,
          ],
        );
        const messageStatus: WebhookStatus = outcome.succeeded
          ? "succeeded"
          : outcome.retry
            ? "pending"
            : "failed";
        await client.query(
          `UPDATE webhook_messages SET status = $1, attempts = attempts + 1, updated_at = $2
           WHERE id = $3`,
          [messageStatus, now, attempt.message_id],
        );
        if (!outcome.succeeded && outcome.retry) {
          await planAttempt(client, {
            id: outcome.retry.id,
            messageId: attempt.message_id,
            endpointId: attempt.endpoint_id,
            attempt: attempt.attempt + 1,
            due: outcome.retry.at,
            now,
          });
        }
        if (outcome.succeeded) {
          await client.query(
            `UPDATE webhook_endpoints SET last_success_at = $1, failing_since = NULL,
               updated_at = $1 WHERE id = $2`,
            [now, attempt.endpoint_id],
          );
        } else {
          await client.query(
            `UPDATE webhook_endpoints SET last_failure_at = $1,
               failing_since = coalesce(failing_since, $1), updated_at = $1 WHERE id = $2`,
            [now, attempt.endpoint_id],
          );
        }
        if (outcome.disableEndpoint !== null) {
          await client.query(
            `UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = $1, updated_at = $2
             WHERE id = $3`,
            [outcome.disableEndpoint, now, attempt.endpoint_id],
          );
        }
      });
    },
    async nextDueAt(firstAttemptDelayMs) {
      // A first attempt's due time is when it was planned plus the schedule's first delay.
      const { rows } = await pool.query<{ at: string | null }>(
        `SELECT min(CASE WHEN a.attempt = 1
             THEN to_char((a.next_attempt_at::timestamptz + make_interval(secs => $1))
               AT TIME ZONE 'UTC', ${ISO})
             ELSE a.next_attempt_at END COLLATE "C") AS at
         FROM webhook_attempts a
         JOIN webhook_endpoints e ON e.id = a.endpoint_id
         WHERE a.status = 'pending' AND e.enabled`,
        [firstAttemptDelayMs / 1000],
      );
      return rows[0]?.at ?? null;
    },
  };
}
