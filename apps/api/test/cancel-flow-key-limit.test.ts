import { afterEach, beforeEach, expect, test, vi } from "vitest";
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

// @fastify/rate-limit's LocalStore reads Date.now(): fake only Date, so time moves when we say.
let ctx: TestContext;
let t: Tenant;
const SHOP = "https://shop.example.com";

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-01-15T12:00:00.000Z"));
  ctx = await buildTestApp({
    rateLimits: { ...testConfig().rateLimits, cancelFlow: { max: 10, windowMs: 15_000 } },
  });
  t = await createTenant(ctx);
});
afterEach(async () => {
  await ctx.app.close();
  vi.useRealTimers();
});

/** One request to each cancel-flow route in turn: the budget is shared by all of them. */
function cancelFlowRequest(i: number, key: string, origin = SHOP) {
  const headers = { ...apiKey(key), origin };
  switch (i % 4) {
    case 0:
      return call(ctx, "POST", "/api/v1/cancel-flow/submit", headers, {
        customer_email: `c${i}@example.com`,
        cancel_reason: "too_expensive",
      });
    case 1:
      return call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=other", headers);
    case 2:
      return call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", headers, {
        customer_email: `c${i}@example.com`,
        cancel_reason: "too_expensive",
        offer_type: "discount",
      });
    default:
      return call(ctx, "POST", "/api/v1/cancel-flow/decline", headers, {
        event_id: "00000000-0000-4000-8000-000000000000",
      });
  }
}

const preflight = () =>
  ctx.app.inject({
    method: "OPTIONS",
    url: "/api/v1/cancel-flow/submit",
    headers: { origin: SHOP, "access-control-request-method": "POST" },
  });

test("10 requests per 15 s per key across every cancel-flow route; the 11th is a readable 429", async () => {
  // Preflights are answered before any limiter: they spend nothing.
  for (let i = 0; i < 15; i++) expect((await preflight()).statusCode).toBe(204);

  for (let i = 0; i < 10; i++) {
    const res = await cancelFlowRequest(i, t.pub);
    expect(res.statusCode, `request ${i + 1}`).not.toBe(429);
    expect(res.headers["x-ratelimit-limit"]).toBe("10");
    expect(res.headers["x-ratelimit-remaining"]).toBe(String(9 - i));
  }

  vi.setSystemTime(Date.now() + 4_000);
  const limited = await cancelFlowRequest(10, t.pub);
  expect(limited.statusCode).toBe(429);
  expect(limited.json()).toEqual({
    error: expect.stringMatching(/retry in 11 seconds/),
    code: "RATE_LIMITED",
  });
  expect(limited.headers["retry-after"]).toBe("11");
  expect(limited.headers["x-ratelimit-limit"]).toBe("10");
  expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
  expect(limited.headers["x-ratelimit-reset"]).toBe("11");
  // The guard ran first, so the widget can read the 429 and its headers.
  expect(limited.headers["access-control-allow-origin"]).toBe(SHOP);
  expect(limited.headers["access-control-expose-headers"]).toContain("Retry-After");

  // Every route shares the budget.
  for (let i = 11; i < 15; i++) expect((await cancelFlowRequest(i, t.pub)).statusCode).toBe(429);

  // Another key, even of the same project, has its own budget.
  expect((await cancelFlowRequest(100, t.sk)).statusCode).toBe(200);
  const other = await createTenant(ctx, "Other");
  expect((await cancelFlowRequest(104, other.pub)).statusCode).toBe(200);

  // /track is outside the cancel-flow budget (only the per-IP limit applies).
  const track = await call(
    ctx,
    "POST",
    "/api/v1/track",
    { ...apiKey(t.pub), origin: SHOP },
    { event: "x" },
  );
  expect(track.statusCode).toBe(200);

  // The dashboard is unaffected.
  expect((await call(ctx, "GET", "/api/v1/stats", bearer(t.account.token))).statusCode).toBe(200);

  // The window passes: the budget is back.
  vi.setSystemTime(Date.now() + 11_000);
  const back = await cancelFlowRequest(108, t.pub);
  expect(back.statusCode).toBe(200);
  expect(back.headers["x-ratelimit-remaining"]).toBe("9");
});

test("a disallowed origin cannot burn the merchant's budget", async () => {
  await call(ctx, "PUT", "/api/v1/auth/allowed-origins", bearer(t.account.token), {
    allowed_origins: [SHOP],
  });
  for (let i = 0; i < 30; i++) {
    const res = await cancelFlowRequest(i, t.pub, "https://evil.example.net");
    expect(res.statusCode).toBe(403);
  }
  for (let i = 0; i < 10; i++) expect((await cancelFlowRequest(i, t.pub)).statusCode).not.toBe(429);
  expect((await cancelFlowRequest(10, t.pub)).statusCode).toBe(429);
});

test("the limit follows the authenticated key id, not the raw header spelling", async () => {
  for (let i = 0; i < 5; i++) expect((await cancelFlowRequest(1, t.pub)).statusCode).toBe(200);
  for (let i = 0; i < 5; i++) {
    const res = await call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=other", {
      authorization: `Bearer ${t.pub}`,
      origin: SHOP,
    });
    expect(res.statusCode).toBe(200);
  }
  expect((await cancelFlowRequest(1, t.pub)).statusCode).toBe(429);
});
