import type { SqliteDatabase } from "../../db/database.js";
import type { Repositories } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createChurnEventsRepository } from "./churn-events-repository.js";
import { createOffersRepository } from "./offers-repository.js";
import { createProjectsRepository } from "./projects-repository.js";
import { createTrackEventsRepository } from "./track-events-repository.js";
import { createUsersRepository } from "./users-repository.js";

export function createSqliteRepositories(db: SqliteDatabase): Repositories {
  return {
    users: createUsersRepository(db),
    projects: createProjectsRepository(db),
    apiKeys: createApiKeysRepository(db),
    offers: createOffersRepository(db),
    churnEvents: createChurnEventsRepository(db),
    trackEvents: createTrackEventsRepository(db),
  };
}
