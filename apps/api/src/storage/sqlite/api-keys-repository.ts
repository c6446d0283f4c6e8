import type { KeyType } from "@windback/protocol";
import { type ApiKeyRow, toKey } from "../rows.js";
import type { ApiKeyRecord, ApiKeysRepository, NewApiKey } from "../types.js";
import { cachedStatement, type SqliteDatabase } from "./database.js";

export function insertApiKey(
  db: SqliteDatabase,
  projectId: string,
  key: NewApiKey,
  now: string,
): ApiKeyRecord {
  cachedStatement(
    db,
    `INSERT INTO api_keys (id, project_id, key_type, livemode, key_hash, key_hint, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(key.id, projectId, key.keyType, key.livemode ? 1 : 0, key.keyHash, key.keyHint, now);
  return toKey(
    cachedStatement<[string], ApiKeyRow>(db, "SELECT * FROM api_keys WHERE id = ?").get(
      key.id,
    ) as ApiKeyRow,
  );
}

export function createApiKeysRepository(db: SqliteDatabase): ApiKeysRepository {
  const byProject = db.prepare<[string, number, number], ApiKeyRow>(
    "SELECT * FROM api_keys WHERE project_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
  );
  const countByProject = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM api_keys WHERE project_id = ?",
  );
  const usableByHash = db.prepare<[string, string], ApiKeyRow & { user_id: string }>(
    `SELECT k.*, p.user_id FROM api_keys k JOIN projects p ON p.id = k.project_id
     WHERE k.key_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`,
  );
  const expireOthers = db.prepare<[string, string, KeyType, number, string, string]>(
    `UPDATE api_keys SET expires_at = ?
     WHERE project_id = ? AND key_type = ? AND livemode = ? AND id != ? AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > ?)`,
  );
  const revoke = db.prepare<[string, string, string]>(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND project_id = ?",
  );
  const byIdInProject = db.prepare<[string, string], ApiKeyRow>(
    "SELECT * FROM api_keys WHERE id = ? AND project_id = ?",
  );
  const touch = db.prepare<[string, string, string]>(
    "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
  );

  const rotateTx = db.transaction(
    (projectId: string, key: NewApiKey, now: string, oldKeysExpireAt: string) => {
      const created = insertApiKey(db, projectId, key, now);
      // Keys that already expire sooner keep their earlier deadline.
      expireOthers.run(
        oldKeysExpireAt,
        projectId,
        key.keyType,
        key.livemode ? 1 : 0,
        key.id,
        oldKeysExpireAt,
      );
      return created;
    },
  );

  return {
    async create(projectId, key, now) {
      return insertApiKey(db, projectId, key, now);
    },
    async rotate(projectId, key, now, oldKeysExpireAt) {
      return rotateTx.immediate(projectId, key, now, oldKeysExpireAt);
    },
    async listByProject(projectId, { limit, offset }) {
      return {
        items: byProject.all(projectId, limit, offset).map(toKey),
        total: (countByProject.get(projectId) as { n: number }).n,
      };
    },
    async findUsableByHash(keyHash, now) {
      const row = usableByHash.get(keyHash, now);
      return row ? { key: toKey(row), userId: row.user_id, keyHash: row.key_hash } : null;
    },
    async revoke(projectId, id, now) {
      revoke.run(now, id, projectId);
      const row = byIdInProject.get(id, projectId);
      return row ? toKey(row) : null;
    },
    async touch(id, now, staleBefore) {
      touch.run(now, id, staleBefore);
    },
  };
}
