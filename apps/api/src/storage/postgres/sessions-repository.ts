import type pg from "pg";
import { type SessionRow, toSession } from "../rows.js";
import type { SessionsRepository } from "../types.js";
import { transaction } from "./database.js";

export function createSessionsRepository(pool: pg.Pool): SessionsRepository {
  return {
    async create(tokenHash, userId, now, expiresAt) {
      await transaction(pool, async (client) => {
        await client.query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", [
          userId,
          now,
        ]);
        await client.query(
          `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $3, $4)`,
          [tokenHash, userId, now, expiresAt],
        );
      });
    },
    async findActive(tokenHash, now) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT user_id, created_at, last_seen_at, expires_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2`,
        [tokenHash, now],
      );
      const row = rows[0];
      return row ? toSession(row) : null;
    },
    async extend(tokenHash, now, expiresAt) {
      await pool.query(
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
        [now, expiresAt, tokenHash],
      );
    },
    async delete(tokenHash) {
      await pool.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
    },
  };
}
