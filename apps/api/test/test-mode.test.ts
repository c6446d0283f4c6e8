/**
 * Test mode (docs/design.md §11): what a test key writes is test data, kept apart from live data
 * in stats, timeseries, lists, single reads and the CSV export, both ways.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;
let testPub: string;
let testSk: string;

async function createKey(keyType: "public" | "secret", mode?: "live" | "test") {
  const res = await call(
    ctx,
    "POST",
    "/api/v1/projects/default/api-keys",
    bearer(t.account.token),
    {
      key_type: keyType,
      ...(mode && { mode }),
    },
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { key: string; mode: string };
}

const submit = (key: string, email: string) =>
  call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(key), {
    cancel_reason: "too_expensive",
    customer_email: email,
    mrr: 1000,
  });

async function get(url: string, headers: Record<string, string>) {
  const res = await call(ctx, "GET", url, headers);
  expect(res.statusCode, `${url} ${res.body}`).toBe(200);
  return res;
}

const emails = async (query: string, headers: Record<string, string> = apiKey(t.sk)) =>
  (
    (await get(`/api/v1/churn-events${query}`, headers)).json().data as Array<{
      customer_email: string;
    }>
  ).map((event) => event.customer_email);

const totalEvents = async (query: string, headers: Record<string, string> = apiKey(t.sk)) =>
  (await get(`/api/v1/stats${query}`, headers)).json().data.total_events as number;

async function submissions(query: string, headers: Record<string, string> = apiKey(t.sk)) {
  const mode = query ? `&${query.slice(1)}` : "";
  const res = await get(`/api/v1/stats/timeseries?from=2026-01-01&to=2026-02-01${mode}`, headers);
  return (res.json().data.points as Array<{ submissions: number }>).reduce(
    (sum, point) => sum + point.submissions,
    0,
  );
}

const csv = async (query: string, headers: Record<string, string> = apiKey(t.sk)) =>
  (await get(`/api/v1/churn-events.csv${query}`, headers)).body;

beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
  const pub = await createKey("public", "test");
  const sk = await createKey("secret", "test");
  expect(pub.key).toMatch(/^pub_test_/);
  expect(sk.key).toMatch(/^sk_test_/);
  expect(pub.mode).toBe("test");
  testPub = pub.key;
  testSk = sk.key;
  expect((await submit(t.pub, "live@example.com")).statusCode).toBe(200);
  expect((await submit(testPub, "test@example.com")).statusCode).toBe(200);
});

afterEach(async () => {
  await ctx.app.close();
});

describe("live reads never show test data", () => {
  test("lists, stats, timeseries and CSV with a live key or a session", async () => {
    for (const headers of [apiKey(t.sk), bearer(t.account.token)]) {
      expect(await emails("", headers)).toEqual(["live@example.com"]);
      expect(await totalEvents("", headers)).toBe(1);
      expect(await submissions("", headers)).toBe(1);
      const body = await csv("", headers);
      expect(body).toContain("live@example.com");
      expect(body).not.toContain("test@example.com");
    }
  });

  test("a test event cannot be read by id as live data, nor changed by a live key", async () => {
    const [testEvent] = (await get("/api/v1/churn-events", apiKey(testSk))).json().data;
    expect(testEvent.customer_email).toBe("test@example.com");
    const read = await call(ctx, "GET", `/api/v1/churn-events/${testEvent.id}`, apiKey(t.sk));
    expect(read.statusCode).toBe(404);
    // Positive control: the same URL with the test key finds it.
    await get(`/api/v1/churn-events/${testEvent.id}`, apiKey(testSk));
  });
});

describe("?mode=test shows test data only", () => {
  test("with a live key or a session", async () => {
    for (const headers of [apiKey(t.sk), bearer(t.account.token)]) {
      expect(await emails("?mode=test", headers)).toEqual(["test@example.com"]);
      expect(await totalEvents("?mode=test", headers)).toBe(1);
      expect(await submissions("?mode=test", headers)).toBe(1);
      const body = await csv("?mode=test", headers);
      expect(body).toContain("test@example.com");
      expect(body).not.toContain("live@example.com");
    }
  });

  test("a test key sees test data by default and is refused live data", async () => {
    expect(await emails("", apiKey(testSk))).toEqual(["test@example.com"]);
    expect(await totalEvents("", apiKey(testSk))).toBe(1);
    const live = await call(ctx, "GET", "/api/v1/churn-events?mode=live", apiKey(testSk));
    expect(live.statusCode).toBe(403);
  });
});

describe("duplicates and stats stay per mode", () => {
  test("the same customer in test and live mode makes one event in each", async () => {
    expect((await submit(testPub, "live@example.com")).statusCode).toBe(200);
    expect((await submit(t.pub, "live@example.com")).statusCode).toBe(202);
    expect(await emails("")).toEqual(["live@example.com"]);
    expect((await emails("?mode=test")).sort()).toEqual(["live@example.com", "test@example.com"]);
  });

  test("a test key can't make live keys' data move: live totals unchanged by 5 test submits", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await submit(testPub, `t${i}@example.com`)).statusCode).toBe(200);
    }
    expect(await totalEvents("")).toBe(1);
    expect(await totalEvents("?mode=test")).toBe(6);
  });
});
