/**
 * Group commit (docs/design.md §14): the writes that arrive while the event loop is busy share one
 * transaction and so one sync, instead of one each. A write's promise settles only after the
 * transaction holding it has committed and a sync of the WAL that started after the COMMIT has
 * completed (`durable`, ./wal-sync.ts), so a 2xx still means "on disk".
 *
 * How a batch runs, synchronously in one turn of the event loop (so no read ever sees it half
 * done): `BEGIN IMMEDIATE`; each write in the order it was asked for; `COMMIT`. Each write method
 * that runs more than one statement does so in a `db.transaction()` function, which better-sqlite3
 * turns into a SAVEPOINT inside an open transaction: a write that fails is rolled back to its
 * savepoint and fails alone, and the others commit. Should SQLite roll the whole transaction back
 * itself (it may on SQLITE_FULL or SQLITE_IOERR), the writes done so far in the batch fail too —
 * none was acknowledged — and the rest go on in a new transaction.
 *
 * Batches are capped (`maxBatch`) and each starts from `setImmediate`, so requests already waiting
 * (a health check, a read) are served between two batches: the loop is blocked for one batch's
 * statements at most; the sync itself runs on libuv's thread pool, and the next batch may commit
 * while it runs.
 */
import { StorageUnavailableError } from "../errors.js";
import type { SqliteDatabase } from "./database.js";

export interface GroupCommit {
  /**
   * Runs `write` in the next batch. `write` does its SQL synchronously (a repository method of
   * ./*-repository.ts: async in name, synchronous inside) and returns its result or a promise of
   * it; the returned promise settles with that once the batch has committed.
   */
  run<T>(write: () => T | Promise<T>): Promise<T>;
  /** Runs every queued write now (closing: pending writes finish first). */
  drain(): void;
  /** Runs every queued write now and refuses later ones (StorageUnavailableError). */
  close(): void;
  /** For tests and diagnostics: how many transactions and writes were committed. */
  stats(): { batches: number; writes: number };
}

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 64;

export interface GroupCommitOptions {
  maxBatch?: number;
  /**
   * Resolves once everything committed so far is on disk (./wal-sync.ts). Without it a COMMIT is
   * taken as durable by itself, as it is with `synchronous=FULL` or for `:memory:`.
   */
  durable?: () => Promise<void>;
  /** Once set, the storage can no longer promise durability: every write is refused. */
  failure?: () => Error | undefined;
  /**
   * Asked before each batch; a promise holds the batch (not the event loop) until it settles —
   * how the WAL's checkpoint catches up with a steady stream of writes (./index.ts).
   */
  gate?: () => Promise<unknown> | undefined;
}

export function createGroupCommit(
  db: SqliteDatabase,
  options: GroupCommitOptions = {},
): GroupCommit {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const durable = options.durable;
  let queue: Job[] = [];
  let scheduled = false;
  let closed = false;
  let batches = 0;
  let writes = 0;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      const held = options.gate?.();
      if (held) held.then(runNext, runNext);
      else runNext();
    });
  }

  function runNext() {
    scheduled = false;
    const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
    if (batch === queue) queue = [];
    // What is left waits for the next turn, after the requests that came in meanwhile.
    if (queue.length > 0) schedule();
    runBatch(batch);
  }

  function rollback() {
    try {
      if (db.inTransaction) db.exec("ROLLBACK");
    } catch {
      // The connection is gone or SQLite already rolled back: nothing is left to undo.
    }
  }

  function acknowledge(done: { job: Job; result: unknown }[]) {
    if (!durable) {
      for (const { job, result } of done) job.resolve(result);
      return;
    }
    durable().then(
      () => {
        for (const { job, result } of done) job.resolve(result);
      },
      (error: unknown) => {
        for (const { job } of done) job.reject(error);
      },
    );
  }

  function runBatch(batch: Job[]) {
    let index = 0;
    while (index < batch.length) {
      const failure = options.failure?.();
      if (failure) {
        for (const job of batch.slice(index)) job.reject(failure);
        return;
      }
      try {
        db.exec("BEGIN IMMEDIATE");
      } catch (error) {
        // Locked past the busy timeout, closed, …: every write still waiting fails (→ 503).
        for (const job of batch.slice(index)) job.reject(error);
        return;
      }
      // Results of the writes in the open transaction, delivered once it commits.
      let done: { job: Job; result: unknown }[] = [];
      for (; index < batch.length; index++) {
        const job = batch[index] as Job;
        let result: unknown;
        try {
          result = job.write();
        } catch (error) {
          result = Promise.reject(error);
        }
        // Settled only after the sync; until then a failed write's rejection is not unhandled.
        if (result instanceof Promise) result.catch(() => undefined);
        if (!db.inTransaction) {
          // SQLite rolled the whole transaction back: nothing in it was acknowledged, so the
          // earlier writes fail too; the next ones start a new transaction.
          const lost = new StorageUnavailableError(
            "the database rolled back a group of writes; retry",
          );
          for (const earlier of done) earlier.job.reject(lost);
          done = [];
          job.resolve(result);
          index += 1;
          break;
        }
        done.push({ job, result });
      }
      if (done.length === 0) continue;
      try {
        db.exec("COMMIT");
      } catch (error) {
        rollback();
        for (const { job } of done) job.reject(error);
        continue;
      }
      batches += 1;
      writes += done.length;
      acknowledge(done);
    }
  }

  return {
    run<T>(write: () => T | Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new StorageUnavailableError("database closed"));
      return new Promise<T>((resolve, reject) => {
        queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    drain() {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        runBatch(batch);
      }
    },
    close() {
      this.drain();
      closed = true;
    },
    stats: () => ({ batches, writes }),
  };
}
