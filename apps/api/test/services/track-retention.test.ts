import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import { afterEach, expect, test } from "vitest";
import { createTrackRetention } from "../../src/services/track-retention.js";
import { createSqliteStorage, type SqliteStorage } from "../../src/storage/sqlite/index.js";
import { TestClock } from "../helpers.js";

const DAY = 24 * 60 * 60 * 1000;
const quiet = { info() {}, warn() {} } as unknown as FastifyBaseLogger;
let storage: SqliteStorage;
afterEach(() => storage.close());

test("events past the retention are pruned in batches; newer ones and their quota stay", async () => {
  storage = createSqliteStorage(":memory:");
  const clock = new TestClock();
  const userId = randomUUID();
  const { project } = await storage.repos.users.createWithProject(
    { id: userId, name: "J", email: "j@example.com", passwordHash: "x" },
    { id: randomUUID(), userId, name: "Default", slug: "default", supportEmail: null },
    new Date(clock.now()).toISOString(),
  );
  const store = async (count: number) => {
    const events = Array.from({ length: count }, (_, i) => ({
      customerEmail: null,
      customerId: null,
      event: `e${i}`,
      properties: null,
      occurredAt: new Date(clock.now()).toISOString(),
    }));
    await storage.repos.trackEvents.insertMany(
      project.id,
      { id: null, livemode: true },
      events,
      new Date(clock.now()).toISOString(),
      1e12,
    );
  };
  await store(23); // will be 91 days old
  clock.advance(2 * DAY);
  await store(5); // will be 89 days old
  clock.advance(89 * DAY);

  const retention = createTrackRetention({
    trackEvents: storage.repos.trackEvents,
    clock,
    log: quiet,
    retentionDays: 90,
    batchSize: 10,
  });
  expect(await retention.runOnce()).toBe(23);
  expect(await retention.runOnce()).toBe(0);
  expect((await storage.repos.trackEvents.usage(project.id)).events).toBe(5);
  await retention.stop();
});

test("a run stops between batches once stopped, and the next run goes on", async () => {
  storage = createSqliteStorage(":memory:");
  const clock = new TestClock();
  let batches = 0;
  const trackEvents = {
    ...storage.repos.trackEvents,
    // A store with an endless backlog: every batch comes back full.
    async pruneStoredBefore() {
      batches += 1;
      return 10;
    },
  };
  const retention = createTrackRetention({
    trackEvents,
    clock,
    log: quiet,
    retentionDays: 90,
    batchSize: 10,
    maxBatchesPerRun: 5,
  });
  expect(await retention.runOnce()).toBe(50);
  expect(batches).toBe(5);
  const running = retention.runOnce();
  await retention.stop();
  await running;
  expect(batches).toBeLessThan(10);
});
