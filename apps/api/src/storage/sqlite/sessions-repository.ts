import { type SessionRow, toSession } from "../rows.js";
import type { SessionsRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

export function createSessionsRepository(db: SqliteDatabase): SessionsRepository {
  const insert = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const pruneOfUser = db.prepare<[string, string]>(
    "DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?",
  );
  const active = db.prepare<[string, string], SessionRow>(
    "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
  );
  const extend = db.prepare<[string, string, string]>(
    "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
  );
  const remove = db.prepare<[string]>("DELETE FROM sessions WHERE token_hash = ?");

  const createTx = db.transaction(
    (tokenHash: string, userId: string, now: string, expiresAt: string) => {
      pruneOfUser.run(userId, now);
      insert.run(tokenHash, userId, now, now, expiresAt);
    },
  );

  return {
    async create(tokenHash, userId, now, expiresAt) {
      createTx.immediate(tokenHash, userId, now, expiresAt);
    },
    async findActive(tokenHash, now) {
      const row = active.get(tokenHash, now);
      return row ? toSession(row) : null;
    },
    async extend(tokenHash, now, expiresAt) {
      extend.run(now, expiresAt, tokenHash);
    },
    async delete(tokenHash) {
      remove.run(tokenHash);
    },
  };
}
