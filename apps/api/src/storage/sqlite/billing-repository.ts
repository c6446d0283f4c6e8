import { type IntegrationRow, toIntegration } from "../rows.js";
import type { BillingRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

export function createBillingRepository(db: SqliteDatabase): BillingRepository {
  const upsert = db.prepare(
    `INSERT INTO billing_integrations (project_id, provider, webhook_secret, created_at, updated_at)
     VALUES (@projectId, @provider, @secret, @now, @now)
     ON CONFLICT (project_id, provider) DO UPDATE SET webhook_secret = excluded.webhook_secret,
       updated_at = excluded.updated_at`,
  );
  const find = db.prepare<[string, string], IntegrationRow>(
    "SELECT * FROM billing_integrations WHERE project_id = ? AND provider = ?",
  );
  const remove = db.prepare<[string, string]>(
    "DELETE FROM billing_integrations WHERE project_id = ? AND provider = ?",
  );
  const claim = db.prepare(
    `INSERT INTO billing_webhook_events (project_id, provider, event_id, event_type, received_at)
     VALUES (@projectId, @provider, @id, @type, @now) ON CONFLICT DO NOTHING`,
  );
  const release = db.prepare<[string, string, string]>(
    "DELETE FROM billing_webhook_events WHERE project_id = ? AND provider = ? AND event_id = ?",
  );

  return {
    async setIntegration(projectId, provider, webhookSecret, now) {
      upsert.run({ projectId, provider, secret: webhookSecret, now });
      return toIntegration(find.get(projectId, provider) as IntegrationRow);
    },
    async findIntegration(projectId, provider) {
      const row = find.get(projectId, provider);
      return row ? toIntegration(row) : null;
    },
    async deleteIntegration(projectId, provider) {
      return remove.run(projectId, provider).changes > 0;
    },
    async claimEvent(projectId, provider, event, now) {
      return claim.run({ projectId, provider, id: event.id, type: event.type, now }).changes === 1;
    },
    async releaseEvent(projectId, provider, eventId) {
      release.run(projectId, provider, eventId);
    },
  };
}
