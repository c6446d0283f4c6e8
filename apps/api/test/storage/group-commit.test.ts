/**
 * Group commit (storage/sqlite/group-commit.ts): concurrent writes share one transaction, a write
 * is acknowledged only once its transaction committed, and a failing write fails alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { StorageUnavailableError, UniqueViolationError } from "../../src/storage/errors.js";
import { createSqliteStorage, type SqliteStorage } from "../../src/storage/sqlite/index.js";

const NOW = "2026-01-15T12:00:00.000Z";
let dir: string;
let storage: SqliteStorage;
let reader: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "windback-group-"));
  storage = createSqliteStorage(join(dir, "windback.db"));
  // A second connection sees only what was committed.
  reader = new Database(join(dir, "windback.db"), { readonly: true });
});
afterEach(async () => {
  reader.close();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const register = (n: number, email = `user${n}@example.com`) =>
  storage.repos.users.createWithProject(
    { id: `u${n}`, name: `User ${n}`, email, passwordHash: "hash" },
    { id: `p${n}`, userId: `u${n}`, name: "Default", slug: "default", supportEmail: null },
    NOW,
  );
const committedUsers = () =>
  (reader.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
const committedProjects = () =>
  (reader.prepare("SELECT count(*) AS n FROM projects").get() as { n: number }).n;

describe("group commit", () => {
  test("concurrent writes share one transaction and each is committed when it resolves", async () => {
    const before = storage.groupCommit.stats();
    const all = Array.from({ length: 20 }, (_, i) =>
      register(i).then((result) => {
        // Acknowledged means visible to another connection, i.e. committed.
        expect(
          reader.prepare("SELECT 1 AS found FROM users WHERE id = ?").get(result.user.id),
        ).toEqual({ found: 1 });
        return result;
      }),
    );
    expect(committedUsers()).toBe(0);
    await Promise.all(all);
    const after = storage.groupCommit.stats();
    expect(after.writes - before.writes).toBe(20);
    expect(after.batches - before.batches).toBe(1);
    expect(committedUsers()).toBe(20);
  });

  test("a failing write fails alone and leaves nothing behind; the others commit", async () => {
    const results = await Promise.allSettled([
      register(1, "same@example.com"),
      register(2),
      register(3, "same@example.com"),
      register(4),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolationError);
    expect(storage.groupCommit.stats().batches).toBe(1);
    expect(committedUsers()).toBe(3);
    // The failed registration's project (inserted after the user in its transaction) is gone too.
    expect(reader.prepare("SELECT 1 FROM projects WHERE id = 'p3'").get()).toBeUndefined();
    expect(committedProjects()).toBe(3);
  });

  test("a batch whose commit fails acknowledges none of its writes", async () => {
    const { db, groupCommit } = storage;
    // A deferred foreign-key violation is only detected by COMMIT.
    const poison = groupCommit.run(() => {
      db.pragma("defer_foreign_keys = ON");
      db.prepare(
        "INSERT INTO projects (id, user_id, name, slug, created_at, updated_at) VALUES ('px', 'nobody', 'X', 'x', ?, ?)",
      ).run(NOW, NOW);
    });
    const innocent = register(1);
    const results = await Promise.allSettled([poison, innocent]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(committedUsers()).toBe(0);
    // The next batch is unaffected.
    await register(2);
    expect(committedUsers()).toBe(1);
  });

  test("when SQLite rolls the whole transaction back, the writes before it fail and later ones commit", async () => {
    const { db, groupCommit } = storage;
    const first = register(1);
    // What SQLite does on some SQLITE_FULL / SQLITE_IOERR: the transaction is gone.
    const breaking = groupCommit.run(() => {
      db.exec("ROLLBACK");
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    });
    const last = register(3);
    const results = await Promise.allSettled([first, breaking, last]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    expect(reader.prepare("SELECT id FROM users").all()).toEqual([{ id: "u3" }]);
  });

  test("a lock held past the busy timeout fails the batch with StorageUnavailableError", async () => {
    await storage.close();
    storage = createSqliteStorage(join(dir, "windback.db"), { busyTimeoutMs: 50 });
    const locker = new Database(join(dir, "windback.db"));
    locker.exec("BEGIN IMMEDIATE");
    const results = await Promise.allSettled([register(1), register(2)]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    locker.exec("ROLLBACK");
    locker.close();
    await register(3);
    expect(committedUsers()).toBe(1);
  });

  test("close() commits what is still queued", async () => {
    const pending = register(1);
    await storage.close();
    await pending;
    expect(committedUsers()).toBe(1);
  });

  test("batches are capped so other work runs between them", async () => {
    const all = Array.from({ length: 150 }, (_, i) => register(i));
    await Promise.all(all);
    const { batches, writes } = storage.groupCommit.stats();
    expect(writes).toBe(150);
    expect(batches).toBe(3); // 64 + 64 + 22
  });
});
