/**
 * Durability off the event loop (docs/durability.md). better-sqlite3 is synchronous, so with
 * `synchronous=FULL` every COMMIT waited for its fsync on the main thread: while the disk was slow
 * (another process flushing, a busy host) every request, `/health` included, waited with it —
 * the soak test measured 0.3 s stalls on every route. Instead the connection commits with
 * `synchronous=NORMAL` (in WAL mode: the frames are written, not synced; SQLite still syncs the
 * WAL header when it reuses the file and around checkpoints) and this barrier fsyncs the WAL file
 * on libuv's thread pool; a write is acknowledged only once a sync that started after its COMMIT
 * has completed. A WAL recovers to a prefix of its commits (each frame's checksum chains to the
 * one before), so syncing the file after the COMMIT makes that commit, and every one before it,
 * survive a power cut. Checkpoints, which write the database file itself, run with syncs on
 * their own connection (./checkpointer.ts).
 */
import { fsync } from "node:fs";
import { StorageUnavailableError } from "../errors.js";

export interface DurabilityBarrier {
  /**
   * Resolves once everything committed so far is on disk; rejects once a sync has failed (the
   * kernel may have dropped the pages, so nothing later can be trusted to be written either).
   */
  durable(): Promise<void>;
  /** The sync failure that stopped writes, if any (health checks report it). */
  failure(): Error | undefined;
  /** Stops writes as a failed sync would (a checkpoint's or a commit's own fsync failed). */
  fail(cause: unknown): void;
  /** Waits for the syncs in flight; later calls to `durable` are refused. */
  close(): Promise<void>;
  /** For tests and diagnostics: how many syncs ran. */
  stats(): { syncs: number };
}

export interface BarrierOptions {
  /** A counter that grows with every change committed (SQLite's `total_changes()`). */
  changes: () => number;
  /** Makes what was written so far durable. */
  sync: () => Promise<void>;
}

/**
 * At most one sync runs at a time; callers arriving meanwhile share the one that starts after it,
 * so a slow disk costs one sync per round, not one per write (group commit for the fsync).
 */
export function createDurabilityBarrier(options: BarrierOptions): DurabilityBarrier {
  let synced = options.changes();
  let running: Promise<void> | undefined;
  /** What the running sync covers: the changes counted when it started. */
  let runningCovers = 0;
  let next: Promise<void> | undefined;
  let failed: Error | undefined;
  let closed = false;
  let syncs = 0;

  function fail(cause: unknown): Error {
    failed ??= new StorageUnavailableError(
      "the database could not be synced to disk; writes are refused until a restart",
      { cause },
    );
    return failed;
  }

  function start(): Promise<void> {
    // Everything counted now was written before the sync starts, so the sync covers it.
    const covers = options.changes();
    runningCovers = covers;
    syncs += 1;
    return options.sync().then(
      () => {
        synced = Math.max(synced, covers);
      },
      (error: unknown) => {
        throw fail(error);
      },
    );
  }

  function run(): Promise<void> {
    const current = start().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  }

  function durable(): Promise<void> {
    if (failed) return Promise.reject(failed);
    if (closed) return Promise.reject(new StorageUnavailableError("database closed"));
    const target = options.changes();
    if (target <= synced) return Promise.resolve();
    // Committed before the running sync started: that one holds it.
    if (running && target <= runningCovers) return running;
    // A sync already running may have started before this commit: wait for the next one. (Between
    // the end of one and the start of `next`, `next` is the one to wait for.)
    if (!running && !next) return run();
    next ??= (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        if (failed) throw failed;
        return run();
      });
    return next;
  }

  return {
    durable,
    failure: () => failed,
    fail(cause) {
      fail(cause);
    },
    async close() {
      // What was committed before closing is made durable (or fails) first.
      await durable().catch(() => undefined);
      // A call in the microtasks meanwhile may have started another: wait until none is left.
      while (running || next) await Promise.allSettled([running, next]);
      closed = true;
    },
    stats: () => ({ syncs }),
  };
}

/** `fsync(2)` of an open file on libuv's thread pool. */
export function fsyncOnThreadPool(fd: number): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      fsync(fd, (error) => (error ? reject(error) : resolve()));
    });
}
