import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ChurnEvent, Windback, WindbackError } from "../src/index.js";
import { createMerchant, type Merchant, startTestApi, type TestApi } from "./support/api.js";

let api: TestApi;
let merchant: Merchant;
let windback: Windback;

beforeAll(async () => {
  api = await startTestApi();
  merchant = await createMerchant(api);
  windback = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl, project: merchant.slug });
});

afterAll(async () => {
  await api?.close();
});

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<WindbackError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WindbackError);
  return error as WindbackError;
}

describe("churn events", () => {
  test("list pages through more than 100 events with a filter, each once, newest first", async () => {
    // 230 events: 3 pages of 100 (the API's largest page) and half of them another reason.
    const created: ChurnEvent[] = [];
    for (let i = 0; i < 230; i++) {
      created.push(
        await windback.churnEvents.create({
          customer_email: `page${i}@example.com`,
          mrr: 1000 + i,
          cancel_reason: i % 2 === 0 ? "too_expensive" : "missing_features",
        }),
      );
    }
    // Through the fetch option, to see the pages asked for.
    const urls: string[] = [];
    const counting = new Windback({
      secretKey: merchant.sk,
      baseUrl: api.baseUrl,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const seen: ChurnEvent[] = [];
    for await (const event of counting.churnEvents.list()) seen.push(event);
    expect(seen).toHaveLength(230);
    expect(urls.map((url) => new URL(url).search)).toEqual([
      "?limit=100&offset=0",
      "?limit=100&offset=100",
      "?limit=100&offset=200",
    ]);

    // Leaving the loop early asks for no further page.
    urls.length = 0;
    for await (const event of counting.churnEvents.list({ pageSize: 5 })) {
      if (event) break;
    }
    expect(urls).toHaveLength(1);
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(created.map((e) => e.id)));
    // Newest first: created_at never increases along the list.
    const times = seen.map((e) => e.created_at);
    expect(times).toEqual([...times].sort().reverse());

    const expensive: string[] = [];
    for await (const event of windback.churnEvents.list({
      reason: "too_expensive",
      pageSize: 40,
    })) {
      expect(event.cancel_reason).toBe("too_expensive");
      expensive.push(event.id);
    }
    expect(expensive).toHaveLength(115);

    const q: string[] = [];
    for await (const event of windback.churnEvents.list({ q: "page22" }))
      q.push(event.customer_email);
    // page22 and page220–229.
    expect(q.sort()).toEqual(
      ["page22", ...Array.from({ length: 10 }, (_, d) => `page22${d}`)]
        .map((n) => `${n}@example.com`)
        .sort(),
    );

    const page = await windback.churnEvents.listPage({ limit: 7, offset: 3 });
    expect(page).toMatchObject({ total: 230, limit: 7, offset: 3 });
    expect(page.data).toHaveLength(7);
  });

  test("an event created while paging does not make another come twice", async () => {
    const iterator = windback.churnEvents.list({ pageSize: 10 });
    const ids: string[] = [];
    for await (const event of iterator) {
      ids.push(event.id);
      // One new event per page read shifts every later page by one.
      if (ids.length % 10 === 0 && ids.length <= 50) {
        await windback.churnEvents.create({
          customer_email: `late${ids.length}@example.com`,
          mrr: 1,
        });
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(230);
  });

  test("get, markRecovered, markLost and the final-state error", async () => {
    const event = await windback.churnEvents.create({
      customer_email: "Ada@Example.com",
      mrr_cents: 4900,
      plan_name: "Pro",
      cancel_reason: "bad_support",
    });
    expect(event).toMatchObject({
      customer_email: "ada@example.com",
      mrr: 4900,
      cancel_reason: "poor_support",
      status: "new",
      source: "api",
      mrr_verified: true,
    });
    expect(await windback.churnEvents.get(event.id)).toEqual(event);

    const recovered = await windback.churnEvents.markRecovered(event.id);
    expect(recovered.status).toBe("recovered");
    const error = await rejection(windback.churnEvents.markLost(event.id));
    expect(error).toMatchObject({ status: 400, code: "INVALID_TRANSITION" });

    const other = await windback.churnEvents.create({
      customer_email: "bob@example.com",
      mrr: 100,
    });
    expect((await windback.churnEvents.markLost(other.id)).status).toBe("lost");
    const statuses: string[] = [];
    for await (const e of windback.churnEvents.list({ status: "lost" })) statuses.push(e.id);
    expect(statuses).toEqual([other.id]);
  });

  test("exportCsv streams the filtered events as CSV", async () => {
    const stream = await windback.churnEvents.exportCsv({ status: "recovered" });
    const text = await new Response(stream).text();
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^id,created_at,updated_at,status,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("ada@example.com");
    expect(lines[1]).toContain(",recovered,");
  });

  test("errors carry the API's status and code", async () => {
    const missing = await rejection(
      windback.churnEvents.get("00000000-0000-4000-8000-000000000000"),
    );
    expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND" });

    const invalid = await rejection(
      windback.churnEvents.create({ customer_email: "not an email", mrr: 1 }),
    );
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(invalid.message.length).toBeGreaterThan(0);

    const badKey = new Windback({ secretKey: `sk_${"x".repeat(43)}`, baseUrl: api.baseUrl });
    const unauthenticated = await rejection(badKey.stats.get());
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.code).toBe("INVALID_API_KEY");

    // Another tenant's event is not found, never forbidden.
    const other = await createMerchant(api);
    const stranger = new Windback({ secretKey: other.sk, baseUrl: api.baseUrl });
    const event = await windback.churnEvents.create({ customer_email: "mine@example.com", mrr: 1 });
    expect(await rejection(stranger.churnEvents.get(event.id))).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
  });
});

describe("offers, stats, origins, project, track", () => {
  test("retention offers: upsert, get, list, delete", async () => {
    const offer = await windback.retentionOffers.upsert("too_expensive", {
      offer_type: "discount",
      title: "30% off for 3 months",
      cta_button_text: "Take 30% off",
      discount_percent: 30,
      discount_duration_months: 3,
    });
    expect(offer).toMatchObject({
      cancel_reason: "too_expensive",
      offer_type: "discount",
      discount_percent: 30,
      enabled: true,
    });
    const replaced = await windback.retentionOffers.upsert("too_expensive", {
      offer_type: "pause",
      title: "Pause for a month",
      cta_text: "Pause",
      pause_days: 30,
    });
    expect(replaced).toMatchObject({ offer_type: "pause", pause_days: 30 });
    expect(await windback.retentionOffers.get("too_expensive")).toEqual(replaced);
    expect(await windback.retentionOffers.get("other")).toBeNull();
    expect((await windback.retentionOffers.list()).map((o) => o.cancel_reason)).toEqual([
      "too_expensive",
    ]);

    const bad = await rejection(
      windback.retentionOffers.upsert("missing_features", {
        offer_type: "discount",
        title: "No percent",
      }),
    );
    expect(bad).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });

    await windback.retentionOffers.delete("too_expensive");
    expect(await windback.retentionOffers.list()).toEqual([]);
    expect(await rejection(windback.retentionOffers.delete("too_expensive"))).toMatchObject({
      status: 404,
    });
  });

  test("stats and timeseries for a period", async () => {
    const stats = await windback.stats.get();
    expect(stats.total_events).toBeGreaterThanOrEqual(230);
    expect(stats.recovered_events).toBe(1);
    expect(stats.lost_events).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await windback.stats.get({ from: tomorrow })).total_events).toBe(0);
    expect((await windback.stats.get({ mode: "test" })).total_events).toBe(0);

    const series = await windback.stats.timeseries({ from: today, to: tomorrow });
    expect(series.interval).toBe("day");
    expect(series.points).toHaveLength(1);
    expect(series.points[0]?.date).toBe(today);
    const reversed = await rejection(windback.stats.timeseries({ from: tomorrow, to: today }));
    expect(reversed).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
  });

  test("allowed origins are set, normalised and read back", async () => {
    expect(await windback.allowedOrigins.get()).toEqual([]);
    expect(await windback.allowedOrigins.set(["https://App.Example.com:443"])).toEqual([
      "https://app.example.com",
    ]);
    expect(await windback.allowedOrigins.get()).toEqual(["https://app.example.com"]);
    const bad = await rejection(windback.allowedOrigins.set(["javascript:alert(1)"]));
    expect(bad).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    await windback.allowedOrigins.set([]);
  });

  test("project get and update; a wrong slug is not found", async () => {
    const project = await windback.project.get();
    expect(project.slug).toBe("default");
    const updated = await windback.project.update({ support_email: "help@example.com" });
    expect(updated.support_email).toBe("help@example.com");
    expect(updated.name).toBe(project.name);

    const wrong = new Windback({
      secretKey: merchant.sk,
      baseUrl: api.baseUrl,
      project: "someone-else",
    });
    expect(await rejection(wrong.project.get())).toMatchObject({ status: 404, code: "NOT_FOUND" });
    const noSlug = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl });
    await expect(noSlug.project.get()).rejects.toThrow(/project's slug/);
  });

  test("track takes one event or a batch", async () => {
    await windback.track({
      event: "plan_viewed",
      customer_email: "ada@example.com",
      properties: { plan: "Pro" },
    });
    await windback.track({ events: [{ event: "a" }, { event: "b", customer_id: "cus_1" }] });
    const tooMany = await windback.track({
      events: Array.from({ length: 101 }, () => ({ event: "x" })),
    });
    expect(tooMany).toEqual({
      accepted: 100,
      rejected: 1,
      error: expect.stringMatching(/at most 100/),
    });
  });

  test("a test key sees test data only", async () => {
    const testMerchant = await createMerchant(api, "test");
    const testClient = new Windback({ secretKey: testMerchant.sk, baseUrl: api.baseUrl });
    expect(testMerchant.sk.startsWith("sk_test_")).toBe(true);
    const event = await testClient.churnEvents.create({ customer_email: "t@example.com", mrr: 5 });
    expect(event.livemode).toBe(false);
    const ids: string[] = [];
    for await (const e of testClient.churnEvents.list()) ids.push(e.id);
    expect(ids).toEqual([event.id]);
    expect(await rejection(testClient.stats.get({ mode: "live" }))).toMatchObject({
      status: 403,
      code: "FORBIDDEN",
    });
  });

  test("the constructor refuses a public key and a bad base URL", () => {
    expect(() => new Windback({ secretKey: merchant.pub, baseUrl: api.baseUrl })).toThrow(
      /secret key/,
    );
    expect(() => new Windback({ secretKey: merchant.sk, baseUrl: "windback.example.com" })).toThrow(
      /absolute URL/,
    );
  });
});
