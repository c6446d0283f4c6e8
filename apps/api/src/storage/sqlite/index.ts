import type { Storage } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createBillingRepository } from "./billing-repository.js";
import { createChurnEventsRepository } from "./churn-events-repository.js";
import { createCustomerTokenSecretsRepository } from "./customer-token-secrets-repository.js";
import { type OpenDatabaseOptions, openDatabase, type SqliteDatabase } from "./database.js";
import { withStorageErrors } from "./errors.js";
import { createOffersRepository } from "./offers-repository.js";
import { createProjectsRepository } from "./projects-repository.js";
import { createSessionsRepository } from "./sessions-repository.js";
import { createTrackEventsRepository } from "./track-events-repository.js";
import { createUsersRepository } from "./users-repository.js";
import { createWebhooksRepository } from "./webhooks-repository.js";

export interface SqliteStorage extends Storage {
  readonly kind: "sqlite";
  /** The connection itself, for SQLite-specific tests and tools; the app never uses it. */
  readonly db: SqliteDatabase;
}

/**
 * Storage on one SQLite file (or `:memory:`), opened with the settings of database.ts and
 * migrated. Every repository's errors leave it as the storage errors of ../errors.ts.
 */
export function createSqliteStorage(
  path: string,
  options: OpenDatabaseOptions = {},
): SqliteStorage {
  const db = openDatabase(path, options);
  const ping = db.prepare("SELECT 1");
  return {
    kind: "sqlite",
    db,
    repos: {
      users: withStorageErrors(createUsersRepository(db)),
      customerTokenSecrets: withStorageErrors(createCustomerTokenSecretsRepository(db)),
      sessions: withStorageErrors(createSessionsRepository(db)),
      projects: withStorageErrors(createProjectsRepository(db)),
      apiKeys: withStorageErrors(createApiKeysRepository(db)),
      offers: withStorageErrors(createOffersRepository(db)),
      churnEvents: withStorageErrors(createChurnEventsRepository(db)),
      trackEvents: withStorageErrors(createTrackEventsRepository(db)),
      webhooks: withStorageErrors(createWebhooksRepository(db)),
      billing: withStorageErrors(createBillingRepository(db)),
    },
    health: withStorageErrors({ ping: async () => void ping.get() }).ping,
    async close() {
      if (db.open) db.close();
    },
  };
}
