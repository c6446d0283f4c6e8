import type pg from "pg";
import { type IntegrationRow, toIntegration } from "../rows.js";
import type { BillingRepository } from "../types.js";

export function createBillingRepository(pool: pg.Pool): BillingRepository {
  return {
    async setIntegration(projectId, provider, webhookSecret, now) {
      const { rows } = await pool.query<IntegrationRow>(
        `INSERT INTO billing_integrations (project_id, provider, webhook_secret, created_at,
           updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (project_id, provider) DO UPDATE SET webhook_secret = excluded.webhook_secret,
           updated_at = excluded.updated_at
         RETURNING *`,
        [projectId, provider, webhookSecret, now],
      );
      return toIntegration(rows[0] as IntegrationRow);
    },
    async findIntegration(projectId, provider) {
      const { rows } = await pool.query<IntegrationRow>(
        "SELECT * FROM billing_integrations WHERE project_id = $1 AND provider = $2",
        [projectId, provider],
      );
      return rows[0] ? toIntegration(rows[0]) : null;
    },
    async deleteIntegration(projectId, provider) {
      const { rowCount } = await pool.query(
        "DELETE FROM billing_integrations WHERE project_id = $1 AND provider = $2",
        [projectId, provider],
      );
      return (rowCount ?? 0) > 0;
    },
    async claimEvent(projectId, provider, event, now) {
      // The primary key decides: of concurrent claims of one id, one inserts, the others wait
      // for it and then do nothing.
      const { rowCount } = await pool.query(
        `INSERT INTO billing_webhook_events (project_id, provider, event_id, event_type,
           received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [projectId, provider, event.id, event.type, now],
      );
      return rowCount === 1;
    },
    async releaseEvent(projectId, provider, eventId) {
      await pool.query(
        `DELETE FROM billing_webhook_events
         WHERE project_id = $1 AND provider = $2 AND event_id = $3`,
        [projectId, provider, eventId],
      );
    },
  };
}
