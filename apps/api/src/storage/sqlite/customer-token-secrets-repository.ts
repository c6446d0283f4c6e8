import { type SecretRow, toSecret } from "../rows.js";
import type { CustomerTokenSecretsRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

export function createCustomerTokenSecretsRepository(
  db: SqliteDatabase,
): CustomerTokenSecretsRepository {
  const activeCount = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM customer_token_secrets WHERE project_id = ? AND revoked_at IS NULL",
  );
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO customer_token_secrets (id, project_id, secret, created_at) VALUES (?, ?, ?, ?)",
  );
  const byProject = db.prepare<[string], SecretRow>(
    "SELECT * FROM customer_token_secrets WHERE project_id = ? ORDER BY created_at DESC, rowid DESC",
  );
  const active = db.prepare<[string, string], SecretRow>(
    "SELECT * FROM customer_token_secrets WHERE project_id = ? AND id = ? AND revoked_at IS NULL",
  );
  const byId = db.prepare<[string, string], SecretRow>(
    "SELECT * FROM customer_token_secrets WHERE project_id = ? AND id = ?",
  );
  const revoke = db.prepare<[string, string, string]>(
    `UPDATE customer_token_secrets SET revoked_at = coalesce(revoked_at, ?)
     WHERE project_id = ? AND id = ?`,
  );

  const createTx = db.transaction(
    (projectId: string, secret: { id: string; secret: string }, now: string, max: number) => {
      if ((activeCount.get(projectId) as { n: number }).n >= max) return null;
      insert.run(secret.id, projectId, secret.secret, now);
      return toSecret(byId.get(projectId, secret.id) as SecretRow);
    },
  );

  return {
    async create(projectId, secret, now, maxActive) {
      return createTx.immediate(projectId, secret, now, maxActive);
    },
    async listByProject(projectId) {
      return byProject.all(projectId).map(toSecret);
    },
    async findActive(projectId, id) {
      const row = active.get(projectId, id);
      return row ? toSecret(row) : null;
    },
    async revoke(projectId, id, now) {
      revoke.run(now, projectId, id);
      const row = byId.get(projectId, id);
      return row ? toSecret(row) : null;
    },
  };
}
