import type pg from "pg";
import { type SecretRow, toSecret } from "../rows.js";
import type { CustomerTokenSecretsRepository } from "../types.js";
import { lockProject, transaction } from "./database.js";

export function createCustomerTokenSecretsRepository(
  pool: pg.Pool,
): CustomerTokenSecretsRepository {
  return {
    async create(projectId, secret, now, maxActive) {
      return transaction(pool, async (client) => {
        // Concurrent creations count one after the other, so `maxActive` holds.
        await lockProject(client, projectId);
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*) AS n FROM customer_token_secrets
           WHERE project_id = $1 AND revoked_at IS NULL`,
          [projectId],
        );
        if ((rows[0]?.n ?? 0) >= maxActive) return null;
        const inserted = await client.query<SecretRow>(
          `INSERT INTO customer_token_secrets (id, project_id, secret, created_at)
           VALUES ($1, $2, $3, $4) RETURNING *`,
          [secret.id, projectId, secret.secret, now],
        );
        return toSecret(inserted.rows[0] as SecretRow);
      });
    },
    async listByProject(projectId) {
      const { rows } = await pool.query<SecretRow>(
        `SELECT * FROM customer_token_secrets WHERE project_id = $1
         ORDER BY created_at DESC, seq DESC`,
        [projectId],
      );
      return rows.map(toSecret);
    },
    async findActive(projectId, id) {
      const { rows } = await pool.query<SecretRow>(
        `SELECT * FROM customer_token_secrets
         WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL`,
        [projectId, id],
      );
      return rows[0] ? toSecret(rows[0]) : null;
    },
    async revoke(projectId, id, now) {
      const { rows } = await pool.query<SecretRow>(
        `UPDATE customer_token_secrets SET revoked_at = coalesce(revoked_at, $1)
         WHERE project_id = $2 AND id = $3 RETURNING *`,
        [now, projectId, id],
      );
      return rows[0] ? toSecret(rows[0]) : null;
    },
  };
}
