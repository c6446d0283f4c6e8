import { closeSync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Storage } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createBillingRepository } from "./billing-repository.js";
import { type CheckpointReport, startCheckpointer } from "./checkpointer.js";
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
import { createDurabilityBarrier, type DurabilityBarrier, fsyncOnThreadPool } from "./wal-sync.js";
import { createWebhooksRepository } from "./webhooks-repository.js";

export interface SqliteStorageOptions extends OpenDatabaseOptions {
  /** How the WAL file is synced (default: fsync on libuv's thread pool); tests slow it down. */
  syncWal?: (fd: number) => () => Promise<void>;
  /** Told when a background checkpoint fails (the frames stay in the WAL; it grows meanwhile). */
  onCheckpointError?: (message: string) => void;
}

export interface SqliteStorage extends Storage {
  readonly kind: "sqlite";
  /** The connection itself, for SQLite-specific tests and tools; the app never uses it. */
  readonly db: SqliteDatabase;
  /** The batches every write goes through (./group-commit.ts). */
  readonly groupCommit: GroupCommit;
  /** Syncs and checkpoints off the event loop (./wal-sync.ts); absent for `:memory:`. */
  readonly durability?: {
    checkpoint(): Promise<CheckpointReport>;
    syncs(): number;
  };
}

const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

/**
 * `repository` with the methods named in `writes` run in the group commit's next batch, and every
 * other method that turns out to change rows (webhook deliveries, billing) answered only once its
 * changes are durable too. Reads and streams are left as they are.
 */
function durableRepository<T extends object>(
  groupCommit: GroupCommit,
  durability: { barrier: DurabilityBarrier; changes: () => number } | undefined,
  repository: T,
  writes: readonly (keyof T & string)[],
): T {
  const wrapped = { ...repository } as Record<string, unknown>;
  for (const [name, value] of Object.entries(repository)) {
    if (typeof value !== "function") continue;
    const method = value as (...args: unknown[]) => unknown;
    if ((writes as readonly string[]).includes(name)) {
      wrapped[name] = (...args: unknown[]) => groupCommit.run(() => method.apply(repository, args));
    } else if (durability && !(method instanceof AsyncGeneratorFunction)) {
      const { barrier, changes } = durability;
      wrapped[name] = async (...args: unknown[]) => {
        const before = changes();
        const result = await method.apply(repository, args);
        if (changes() !== before) await barrier.durable();
        return result;
      };
    }
  }
  return wrapped as T;
}

/**
 * The WAL's fsync and the checkpoints leave the event loop (./wal-sync.ts, ./checkpointer.ts):
 * this connection commits without syncing and never checkpoints; the barrier syncs the WAL file
 * before a write is acknowledged. Nothing of this applies to `:memory:`.
 */
function startOffLoopDurability(
  db: SqliteDatabase,
  path: string,
  syncWal: (fd: number) => () => Promise<void>,
  onCheckpointError: ((message: string) => void) | undefined,
) {
  const walPath = `${path}-wal`;
  // The WAL exists once the connection has read in WAL mode; its directory entry is made durable
  // once, here, since only the file's contents are synced from now on.
  db.prepare("SELECT count(*) FROM sqlite_master").get();
  const walFd = openSync(walPath, "r");
  const directoryFd = openSync(dirname(path), "r");
  try {
    fsyncSync(directoryFd);
  } finally {
    closeSync(directoryFd);
  }
  db.pragma("wal_autocheckpoint = 0");
  db.pragma("synchronous = OFF");
  const totalChanges = db.prepare("SELECT total_changes()").pluck();
  const changes = () => totalChanges.get() as number;
  const barrier = createDurabilityBarrier({ changes, sync: syncWal(walFd) });
  const checkpointer = startCheckpointer(path, {
    ...(onCheckpointError && { onError: onCheckpointError }),
  });
  return {
    barrier,
    changes,
    checkpointer,
    async close() {
      await barrier.durable().catch(() => undefined);
      await checkpointer.close();
      closeSync(walFd);
      // Closing the last connection checkpoints and removes the WAL: with syncs, like any checkpoint.
      db.pragma("synchronous = FULL");
    },
  };
}

/**
 * Storage on one SQLite file (or `:memory:`), opened with the settings of database.ts and
 * migrated. Every repository's errors leave it as the storage errors of ../errors.ts.
 */
export function createSqliteStorage(
  path: string,
  options: SqliteStorageOptions = {},
): SqliteStorage {
  const db = openDatabase(path, options);
  const ping = db.prepare("SELECT 1");
  const durability =
    path === ":memory:"
      ? undefined
      : startOffLoopDurability(
          db,
          path,
          options.syncWal ?? fsyncOnThreadPool,
          options.onCheckpointError,
        );
  const groupCommit = createGroupCommit(db, {
    ...(durability && {
      durable: durability.barrier.durable,
      failure: durability.barrier.failure,
    }),
  });
  // Every write method shares the next batch's transaction; reads run at once.
  const writes = <T extends object>(repository: T, names: readonly (keyof T & string)[]) =>
    withStorageErrors(durableRepository(groupCommit, durability, repository, names));
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
      webhooks: writes(createWebhooksRepository(db), []),
      billing: writes(createBillingRepository(db), []),
    },
    ...(durability && {
      durability: {
        checkpoint: () => durability.checkpointer.checkpoint(),
        syncs: () => durability.barrier.stats().syncs,
      },
    }),
    health: withStorageErrors({
      ping: async () => {
        // A failed sync stops writes for good; the health check says so, for a restart.
        const failure = durability?.barrier.failure();
        if (failure) throw failure;
        ping.get();
      },
    }).ping,
    async close() {
      if (!db.open) return;
      groupCommit.drain();
      await durability?.close();
      db.close();
    },
  };
}
