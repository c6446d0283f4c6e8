import type { NewProject, ProjectRecord, UserRecord, UsersRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";
import { insertProjectWithFreeSlug } from "./projects-repository.js";

interface UserRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  token_version: number;
  created_at: string;
  updated_at: string;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  name: row.name,
  email: row.email,
  passwordHash: row.password_hash,
  tokenVersion: row.token_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createUsersRepository(db: SqliteDatabase): UsersRepository {
  const insertUser = db.prepare<[string, string, string, string, string, string]>(
    "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const byId = db.prepare<[string], UserRow>("SELECT * FROM users WHERE id = ?");
  const byEmail = db.prepare<[string], UserRow>("SELECT * FROM users WHERE email = ?");
  const updatePassword = db.prepare<[string, string, string]>(
    "UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?",
  );

  const register = db.transaction(
    (
      user: { id: string; name: string; email: string; passwordHash: string },
      project: NewProject,
      now: string,
    ): { user: UserRecord; project: ProjectRecord } => {
      insertUser.run(user.id, user.name, user.email, user.passwordHash, now, now);
      const created = insertProjectWithFreeSlug(db, project, now);
      return { user: toUser(byId.get(user.id) as UserRow), project: created };
    },
  );

  return {
    async createWithProject(user, project, now) {
      return register.immediate(user, project, now);
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },
    async findByEmail(email) {
      const row = byEmail.get(email);
      return row ? toUser(row) : null;
    },
    async changePassword(id, passwordHash, now) {
      updatePassword.run(passwordHash, now, id);
      return toUser(byId.get(id) as UserRow);
    },
  };
}
