/**
 * The durability barrier (storage/sqlite/wal-sync.ts) and the group commit's use of it: a write is
 * acknowledged only once a sync that started after its COMMIT has completed; syncs are shared by
 * the writes that wait together; a failed sync refuses every later write.
 */
import { fstatSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { startCheckpointer } from "../../src/storage/sqlite/checkpointer.js";
import { createGroupCommit } from "../../src/storage/sqlite/group-commit.js";
import { createSqliteStorage, type SqliteStorage } from "../../src/storage/sqlite/index.js";
import { createDurabilityBarrier, fsyncOnThreadPool } from "../../src/storage/sqlite/wal-sync.js";

/** A sync the test completes or fails by hand, recording what had changed when it started. */
function manualSync(changes: () => number) {
  const started: { covers: number; finish: () => void; fail: (e: Error) => void }[] = [];
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ covers: changes(), finish: resolve, fail: reject });
    });
  return { started, sync };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("durability barrier", () => {
  test("nothing changed since the last sync: resolves without a sync", async () => {
    let changes = 5;
    const { started, sync } = manualSync(() => changes);
    const barrier = createDurabilityBarrier({ changes: () => changes, sync });
    await barrier.durable();
    expect(started).toHaveLength(0);
    changes = 6;
    const waiting = barrier.durable();
    expect(started).toHaveLength(1);
    started[0]?.finish();
    await waiting;
    await barrier.durable();
    expect(barrier.stats().syncs).toBe(1);
  });

  test("a commit made while a sync runs waits for the next sync, which the waiters share", async () => {
    let changes = 0;
    const { started, sync } = manualSync(() => changes);
    const barrier = createDurabilityBarrier({ changes: () => changes, sync });
    changes = 1;
    let firstDone = false;
    void barrier.durable().then(() => {
      firstDone = true;
    });
    changes = 2; // committed after the first sync started: that sync may not hold it
    let laterDone = 0;
    for (let i = 0; i < 3; i++)
      void barrier.durable().then(() => {
        laterDone += 1;
      });
    await flush();
    expect(started).toHaveLength(1);
    started[0]?.finish();
    await flush();
    expect(firstDone).toBe(true);
    expect(laterDone).toBe(0);
    // One more sync for the three, started after the first finished and covering change 2.
    expect(started).toHaveLength(2);
    expect(started[1]?.covers).toBe(2);
    started[1]?.finish();
    await flush();
    expect(laterDone).toBe(3);
  });

  test("never two syncs at once, whenever the calls come (between one sync's end and the next's start too)", async () => {
    let changes = 0;
    let inFlight = 0;
    let most = 0;
    const barrier = createDurabilityBarrier({
      changes: () => changes,
      sync: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight -= 1;
      },
    });
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      changes += 1;
      waits.push(barrier.durable());
      // Calls land at every depth of the microtask queue and across timer turns.
      for (let k = 0; k < i % 7; k++) await Promise.resolve();
      if (i % 13 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(waits);
    expect(most).toBe(1);
    expect(barrier.stats().syncs).toBeLessThan(200);
  });

  test("close waits for the sync in flight, then refuses", async () => {
    let changes = 0;
    const { started, sync } = manualSync(() => changes);
    const barrier = createDurabilityBarrier({ changes: () => changes, sync });
    changes = 1;
    const waiting = barrier.durable();
    let closed = false;
    const closing = barrier.close().then(() => {
      closed = true;
    });
    await flush();
    expect(closed).toBe(false);
    started[0]?.finish();
    await waiting;
    await closing;
    // The running sync already covered everything committed: no second one.
    expect(started).toHaveLength(1);
    changes = 2;
    await expect(barrier.durable()).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  test("a failed sync rejects its waiters and every later call, and is reported", async () => {
    let changes = 0;
    const { started, sync } = manualSync(() => changes);
    const barrier = createDurabilityBarrier({ changes: () => changes, sync });
    changes = 1;
    const waiting = barrier.durable();
    started[0]?.fail(Object.assign(new Error("EIO"), { code: "EIO" }));
    await expect(waiting).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(barrier.failure()).toBeInstanceOf(StorageUnavailableError);
    await expect(barrier.durable()).rejects.toBe(barrier.failure());
    expect(started).toHaveLength(1);
  });
});

describe("group commit with a barrier", () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (n INTEGER)");
  const changes = () => db.prepare("SELECT total_changes()").pluck().get() as number;
  const insert = (n: number) => () => db.prepare("INSERT INTO t VALUES (?)").run(n).changes;

  test("a write is committed at once but acknowledged only when the sync after it completes", async () => {
    const { started, sync } = manualSync(changes);
    const barrier = createDurabilityBarrier({ changes, sync });
    const groupCommit = createGroupCommit(db, {
      durable: barrier.durable,
      failure: barrier.failure,
    });
    let acknowledged = false;
    const write = groupCommit.run(insert(1)).then((result) => {
      acknowledged = true;
      return result;
    });
    await flush();
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(1);
    expect(started).toHaveLength(1);
    expect(started[0]?.covers).toBe(changes());
    await flush();
    expect(acknowledged).toBe(false);
    started[0]?.finish();
    await expect(write).resolves.toBe(1);
  });

  test("after a failed sync, writes are refused before they run", async () => {
    const { started, sync } = manualSync(changes);
    const barrier = createDurabilityBarrier({ changes, sync });
    const groupCommit = createGroupCommit(db, {
      durable: barrier.durable,
      failure: barrier.failure,
    });
    const first = groupCommit.run(insert(2));
    await flush();
    started[0]?.fail(new Error("EIO"));
    await expect(first).rejects.toBeInstanceOf(StorageUnavailableError);
    const before = db.prepare("SELECT count(*) FROM t").pluck().get();
    await expect(groupCommit.run(insert(3))).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(before);
  });
});

const NOW = "2026-01-15T12:00:00.000Z";
const register = (storage: SqliteStorage, n: number) =>
  storage.repos.users.createWithProject(
    { id: `u${n}`, name: "U", email: `u${n}@example.com`, passwordHash: "h" },
    { id: `p${n}`, userId: `u${n}`, name: "Default", slug: "default", supportEmail: null },
    NOW,
  );
/** The real fsync of the WAL, after `hook` (which may delay it or fail instead). */
const beforeEachSync =
  (hook: () => unknown) =>
  (fd: number): (() => Promise<void>) => {
    const real = fsyncOnThreadPool(fd);
    return async () => {
      await hook();
      await real();
    };
  };
const endpoint = (id: string) => ({
  id,
  url: "https://hooks.example.com/windback",
  description: null,
  eventTypes: null,
  enabled: true,
  secret: "whsec_test",
});

describe("SQLite storage on a file", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test("writes outside the group commit (webhook endpoints) are synced before they resolve", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const storage = createSqliteStorage(join(dir, "w.db"));
    const now = "2026-01-15T12:00:00.000Z";
    await storage.repos.users.createWithProject(
      { id: "u1", name: "U", email: "u@example.com", passwordHash: "h" },
      { id: "p1", userId: "u1", name: "Default", slug: "default", supportEmail: null },
      now,
    );
    const afterAccount = storage.durability?.syncs() ?? 0;
    expect(afterAccount).toBeGreaterThanOrEqual(1);
    // A read changes nothing and syncs nothing.
    await storage.repos.webhooks.listEndpoints("p1");
    expect(storage.durability?.syncs()).toBe(afterAccount);
    await storage.repos.webhooks.createEndpoint(
      "p1",
      {
        id: "we_1",
        url: "https://hooks.example.com/windback",
        description: null,
        eventTypes: null,
        enabled: true,
        secret: "whsec_test",
      },
      now,
    );
    expect(storage.durability?.syncs()).toBe(afterAccount + 1);
    await storage.close();
  });

  test("closing twice at once, with a write queued, closes once and keeps the write", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const path = join(dir, "close.db");
    const storage = createSqliteStorage(path);
    const queued = register(storage, 1);
    await Promise.all([storage.close(), storage.close()]);
    await queued;
    await expect(register(storage, 2)).rejects.toBeInstanceOf(StorageUnavailableError);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare("SELECT count(*) FROM users").pluck().get()).toBe(1);
    reader.close();
  });

  test("a write's sync starts after its COMMIT, on the same WAL file", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const path = join(dir, "order.db");
    const startedAt: number[] = [];
    let storage: SqliteStorage | undefined;
    storage = createSqliteStorage(path, {
      syncWal: (fd) => {
        // The WAL file itself (same inode as the path), and what was committed when each began.
        expect(fstatSync(fd).ino).toBe(statSync(`${path}-wal`).ino);
        const real = fsyncOnThreadPool(fd);
        return () => {
          startedAt.push(storage?.db.prepare("SELECT total_changes()").pluck().get() as number);
          return real();
        };
      },
    });
    await register(storage, 1);
    const committed = storage.db.prepare("SELECT total_changes()").pluck().get() as number;
    expect(startedAt.at(-1)).toBe(committed);
    await storage.close();
  });

  test("after a failed sync, writes outside the batches are refused before they run; /health fails", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    let broken = false;
    const storage = createSqliteStorage(join(dir, "eio.db"), {
      syncWal: beforeEachSync(() => {
        if (broken) throw Object.assign(new Error("EIO"), { code: "EIO" });
      }),
    });
    await register(storage, 1);
    broken = true;
    await expect(register(storage, 2)).rejects.toBeInstanceOf(StorageUnavailableError);
    const endpoints = () =>
      storage.db.prepare("SELECT count(*) FROM webhook_endpoints").pluck().get() as number;
    const before = endpoints();
    await expect(
      storage.repos.webhooks.createEndpoint("p1", endpoint("we_after"), NOW),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(endpoints()).toBe(before);
    await expect(storage.health()).rejects.toBeInstanceOf(StorageUnavailableError);
    await storage.close();
  });

  test("writes with pauses between them do not make the WAL restart (a header fsync on the event loop) each time", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const path = join(dir, "sparse.db");
    const storage = createSqliteStorage(path);
    await register(storage, 0);
    const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
    const before = restarts();
    for (let n = 1; n <= 3; n++) {
      // Longer than the checkpointer's 250 ms tick.
      await new Promise((r) => setTimeout(r, 600));
      await register(storage, n);
    }
    expect(restarts()).toBe(before);
    await storage.close();
  });

  test("under a steady stream of writes the WAL is still reused from its start", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const path = join(dir, "steady.db");
    const storage = createSqliteStorage(path, { walCatchUpFrames: 64 });
    await register(storage, 0);
    // The WAL header's checkpoint sequence number grows by one each time the WAL restarts.
    const restarts = () => readFileSync(`${path}-wal`).readUInt32BE(12);
    const before = restarts();
    // Open loop: new writes every millisecond for 1.5 s, whatever the earlier ones are doing.
    const pending: Promise<unknown>[] = [];
    let n = 1;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      for (let i = 0; i < 4; i++) pending.push(register(storage, n++));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    expect(restarts() - before).toBeGreaterThanOrEqual(3);
    await storage.close();
  });

  test("a checkpointer that stops makes /health fail; writes go on", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    let stop: (() => void) | undefined;
    const logged: string[] = [];
    const storage = createSqliteStorage(join(dir, "stopped.db"), {
      onCheckpointError: (message) => logged.push(message),
      startCheckpointer: (path, options) => {
        const real = startCheckpointer(path, options);
        stop = () => options?.onStopped?.();
        return real;
      },
    });
    await register(storage, 1);
    await storage.health();
    stop?.();
    await expect(storage.health()).rejects.toThrow("checkpointer stopped");
    expect(logged.join(" ")).toContain("checkpointer stopped");
    await register(storage, 2);
    await storage.close();
  });

  test("a checkpoint that never answers holds the writes for the catch-up timeout at most", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    const logged: string[] = [];
    let asked = 0;
    const storage = createSqliteStorage(join(dir, "stuck.db"), {
      walCatchUpFrames: 1,
      walCatchUpTimeoutMs: 300,
      onCheckpointError: (message) => logged.push(message),
      startCheckpointer: (path, options) => {
        const real = startCheckpointer(path, { ...options, intervalMs: 20, minFrames: 1_000_000 });
        return {
          // Asked to catch up, it never answers (a disk stuck in a checkpoint's fsync).
          checkpoint: () => {
            asked += 1;
            return new Promise<never>(() => undefined);
          },
          close: () => real.close(),
        };
      },
    });
    await register(storage, 1);
    // Let the worker report the WAL's size, past the (tiny) catch-up threshold.
    await new Promise((r) => setTimeout(r, 150));
    const started = performance.now();
    await register(storage, 2);
    const waited = performance.now() - started;
    expect(asked).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(logged.join(" ")).toContain("checkpoint took over 300 ms");
    await storage.close();
  });

  test("while a write waits for a slow disk, reads and the health check are answered", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-walsync-"));
    let slow = false;
    const storage = createSqliteStorage(join(dir, "slow.db"), {
      // The real fsync, preceded by 400 ms of "disk" once the test says so.
      syncWal: beforeEachSync(async () => {
        if (slow) await new Promise((r) => setTimeout(r, 400));
      }),
    });
    await register(storage, 1);
    slow = true;
    const started = performance.now();
    let acknowledgedAt = 0;
    const write = register(storage, 2).then(() => {
      acknowledgedAt = performance.now() - started;
    });
    await flush();
    await flush();
    // The write has committed and waits for its sync; the event loop does not.
    await storage.health();
    const project = await storage.repos.projects.findBySlug("u2", "default");
    expect(project?.id).toBe("p2");
    // Answered before the write was: the read did not wait for the sync.
    expect(acknowledgedAt).toBe(0);
    await write;
    expect(acknowledgedAt).toBeGreaterThanOrEqual(400);
    await storage.close();
  });
});

describe("checkpointer", () => {
  test("a worker that cannot open the database reports it, and later checkpoints fail fast", async () => {
    const errors: string[] = [];
    const checkpointer = startCheckpointer(join(tmpdir(), "windback-missing", "none.db"), {
      onError: (message) => errors.push(message),
    });
    await expect(checkpointer.checkpoint()).rejects.toThrow();
    expect(errors.join(" ")).toMatch(/directory does not exist|unable to open/i);
    await expect(checkpointer.checkpoint()).rejects.toThrow("the checkpointer stopped");
    await checkpointer.close();
  });
});
