/**
 * What a public key allows, tried as an attacker would (the key is on every merchant page, and
 * no `Origin` header is needed outside a browser). Each test replays a finding of the abuse
 * review and checks that a real customer and the merchant's numbers come to no harm.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
  testConfig,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;

const REAL = "203.0.113.10";
const ATTACKER = "198.51.100.66";

function fromAddress(
  address: string,
  method: "GET" | "POST",
  url: string,
  key: string,
  payload?: unknown,
) {
  return ctx.app.inject({
    method,
    url,
    remoteAddress: address,
    headers: apiKey(key),
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}

const submit = (address: string, body: Record<string, unknown>, key = t.pub) =>
  fromAddress(address, "POST", "/api/v1/cancel-flow/submit", key, {
    cancel_reason: "too_expensive",
    ...body,
  });

async function putOffer() {
  const res = await call(
    ctx,
    "PUT",
    "/api/v1/projects/default/retention-offers/too_expensive",
    bearer(t.account.token),
    {
      offer_type: "discount",
      title: "Stay for 30% less",
      cta_button_text: "Claim",
      discount_percent: 30,
      discount_duration_months: 3,
    },
  );
  expect(res.statusCode).toBe(201);
}

async function eventOf(id: string) {
  const res = await call(ctx, "GET", `/api/v1/churn-events/${id}`, apiKey(t.sk));
  expect(res.statusCode).toBe(200);
  return res.json().data;
}

afterEach(async () => {
  await ctx.app.close();
  vi.useRealTimers();
});

describe("a budget no one can spend for others", () => {
  beforeEach(async () => {
    // @fastify/rate-limit's store reads Date.now(): fake only Date, so time moves when we say.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-15T12:00:00.000Z"));
    ctx = await buildTestApp({
      rateLimits: {
        ...testConfig().rateLimits,
        cancelFlow: { max: 10, windowMs: 15_000 },
        cancelFlowKeyCeiling: { max: 600, windowMs: 15_000 },
      },
    });
    t = await createTenant(ctx);
  });

  test("an abuser at 1 request/s is limited; a real customer every 3 s always gets through", async () => {
    const abuser: number[] = [];
    const real: number[] = [];
    for (let second = 0; second < 60; second++) {
      const res = await fromAddress(
        ATTACKER,
        "GET",
        "/api/v1/cancel-flow/offers?reason=other",
        t.pub,
      );
      abuser.push(res.statusCode);
      if (second % 3 === 0) {
        // A different customer of the merchant each time, from their own address.
        const customer = `198.18.${second}.1`;
        real.push(
          (await submit(customer, { customer_email: `c${second}@example.com` })).statusCode,
        );
      }
      vi.setSystemTime(Date.now() + 1_000);
    }
    expect(real).toHaveLength(20);
    expect(real.every((status) => status === 200)).toBe(true);
    expect(abuser.filter((status) => status === 429).length).toBeGreaterThan(10);
  });

  test("the per-key ceiling stops a flood from many addresses; another key is unaffected", async () => {
    await ctx.app.close();
    ctx = await buildTestApp({
      rateLimits: {
        ...testConfig().rateLimits,
        cancelFlow: { max: 10, windowMs: 15_000 },
        cancelFlowKeyCeiling: { max: 25, windowMs: 15_000 },
      },
    });
    t = await createTenant(ctx);
    const other = await createTenant(ctx, "Other");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await fromAddress(
        `10.1.${i}.1`,
        "GET",
        "/api/v1/cancel-flow/offers?reason=other",
        t.pub,
      );
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(25).every((s) => s === 429)).toBe(true);
    const otherKey = await fromAddress(
      "10.9.9.9",
      "GET",
      "/api/v1/cancel-flow/offers?reason=other",
      other.pub,
    );
    expect(otherKey.statusCode).toBe(200);
  });

  test("requests refused for bad input spend no budget", async () => {
    for (let i = 0; i < 15; i++) {
      const bad = await submit(REAL, { customer_email: "not an email at all", mrr: "lots" });
      expect(bad.statusCode).toBe(400);
    }
    for (let i = 0; i < 10; i++) {
      const ok = await submit(REAL, { customer_email: `fine${i}@example.com` });
      expect(ok.statusCode, `request ${i + 1}`).toBe(200);
    }
    expect((await submit(REAL, { customer_email: "late@example.com" })).statusCode).toBe(429);
  });

  test("a server with the secret key has a budget per customer it names", async () => {
    for (let i = 0; i < 12; i++) {
      const res = await submit("10.0.0.1", { customer_email: `server${i}@example.com` }, t.sk);
      expect(res.statusCode, `customer ${i}`).toBe(200);
    }
  });
});

describe("a flow belongs to the client that started it", () => {
  beforeEach(async () => {
    ctx = await buildTestApp();
    t = await createTenant(ctx);
    await putOffer();
  });

  test("the tampering sequence leaves the real customer's event, reason and feedback alone", async () => {
    const real = await submit(REAL, {
      customer_email: "ada@example.com",
      cancel_reason_text: "We are cutting costs",
      mrr: 4900,
    });
    expect(real.statusCode).toBe(200);
    const realId = real.json().event_id;

    // The attacker submits the same email from elsewhere: an ordinary new answer, no 202.
    const forged = await submit(ATTACKER, {
      customer_email: "ada@example.com",
      cancel_reason_text: "forged feedback",
    });
    expect(forged.statusCode).toBe(200);
    expect(forged.json().event_id).not.toBe(realId);

    // Accepting the real customer's event by id from elsewhere: as if it did not exist.
    const byId = await fromAddress(ATTACKER, "POST", "/api/v1/cancel-flow/accept-offer", t.pub, {
      customer_email: "ada@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: realId,
    });
    expect(byId.statusCode).toBe(404);
    const decline = await fromAddress(ATTACKER, "POST", "/api/v1/cancel-flow/decline", t.pub, {
      event_id: realId,
    });
    expect(decline.statusCode).toBe(404);

    // An offer type the merchant never configured is refused, even on one's own event.
    const pause = await fromAddress(ATTACKER, "POST", "/api/v1/cancel-flow/accept-offer", t.pub, {
      customer_email: "ada@example.com",
      cancel_reason: "too_expensive",
      offer_type: "pause",
    });
    expect(pause.statusCode).toBe(400);

    const untouched = await eventOf(realId);
    expect(untouched).toMatchObject({
      status: "new",
      cancel_reason: "too_expensive",
      cancel_reason_text: "We are cutting costs",
      offer_declined: false,
      offer_terms: { offer_type: "discount", discount_percent: 30, discount_duration_months: 3 },
      mrr_verified: false,
    });
  });

  test("the real customer accepts the served offer: the event records those terms", async () => {
    const real = await submit(REAL, { customer_email: "bob@example.com", mrr: 2900 });
    const accepted = await fromAddress(REAL, "POST", "/api/v1/cancel-flow/accept-offer", t.pub, {
      customer_email: "bob@example.com",
      cancel_reason: "other",
      offer_type: "discount",
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().event_id).toBe(real.json().event_id);
    // The reason sent with the accept ("other") never rewrites the event's.
    expect(await eventOf(real.json().event_id)).toMatchObject({
      status: "offer_accepted",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      offer_terms: { offer_type: "discount", discount_percent: 30 },
    });
  });

  test("known and unknown emails get the same answer from another client", async () => {
    await submit(REAL, { customer_email: "known@example.com" });
    const known = await submit(ATTACKER, { customer_email: "known@example.com" });
    const unknown = await submit(ATTACKER, { customer_email: "unknown@example.com" });
    expect(known.statusCode).toBe(unknown.statusCode);
    const shape = (body: Record<string, unknown>) => ({ ...body, event_id: typeof body.event_id });
    expect(shape(known.json())).toEqual(shape(unknown.json()));
  });

  test("browser MRR is a claim: above the project's limit it is refused, below it is kept apart", async () => {
    const huge = await submit(ATTACKER, {
      customer_email: "rich@example.com",
      mrr: 10_000_000_000,
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error).toMatch(/max_claimed_mrr/);

    const claimed = await submit(REAL, { customer_email: "claim@example.com", mrr: 900_000 });
    await fromAddress(REAL, "POST", "/api/v1/cancel-flow/accept-offer", t.pub, {
      customer_email: "claim@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: claimed.json().event_id,
    });
    // The merchant's server reports a verified MRR with the secret key.
    const verified = await submit(
      "10.0.0.1",
      { customer_email: "paid@example.com", mrr: 5000 },
      t.sk,
    );
    await fromAddress("10.0.0.1", "POST", "/api/v1/cancel-flow/accept-offer", t.sk, {
      customer_email: "paid@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: verified.json().event_id,
    });
    const stats = (await call(ctx, "GET", "/api/v1/stats", apiKey(t.sk))).json().data;
    expect(stats.cancel_flow.saved_mrr).toBe(905_000);
    expect(stats.claimed_mrr).toEqual({
      total_mrr_at_risk: 0,
      recovered_mrr: 900_000,
      saved_mrr: 900_000,
    });

    // The limit is the merchant's to set.
    const lowered = await call(ctx, "PATCH", "/api/v1/projects/default", bearer(t.account.token), {
      max_claimed_mrr: 1000,
    });
    expect(lowered.json().data.max_claimed_mrr).toBe(1000);
    expect((await submit(REAL, { customer_email: "x@example.com", mrr: 1001 })).statusCode).toBe(
      400,
    );
    expect((await submit(REAL, { customer_email: "y@example.com", mrr: 1000 })).statusCode).toBe(
      200,
    );
    // A server's MRR is not a claim: no limit applies to it.
    expect(
      (await submit("10.0.0.1", { customer_email: "z@example.com", mrr: 50_000_000 }, t.sk))
        .statusCode,
    ).toBe(200);
  });
});

describe("/track is bounded", () => {
  const track = (key: string, address: string, events: unknown[]) =>
    fromAddress(address, "POST", "/api/v1/track", key, { events });

  test("per key and client: 60 requests a minute by default, then 429; another client is unaffected", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    ctx = await buildTestApp({
      rateLimits: { ...testConfig().rateLimits, track: { max: 60, windowMs: 60_000 } },
    });
    t = await createTenant(ctx);
    for (let i = 0; i < 60; i++) {
      expect((await track(t.pub, ATTACKER, [{ event: "e" }])).statusCode, `request ${i + 1}`).toBe(
        200,
      );
    }
    const limited = await track(t.pub, ATTACKER, [{ event: "e" }]);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["x-ratelimit-limit"]).toBe("60");
    expect((await track(t.pub, REAL, [{ event: "e" }])).statusCode).toBe(200);
  });

  test("a project's storage quota: once full, events are refused (still 200) and nothing is stored", async () => {
    ctx = await buildTestApp({ trackQuotaBytes: 20_000 });
    t = await createTenant(ctx);
    const big = { event: "big", properties: { blob: "x".repeat(4000) } };
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await track(t.pub, REAL, [big]));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const stored = results.map((r) => Number(r.headers["x-windback-track-accepted"]));
    expect(stored.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(stored.slice(4)).toEqual([0, 0, 0, 0]);
    expect(results[7]?.headers["x-windback-track-error"]).toMatch(/quota/);
    expect((await ctx.storage.repos.trackEvents.usage(await projectIdOf(t))).events).toBe(4);
  });
});

async function projectIdOf(tenant: Tenant): Promise<string> {
  const res = await call(ctx, "GET", "/api/v1/projects/default", apiKey(tenant.sk));
  return res.json().data.id;
}
