import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { createAdminClient, expectOk } from "../src/admin-client.js";
import { type ApiProcess, startApi } from "../src/api-process.js";
import { spawnService } from "../src/processes.js";
import { tempDir } from "../src/temp-dir.js";

const started: ApiProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((api) => api.kill9()));
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("startApi serves /health on 127.0.0.1; stop() ends the process and removes the throwaway database", async () => {
  const api = await startApi();
  started.push(api);
  expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
  const health = await createAdminClient(api.url).health();
  expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
  expect(existsSync(api.databasePath)).toBe(true);
  expect(isAlive(api.pid)).toBe(true);

  await api.stop();
  expect(api.child.exitCode ?? api.child.signalCode).not.toBeNull();
  expect(isAlive(api.pid)).toBe(false);
  expect(existsSync(dirname(api.databasePath))).toBe(false);
  await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  // Stopping twice is harmless.
  await api.stop();
});

test("restart() after kill -9 keeps the database, the port and the JWT secret", async () => {
  const api = await startApi({ logLevel: "silent" });
  started.push(api);
  const client = createAdminClient(api.url);
  const { token } = expectOk(
    await client.register({
      name: "R",
      email: "restart@testkit.example",
      password: "long enough pw",
    }),
    "register",
  ).data;

  await api.kill9();
  expect(isAlive(api.pid)).toBe(false);
  expect(await api.exited).toBeNull();
  const again = await api.restart();
  started.push(again);
  expect(again.pid).not.toBe(api.pid);
  expect(again.url).toBe(api.url);
  expect(again.databasePath).toBe(api.databasePath);
  // The account is on disk, and the token signed by the first process is still valid.
  const me = await client.as({ token }).me();
  expect(me.status).toBe(200);
  expect(me.ok && me.body.data.email).toBe("restart@testkit.example");
  // The spent process no longer owns the database: stopping it again deletes nothing.
  await api.stop();
  expect(existsSync(again.databasePath)).toBe(true);
  await again.stop();
  expect(existsSync(dirname(api.databasePath))).toBe(false);
});

test("a caller's database is kept after stop(), and a second process can reopen it", async () => {
  const dir = tempDir("windback-testkit-db-");
  try {
    const databasePath = join(dir.path, "kept.db");
    const first = await startApi({ databasePath });
    started.push(first);
    await first.stop("SIGINT");
    expect(existsSync(databasePath)).toBe(true);
    const second = await startApi({ databasePath });
    started.push(second);
    expect((await createAdminClient(second.url).health()).status).toBe(200);
    await second.stop();
  } finally {
    dir.remove();
  }
});

test("an API that cannot start is killed and the error carries what it printed", async () => {
  const attempt = startApi({ env: { LOG_LEVEL: "loud" } });
  await expect(attempt).rejects.toThrow(
    /exited with 1 before it was up[\s\S]*LOG_LEVEL must be one of/,
  );
});

test("environment overrides reach the API: the per-key cancel-flow budget", async () => {
  const api = await startApi({ rateLimits: { cancelFlow: 2 } });
  started.push(api);
  const client = createAdminClient(api.url);
  const { token } = expectOk(
    await client.register({
      name: "L",
      email: "limit@testkit.example",
      password: "long enough pw",
    }),
    "register",
  ).data;
  const key = expectOk(await client.as({ token }).apiKeys.create("default", "public"), "key").data
    .key;
  const flow = client.as({ key });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await flow.cancelFlow.offers("too_expensive")).status);
  expect(statuses).toEqual([200, 200, 429]);
  await api.stop();
});

// Also a regression test: killing a child that never spawned used to signal this whole process
// group (kill(2) with pid 0), which took the runner and pnpm down with it.
test("spawnService captures output and refuses a command that does not exist", async () => {
  await expect(
    spawnService({
      command: "/nonexistent/windback-binary",
      args: [],
      env: {},
      port: 1,
      startTimeoutMs: 5000,
    }),
  ).rejects.toThrow(/could not be started[\s\S]*spawn failed/);
});
