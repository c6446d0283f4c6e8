/**
 * The durability settings are pinned on every SQLite connection the app opens, which the
 * power-loss promise of docs/durability.md rests on: WAL; the serving connection commits without
 * syncing (synchronous=NORMAL, which in WAL mode syncs only the header on reuse and checkpoints)
 * and never checkpoints (wal_autocheckpoint=0), because a write is
 * acknowledged only after the WAL's fsync off the event loop (storage/sqlite/wal-sync.ts); the
 * checkpointer's connection syncs (FULL = 2). kill -9 alone cannot tell a sync from none (the
 * page cache survives it), so this reads the settings and counts the syncs;
 * bench/test/crash-durability.test.ts proves the behaviour with a simulated power cut.
 *
 * better-sqlite3 is wrapped so that every connection opened while the app starts and serves
 * requests is recorded, whichever module opens it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { afterAll, expect, test, vi } from "vitest";
import { buildServer } from "../../src/app.js";
import type { SqliteStorage } from "../../src/storage/sqlite/index.js";
import { testConfig } from "../helpers.js";

const opened = vi.hoisted(() => [] as BetterSqlite3.Database[]);

vi.mock("better-sqlite3", async (importOriginal) => {
  const original = (await importOriginal<{ default: typeof BetterSqlite3 }>()).default;
  // A subclass, so `instanceof` and every method still behave as the real class.
  class Recorded extends (original as unknown as new (
    ...args: ConstructorParameters<typeof BetterSqlite3>
  ) => BetterSqlite3.Database) {
    constructor(...args: ConstructorParameters<typeof BetterSqlite3>) {
      super(...args);
      opened.push(this);
    }
  }
  return { default: Recorded };
});

const dir = mkdtempSync(join(tmpdir(), "windback-pragmas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("every connection the app opens is WAL; writes are synced before they are acknowledged; checkpoints sync", async () => {
  const app = await buildServer({ config: testConfig({ databasePath: join(dir, "app.db") }) });
  await app.ready();
  // Some traffic that writes and reads, so connections opened lazily are counted too.
  const register = await app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { name: "Pragmas", email: "pragmas@example.com", password: "correct horse battery" },
  });
  expect(register.statusCode).toBe(201);
  const token = register.json().data.token as string;
  const storage = app.storage as SqliteStorage;
  // The account was acknowledged, so a sync ran after its COMMIT.
  expect(storage.durability?.syncs()).toBeGreaterThanOrEqual(1);
  const projects = await app.inject({
    url: "/api/v1/projects",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(projects.statusCode).toBe(200);
  expect((await app.inject({ url: "/health" })).statusCode).toBe(200);

  expect(opened.length).toBe(1);
  for (const db of opened) {
    expect(db.name).toBe(join(dir, "app.db"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
  }
  // The checkpointer (a worker thread, so not recorded above) syncs, and copies the WAL back.
  const report = await storage.durability?.checkpoint();
  expect(report?.synchronous).toBe(2);
  expect(report?.walFrames).toBeGreaterThan(0);
  expect(report?.checkpointedFrames).toBe(report?.walFrames);
  await app.close();
});
