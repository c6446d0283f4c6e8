import { closeSync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { AsyncGeneratorFunction, StorageUnavailableError } from "../errors.js";
import type { Storage } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createBillingRepository } from "./billing-repository.js";
import { type CheckpointReport, startCheckpointer } from "./checkpointer.js";
import { createChurnEventsRepository } from "./churn-events-repository.js";
import { createCustomerTokenSecretsRepository } from "./customer-token-secrets-repository.js";
import { type OpenDatabaseOptions, openDatabase, type SqliteDatabase } from "./database.js";
import { isFsyncFailure, withStorageErrors } from "./errors.js";
import { createGroupCommit, type GroupCommit } from "./group-commit.js";
import { createOffersRepository } from "./offers-repository.js";
import { createProjectsRepository } from "./projects-repository.js";
import { createSessionsRepository } from "./sessions-repository.js";
import { createTrackEventsRepository } from "./track-events-repository.js";
import { createUsersRepository } from "./users-repository.js";
import { createDurabilityBarrier, fsyncOnThreadPool } from "./wal-sync.js";
import { createWebhooksRepository } from "./webhooks-repository.js";

export interface SqliteStorageOptions extends OpenDatabaseOptions {
  /** How the WAL file is synced (default: fsync on libuv's thread pool); tests slow it down. */
  syncWal?: (fd: number) => () => Promise<void>;
  /** Told when a background checkpoint fails (the frames stay in the WAL; it grows meanwhile). */
  onCheckpointError?: (message: string) => void;
  /** WAL frames past which writes wait for a checkpoint to catch up (default 4096, ~16 MB). */
  walCatchUpFrames?: number;
  /** How long writes wait for that checkpoint at most (default 10 s). */
  walCatchUpTimeoutMs?: number;
  /** The checkpointer (./checkpointer.ts); tests put a stuck or dying one in its place. */
  startCheckpointer?: typeof startCheckpointer;
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

/**
 * `repository` with the methods named in `writes` run in the group commit's next batch. Its other
 * methods read; should one change rows after all, it is answered once that change is durable.
 */
function inGroupCommit<T extends object>(
  groupCommit: GroupCommit,
  durability: OffLoopDurability | undefined,
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
 * `repository` writing on its own, outside the batches (webhook deliveries, Stripe events: each
 * write is one statement or its own transaction). Refused once durability is lost; every answer
 * waits until what was committed before it is durable — also an answer that depends on a row
 * another request committed but has not synced yet (a Stripe event already claimed).
 */
function syncedAfterEachCall<T extends object>(
  durability: OffLoopDurability | undefined,
  repository: T,
): T {
  if (!durability) return repository;
  const { barrier } = durability;
  const wrapped = { ...repository } as Record<string, unknown>;
  for (const [name, value] of Object.entries(repository)) {
    if (typeof value !== "function" || value instanceof AsyncGeneratorFunction) continue;
    const method = value as (...args: unknown[]) => unknown;
    wrapped[name] = async (...args: unknown[]) => {
      const failure = barrier.failure() ?? durability.closed();
      if (failure) throw failure;
      const result = await method.apply(repository, args);
      await barrier.durable();
      return result;
    };
  }
  return wrapped as T;
}

/**
 * The WAL's fsync and the checkpoints leave the event loop (./wal-sync.ts, ./checkpointer.ts):
 * this connection commits without syncing and never checkpoints; the barrier syncs the WAL file
 * before a write is acknowledged. Nothing of this applies to `:memory:`.
 */
type OffLoopDurability = ReturnType<typeof startOffLoopDurability>;

function startOffLoopDurability(db: SqliteDatabase, path: string, options: SqliteStorageOptions) {
  const walPath = `${path}-wal`;
  // The WAL exists once the connection has read in WAL mode. What the migrations committed, and
  // the file's directory entry, are made durable once, here, before anything is served.
  db.prepare("SELECT count(*) FROM sqlite_master").get();
  const walFd = openSync(walPath, "r");
  fsyncSync(walFd);
  const directoryFd = openSync(dirname(path), "r");
  try {
    fsyncSync(directoryFd);
  } finally {
    closeSync(directoryFd);
  }
  const totalChanges = db.prepare("SELECT total_changes()").pluck();
  const changes = () => totalChanges.get() as number;
  const barrier = createDurabilityBarrier({
    changes,
    sync: (options.syncWal ?? fsyncOnThreadPool)(walFd),
  });
  let checkpointerStopped: Error | undefined;
  // The WAL restarts from its beginning only when every frame has been copied back at the moment
  // a write begins, which a steady stream of writes never allows; past this many frames the
  // batches wait (the event loop does not) for one checkpoint to catch up.
  const catchUpFrames = options.walCatchUpFrames ?? 4096;
  const catchUpTimeoutMs = options.walCatchUpTimeoutMs ?? 10_000;
  let walFrames = 0;
  let catchUpAt = catchUpFrames;
  const checkpointer = (options.startCheckpointer ?? startCheckpointer)(path, {
    onProgress: (report) => {
      walFrames = report.walFrames;
      if (walFrames < catchUpFrames) catchUpAt = catchUpFrames;
    },
    onError: (message, code) => {
      if (isFsyncFailure(code)) barrier.fail(Object.assign(new Error(message), { code }));
      options.onCheckpointError?.(message);
    },
    onStopped: () => {
      checkpointerStopped = new StorageUnavailableError(
        "the SQLite checkpointer stopped; the WAL grows until a restart",
      );
      options.onCheckpointError?.(checkpointerStopped.message);
    },
  });
  const catchUp = () => {
    if (walFrames < catchUpAt || checkpointerStopped) return undefined;
    // A checkpoint stuck on a failing disk must not hold the writes forever.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`checkpoint took over ${catchUpTimeoutMs} ms`)),
        catchUpTimeoutMs,
      );
    });
    return Promise.race([checkpointer.checkpoint(), timeout])
      .finally(() => clearTimeout(timer))
      .then(
        (report) => {
          const complete = !report.busy && report.checkpointedFrames === report.walFrames;
          walFrames = complete ? 0 : report.walFrames;
          // A reader holding an old snapshot kept it from completing: try again further on.
          catchUpAt = complete ? catchUpFrames : report.walFrames + catchUpFrames;
        },
        (error: unknown) => {
          catchUpAt = walFrames + catchUpFrames;
          options.onCheckpointError?.(String((error as Error).message));
        },
      );
  };
  let closing: Promise<void> | undefined;
  return {
    barrier,
    changes,
    checkpointer,
    catchUp,
    problem: () => barrier.failure() ?? checkpointerStopped,
    /** Once closing began: writes outside the batches are refused before they run. */
    closed: () => (closing ? new StorageUnavailableError("database closed") : undefined),
    close() {
      closing ??= (async () => {
        await barrier.close();
        await checkpointer.close();
        closeSync(walFd);
      })();
      return closing;
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
  const durability = path === ":memory:" ? undefined : startOffLoopDurability(db, path, options);
  const groupCommit = createGroupCommit(db, {
    ...(durability && {
      durable: durability.barrier.durable,
      failure: durability.barrier.failure,
      gate: durability.catchUp,
    }),
  });
  // Every write method shares the next batch's transaction; reads run at once.
  const onFsyncFailure = durability && ((error: unknown) => durability.barrier.fail(error));
  const writes = <T extends object>(repository: T, names: readonly (keyof T & string)[]) =>
    withStorageErrors(inGroupCommit(groupCommit, durability, repository, names), onFsyncFailure);
  const direct = <T extends object>(repository: T) =>
    withStorageErrors(syncedAfterEachCall(durability, repository), onFsyncFailure);
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
      webhooks: direct(createWebhooksRepository(db)),
      billing: direct(createBillingRepository(db)),
    },
    ...(durability && {
      durability: {
        checkpoint: () => durability.checkpointer.checkpoint(),
        syncs: () => durability.barrier.stats().syncs,
      },
    }),
    health: withStorageErrors({
      ping: async () => {
        // A failed sync stops writes for good, a stopped checkpointer lets the WAL grow: the health
        // check says so, for a restart.
        const problem = durability?.problem();
        if (problem) throw problem;
        ping.get();
      },
    }).ping,
    async close() {
      if (!db.open) return;
      groupCommit.close();
      await durability?.close();
      if (db.open) db.close();
    },
  };
}
