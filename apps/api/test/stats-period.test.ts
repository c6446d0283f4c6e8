import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { bucketStarts, parseBound } from "../src/services/stats.js";
import {
  apiKey,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;

beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
  const offer = await call(ctx, "PUT", "/api/v1/retention-offers/too_expensive", apiKey(t.sk), {
    offer_type: "discount",
    title: "Stay",
    cta_button_text: "Yes",
    discount_percent: 20,
    discount_duration_months: 2,
  });
  expect(offer.statusCode).toBe(201);
});
afterEach(() => ctx.app.close());

/** Moves the test clock to an exact instant. */
function at(iso: string) {
  ctx.clock.advance(Date.parse(iso) - ctx.clock.now());
}

async function submit(email: string, mrr: number) {
  const res = await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(t.sk), {
    customer_email: email,
    cancel_reason: "too_expensive",
    mrr,
  });
  expect(res.statusCode).toBe(200);
  return res.json().event_id as string;
}

const accept = (email: string, id: string) =>
  call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(t.sk), {
    customer_email: email,
    cancel_reason: "too_expensive",
    offer_type: "discount",
    event_id: id,
  });
const markLost = (id: string) => call(ctx, "POST", `/api/v1/churn-events/${id}/lost`, apiKey(t.sk));
const stats = async (query: string) => {
  const res = await call(ctx, "GET", `/api/v1/stats${query}`, apiKey(t.sk));
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
};

/**
 * Three weeks of events: Monday 2026-03-02 … Sunday 2026-03-22 (UTC), one a day at 10:00,
 * every third one saved, every fourth one lost.
 */
async function threeWeeks() {
  for (let day = 0; day < 21; day++) {
    const date = new Date(Date.UTC(2026, 2, 2 + day, 10)).toISOString();
    at(date);
    const email = `c${day}@example.com`;
    const id = await submit(email, 1000 + day);
    if (day % 3 === 0) expect((await accept(email, id)).statusCode).toBe(200);
    else if (day % 4 === 0) expect((await markLost(id)).statusCode).toBe(200);
  }
  at("2026-03-25T12:00:00.000Z");
}

describe("GET …/stats?from=&to=", () => {
  test("only the events created in [from, to) count; without bounds, all time", async () => {
    await threeWeeks();
    const all = await stats("");
    expect(all.cancel_flow.submissions).toBe(21);
    const week2 = await stats("?from=2026-03-09&to=2026-03-16");
    expect(week2.cancel_flow.submissions).toBe(7);
    // Days 7..13: saved 9, 12; lost 8 (not a multiple of 3).
    expect(week2.cancel_flow.offers_accepted).toBe(2);
    expect(week2.lost_events).toBe(1);
    expect(week2.cancel_flow.saved_mrr).toBe(1009 + 1012);
    expect(week2.lost_mrr).toBe(1008);
    // Bounds inside a day cut it exactly (events at 10:00).
    expect((await stats("?from=2026-03-09T10:00:00Z&to=2026-03-10T09:59:59Z")).total_events).toBe(
      1,
    );
    expect((await stats("?from=2026-03-09T10:00:01Z&to=2026-03-10T10:00:01Z")).total_events).toBe(
      1,
    );
    expect(
      (await stats("?from=2026-03-09T11:00:00%2B01:00&to=2026-03-09T11:00:01%2B01:00"))
        .total_events,
    ).toBe(1);
    expect((await stats("?to=2026-03-05")).total_events).toBe(3);
    expect((await stats("?from=2026-03-20")).total_events).toBe(3);
  });

  test.each([
    ["?from=yesterday", "querystring/from must be a day"],
    ["?from=2026-02-30", "querystring/from must be a day"],
    ["?from=2026-03-10&to=2026-03-10", "querystring/from must be before querystring/to"],
    ["?to=2026-13-01", "querystring/to must be a day"],
  ])("%s → 400", async (query, message) => {
    const res = await call(ctx, "GET", `/api/v1/stats${query}`, apiKey(t.sk));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain(message);
  });
});

describe("GET …/stats/timeseries", () => {
  const series = async (query: string) => {
    const res = await call(ctx, "GET", `/api/v1/stats/timeseries${query}`, apiKey(t.sk));
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  };

  test("every day is present, zeros included, and the buckets add up to the period's stats", async () => {
    await threeWeeks();
    const data = await series("?from=2026-02-28&to=2026-03-25");
    expect(data.interval).toBe("day");
    expect(data.points).toHaveLength(25);
    expect(data.points[0]).toEqual({
      date: "2026-02-28",
      submissions: 0,
      offers_shown: 0,
      offers_accepted: 0,
      offers_declined: 0,
      cancelled: 0,
      saved_mrr: 0,
      lost_mrr: 0,
    });
    expect(data.points[2]).toMatchObject({
      date: "2026-03-02",
      submissions: 1,
      offers_accepted: 1,
      saved_mrr: 1000,
    });
    const period = await stats("?from=2026-02-28&to=2026-03-25");
    const sum = (field: string) =>
      data.points.reduce((total: number, p: Record<string, number>) => total + (p[field] ?? 0), 0);
    expect(sum("submissions")).toBe(period.cancel_flow.submissions);
    expect(sum("offers_accepted")).toBe(period.cancel_flow.offers_accepted);
    expect(sum("offers_shown")).toBe(period.cancel_flow.offers_shown);
    expect(sum("cancelled")).toBe(period.lost_events);
    expect(sum("saved_mrr")).toBe(period.cancel_flow.saved_mrr);
    expect(sum("lost_mrr")).toBe(period.lost_mrr);
  });

  test("weeks start on Monday; the first week counts only days from `from`", async () => {
    await threeWeeks();
    const data = await series("?from=2026-03-04&to=2026-03-23&interval=week");
    expect(data.points.map((p: { date: string }) => p.date)).toEqual([
      "2026-03-02",
      "2026-03-09",
      "2026-03-16",
    ]);
    expect(data.points.map((p: { submissions: number }) => p.submissions)).toEqual([5, 7, 7]);
  });

  test("more than 366 buckets, or a reversed period, is a 400", async () => {
    for (const query of [
      "?from=2025-01-01&to=2026-01-03",
      "?from=2026-03-10&to=2026-03-01",
      "?from=2026-03-10",
      "?from=2026-03-01&to=2026-03-10&interval=month",
    ]) {
      const res = await call(ctx, "GET", `/api/v1/stats/timeseries${query}`, apiKey(t.sk));
      expect(res.statusCode, query).toBe(400);
    }
    expect((await series("?from=2025-01-01&to=2026-01-02")).points).toHaveLength(366);
  });
});

describe("period arithmetic", () => {
  test("bounds are UTC instants; a day is its midnight", () => {
    expect(parseBound("2026-03-01", "f")).toBe("2026-03-01T00:00:00.000Z");
    expect(parseBound("2026-03-01T01:30:00+02:00", "f")).toBe("2026-02-28T23:30:00.000Z");
    expect(() => parseBound("2026-02-29", "f")).toThrow(/must be a day/);
  });

  test("a `to` after midnight includes its day", () => {
    const { starts } = bucketStarts("2026-03-01T00:00:00.000Z", "2026-03-03T00:00:01.000Z", "day");
    expect(starts).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
  });
});

test("a period cut inside days counts exactly what a recount of the events finds", async () => {
  await threeWeeks();
  const recount = ctx.db
    .prepare(
      "SELECT count(*) AS n FROM churn_events WHERE created_at >= '2026-03-05T00:00:00.000Z' AND created_at < '2026-03-19T05:00:00.000Z'",
    )
    .get() as { n: number };
  expect((await stats("?from=2026-03-05&to=2026-03-19T05:00:00Z")).total_events).toBe(recount.n);
});
