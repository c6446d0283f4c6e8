import type pg from "pg";
import { type ApiKeyRow, toKey } from "../rows.js";
import type { ApiKeyRecord, ApiKeysRepository, NewApiKey } from "../types.js";
import { type Queryable, transaction } from "./database.js";

export async function insertApiKey(
  client: Queryable,
  projectId: string,
  key: NewApiKey,
  now: string,
): Promise<ApiKeyRecord> {
  const { rows } = await client.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, project_id, key_type, livemode, key_hash, key_hint, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [key.id, projectId, key.keyType, key.livemode, key.keyHash, key.keyHint, now],
  );
  return toKey(rows[0] as ApiKeyRow);
}

export function createApiKeysRepository(pool: pg.Pool): ApiKeysRepository {
  return {
    async create(projectId, key, now) {
      return insertApiKey(pool, projectId, key, now);
    },
    async rotate(projectId, key, now, oldKeysExpireAt) {
      return transaction(pool, async (client) => {
        const created = await insertApiKey(client, projectId, key, now);
        // Keys that already expire sooner keep their earlier deadline.
        await client.query(
          `UPDATE api_keys SET expires_at = $1
           WHERE project_id = $2 AND key_type = $3 AND livemode = $4 AND id <> $5
             AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`,
          [oldKeysExpireAt, projectId, key.keyType, key.livemode, key.id],
        );
        return created;
      });
    },
    async listByProject(projectId, { limit, offset }) {
      const [items, total] = await Promise.all([
        pool.query<ApiKeyRow>(
          `SELECT * FROM api_keys WHERE project_id = $1
           ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3`,
          [projectId, limit, offset],
        ),
        pool.query<{ n: number }>("SELECT count(*) AS n FROM api_keys WHERE project_id = $1", [
          projectId,
        ]),
      ]);
      return { items: items.rows.map(toKey), total: total.rows[0]?.n ?? 0 };
    },
    async findUsableByHash(keyHash, now) {
      const { rows } = await pool.query<ApiKeyRow & { user_id: string }>(
        `SELECT k.*, p.user_id FROM api_keys k JOIN projects p ON p.id = k.project_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL
           AND (k.expires_at IS NULL OR k.expires_at > $2)`,
        [keyHash, now],
      );
      const row = rows[0];
      return row ? { key: toKey(row), userId: row.user_id, keyHash: row.key_hash } : null;
    },
    async revoke(projectId, id, now) {
      const { rows } = await pool.query<ApiKeyRow>(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1)
         WHERE id = $2 AND project_id = $3 RETURNING *`,
        [now, id, projectId],
      );
      return rows[0] ? toKey(rows[0]) : null;
    },
    async touch(id, now, staleBefore) {
      await pool.query(
        `UPDATE api_keys SET last_used_at = $1
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
        [now, id, staleBefore],
      );
    },
  };
}
