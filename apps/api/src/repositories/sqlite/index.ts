import type { SqliteDatabase } from "../../db/database.js";
import type { Repositories } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createProjectsRepository } from "./projects-repository.js";
import { createUsersRepository } from "./users-repository.js";

export function createSqliteRepositories(db: SqliteDatabase): Repositories {
  return {
    users: createUsersRepository(db),
    projects: createProjectsRepository(db),
    apiKeys: createApiKeysRepository(db),
  };
}
