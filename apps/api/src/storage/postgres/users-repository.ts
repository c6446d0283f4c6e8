import type pg from "pg";
import { toUser, type UserRow } from "../rows.js";
import type { UsersRepository } from "../types.js";
import { transaction } from "./database.js";
import { insertProjectWithFreeSlug } from "./projects-repository.js";

export function createUsersRepository(pool: pg.Pool): UsersRepository {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await pool.query<UserRow>(sql, params);
    return rows[0] ? toUser(rows[0]) : null;
  };
  return {
    async createWithProject(user, project, now) {
      // The unique email index decides between concurrent registrations: the loser's insert
      // fails with 23505 (→ UniqueViolationError) and its transaction, project included, rolls back.
      return transaction(pool, async (client) => {
        const { rows } = await client.query<UserRow>(
          `INSERT INTO users (id, name, email, password_hash, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
          [user.id, user.name, user.email, user.passwordHash, now],
        );
        const created = await insertProjectWithFreeSlug(client, project, now);
        return { user: toUser(rows[0] as UserRow), project: created };
      });
    },
    async findById(id) {
      return one("SELECT * FROM users WHERE id = $1", [id]);
    },
    async findByEmail(email) {
      return one("SELECT * FROM users WHERE email = $1", [email]);
    },
    async changePassword(id, passwordHash, now) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<UserRow>(
          `UPDATE users SET password_hash = $1, token_version = token_version + 1, updated_at = $2
           WHERE id = $3 RETURNING *`,
          [passwordHash, now, id],
        );
        await client.query("DELETE FROM sessions WHERE user_id = $1", [id]);
        return toUser(rows[0] as UserRow);
      });
    },
  };
}
