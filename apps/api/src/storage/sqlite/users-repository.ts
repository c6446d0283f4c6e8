import { toUser, type UserRow } from "../rows.js";
import type { NewProject, ProjectRecord, UserRecord, UsersRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";
import { insertProjectWithFreeSlug } from "./projects-repository.js";

export function createUsersRepository(db: SqliteDatabase): UsersRepository {
  const insertUser = db.prepare<[string, string, string, string, string, string]>(
    "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const byId = db.prepare<[string], UserRow>("SELECT * FROM users WHERE id = ?");
  const byEmail = db.prepare<[string], UserRow>("SELECT * FROM users WHERE email = ?");
  const updatePassword = db.prepare<[string, string, string]>(
    "UPDATE users SET password_hash = ?, token_version = token_version + 1, updated_at = ? WHERE id = ?",
  );

  const endSessions = db.prepare<[string]>("DELETE FROM sessions WHERE user_id = ?");
  const changePasswordTx = db.transaction((id: string, passwordHash: string, now: string) => {
    updatePassword.run(passwordHash, now, id);
    endSessions.run(id);
    return toUser(byId.get(id) as UserRow);
  });

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
      return changePasswordTx.immediate(id, passwordHash, now);
    },
  };
}
