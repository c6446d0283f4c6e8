/**
 * The durability settings are pinned on every SQLite connection the app opens: WAL and
 * synchronous=FULL (2), which the power-loss promise of docs/design.md rests on. kill -9 alone
 * cannot tell FULL from OFF (the page cache survives it), so this reads the pragmas themselves;
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

test("every connection the app opens is WAL with synchronous=FULL", async () => {
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
  const projects = await app.inject({
    url: "/api/v1/projects",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(projects.statusCode).toBe(200);
  expect((await app.inject({ url: "/health" })).statusCode).toBe(200);

  expect(opened.length).toBeGreaterThan(0);
  for (const db of opened) {
    expect(db.name).toBe(join(dir, "app.db"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
  }
  await app.close();
});
