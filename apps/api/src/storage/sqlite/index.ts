import type { Storage } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createBillingRepository } from "./billing-repository.js";
import { createChurnEventsRepository } from "./churn-events-repository.js";
import { createCustomerTokenSecretsRepository } from "./customer-token-secrets-repository.js";
import { type OpenDatabaseOptions, openDatabase, type SqliteDatabase } from "./database.js";
import { withStorageErrors } from "./errors.js";
import { createGroupCommit, type GroupCommit } from "./group-commit.js";
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
  /** The batches every write goes through (./group-commit.ts). */
  readonly groupCommit: GroupCommit;
}

/** The methods of `repository` named in `writes`, run in the group commit's next batch. */
function grouped<T extends object>(
  groupCommit: GroupCommit,
  repository: T,
  writes: readonly (keyof T & string)[],
): T {
  const wrapped = { ...repository } as Record<string, unknown>;
  for (const name of writes) {
    const method = repository[name] as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => groupCommit.run(() => method.apply(repository, args));
  }
  return wrapped as T;
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
  const groupCommit = createGroupCommit(db);
  // Every write method shares the next batch's transaction; reads run at once.
  const writes = <T extends object>(repository: T, names: readonly (keyof T & string)[]) =>
    withStorageErrors(grouped(groupCommit, repository, names));
  return {
    kind: "sqlite",
    db,
    groupCommit,
    repos: {
      users: writes(createUsersRepository(db), ["createWithProject", "changePassword"]),
      customerTokenSecrets: writes(createCustomerTokenSecretsRepository(db), ["create", "revoke"]),
      sessions: writes(createSessionsRepository(db), ["create", "extend", "delete"]),
      projects: writes(createProjectsRepository(db), [
        "create",
        "update",
        "delete",
        "setAllowedOrigins",
      ]),
      apiKeys: writes(createApiKeysRepository(db), ["create", "rotate", "revoke", "touch"]),
      offers: writes(createOffersRepository(db), ["upsert", "delete"]),
      churnEvents: writes(createChurnEventsRepository(db), [
        "create",
        "submit",
        "acceptOffer",
        "decline",
        "setFinalStatus",
      ]),
      trackEvents: writes(createTrackEventsRepository(db), ["insertMany", "pruneStoredBefore"]),
      webhooks: withStorageErrors(createWebhooksRepository(db)),
      billing: withStorageErrors(createBillingRepository(db)),
    },
    health: withStorageErrors({ ping: async () => void ping.get() }).ping,
    async close() {
      if (!db.open) return;
      groupCommit.drain();
      db.close();
    },
  };
}
