/**
 * REDIS_URL (docs/design.md §13): budgets counted in Redis are one budget across instances; the
 * Redis-down policy (auth fails closed with 503, the cancel flow fails open and logs); the pub/sub
 * invalidation bus.
 */
import { afterEach, describe, expect, test } from "vitest";
import { buildServer } from "../src/app.js";
import { createRedisClient } from "../src/redis/client.js";
import { createRedisInvalidationBus, type Invalidation } from "../src/redis/invalidation.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import { apiKey, call, createTenant, TestClock, type TestContext, testConfig } from "./helpers.js";
import { dropPrefix, REDIS_TEST_URL, redisUnavailable, testPrefix } from "./redis-fixture.js";

const unavailable = await redisUnavailable();
const SHOP = "https://shop.example.com";
const quietLog = { warn() {}, info() {} };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `count` instances of the API on one store, their budgets in Redis under `prefix` (or at `redisUrl`). */
async function instances(count: number, redisUrl: string, prefix: string, logs: string[] = []) {
  const storage = createSqliteStorage(":memory:");
  const clock = new TestClock();
  const config = testConfig({
    redisUrl,
    redisPrefix: prefix,
    logLevel: "warn",
    rateLimits: {
      ...testConfig().rateLimits,
      auth: { max: 10, windowMs: 60_000 },
      cancelFlow: { max: 10, windowMs: 15_000 },
    },
  });
  const apps: TestContext[] = [];
  for (let i = 0; i < count; i++) {
    const app = await buildServer({
      config,
      clock,
      storage,
      logStream: { write: (line: string) => void logs.push(line) },
    });
    await app.ready();
    apps.push({ app, storage, db: storage.db, clock });
  }
  cleanups.push(async () => {
    for (const ctx of apps) await ctx.app.close();
    await storage.close();
    await dropPrefix(prefix);
  });
  return apps;
}

const submit = (ctx: TestContext, key: string, i: number) =>
  call(
    ctx,
    "POST",
    "/api/v1/cancel-flow/submit",
    { ...apiKey(key), origin: SHOP },
    {
      customer_email: `c${i}@example.com`,
      cancel_reason: "too_expensive",
    },
  );

describe.skipIf(unavailable !== null)("rate limits in Redis", () => {
  test("one key's cancel-flow budget is shared by two instances: 20 requests, 10 accepted", async () => {
    const [a, b] = (await instances(2, REDIS_TEST_URL, testPrefix())) as [TestContext, TestContext];
    const tenant = await createTenant(a);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await submit(i % 2 ? b : a, tenant.pub, i)).statusCode);
    expect(statuses.filter((s) => s < 300)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // The budget is spent on both instances alike.
    expect((await submit(a, tenant.pub, 99)).statusCode).toBe(429);
    expect((await submit(b, tenant.pub, 99)).statusCode).toBe(429);
  });

  test("budgets of different names do not share counters (auth does not spend the cancel flow's)", async () => {
    const [a] = (await instances(1, REDIS_TEST_URL, testPrefix())) as [TestContext];
    const tenant = await createTenant(a); // one register: one auth request
    for (let i = 0; i < 9; i++) {
      const res = await call(
        a,
        "POST",
        "/api/v1/auth/login",
        {},
        {
          email: "nobody@example.com",
          password: "wrong password here",
        },
      );
      expect(res.statusCode).toBe(401);
    }
    expect((await submit(a, tenant.pub, 1)).statusCode).toBeLessThan(300);
    const eleventh = await call(
      a,
      "POST",
      "/api/v1/auth/login",
      {},
      {
        email: "nobody@example.com",
        password: "wrong password here",
      },
    );
    expect(eleventh.statusCode).toBe(429);
  });
});

describe("rate limits while Redis is down", () => {
  // Nothing listens on port 1: every command fails at once.
  const DOWN = "redis://127.0.0.1:1";

  test("the auth limit fails closed (503); the cancel flow fails open and logs it", async () => {
    const logs: string[] = [];
    const [a] = (await instances(1, DOWN, testPrefix(), logs)) as [TestContext];
    const register = await call(
      a,
      "POST",
      "/api/v1/auth/register",
      {},
      {
        name: "Jane",
        email: "jane@example.com",
        password: "correct horse battery staple",
      },
    );
    expect(register.statusCode).toBe(503);
    expect(register.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(register.headers["retry-after"]).toBe("1");

    // The tenant is set up through an instance without Redis on the same store; then the one
    // whose Redis is down takes more than the budget: nothing refuses.
    const plain = await buildServer({ config: testConfig(), clock: a.clock, storage: a.storage });
    await plain.ready();
    const tenant = await createTenant({ ...a, app: plain });
    await plain.close();
    const raw = tenant.pub;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await submit(a, raw, i)).statusCode);
    expect(statuses).toEqual(Array(12).fill(200));
    expect(logs.some((line) => line.includes("fail open") && line.includes("cancel_flow"))).toBe(
      true,
    );
  });
});

describe.skipIf(unavailable !== null)("invalidation bus over Redis pub/sub", () => {
  async function bus(prefix: string) {
    const publisher = createRedisClient(REDIS_TEST_URL, quietLog);
    const subscriber = createRedisClient(REDIS_TEST_URL, quietLog);
    await publisher.connect();
    const created = await createRedisInvalidationBus(publisher, subscriber, prefix);
    cleanups.push(async () => {
      await created.close();
      publisher.disconnect();
    });
    return { bus: created, subscriber };
  }

  const waitFor = async (check: () => boolean) => {
    const deadline = Date.now() + 2000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  test("a publish reaches every instance of the prefix, and no other prefix", async () => {
    const prefix = testPrefix();
    const [one, two, stranger] = await Promise.all([bus(prefix), bus(prefix), bus(testPrefix())]);
    const heard: Record<string, Invalidation[]> = { one: [], two: [], stranger: [] };
    one.bus.subscribe((m) => heard.one?.push(m));
    two.bus.subscribe((m) => heard.two?.push(m));
    stranger.bus.subscribe((m) => heard.stranger?.push(m));
    await one.bus.publish("api_key", "hash-1");
    await waitFor(() => heard.one?.length === 1 && heard.two?.length === 1);
    expect(heard.two).toEqual([{ topic: "api_key", key: "hash-1" }]);
    expect(heard.one).toEqual([{ topic: "api_key", key: "hash-1" }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard.stranger).toEqual([]);
  });

  test("after a lost connection the subscriber flushes everything, then hears messages again", async () => {
    const prefix = testPrefix();
    const [one, two] = await Promise.all([bus(prefix), bus(prefix)]);
    const heard: Invalidation[] = [];
    two.bus.subscribe((m) => heard.push(m));
    two.subscriber.disconnect(true); // drop the connection; ioredis reconnects and resubscribes
    await waitFor(() => heard.some((m) => m.key === null));
    expect(heard[0]).toEqual({ topic: "*", key: null });
    await waitFor(() => two.subscriber.status === "ready");
    // Resubscribed: a message published now arrives.
    const deadline = Date.now() + 2000;
    while (!heard.some((m) => m.key === "origins-1") && Date.now() < deadline) {
      await one.bus.publish("origins", "origins-1");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(heard).toContainEqual({ topic: "origins", key: "origins-1" });
  });
});
