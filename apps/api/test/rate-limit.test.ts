import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { bearer, buildTestApp, type TestContext, testConfig } from "./helpers.js";

let ctx: TestContext;
// @fastify/rate-limit's in-memory store reads Date.now(): faking only Date moves its windows.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-01-15T12:00:00Z") });
});
afterEach(async () => {
  await ctx?.app.close();
  vi.useRealTimers();
});

describe("general per-IP limit", () => {
  test("the request after the budget gets 429 with the JSON body and headers; the window resets", async () => {
    ctx = await buildTestApp({
      rateLimits: {
        ...testConfig().rateLimits,
        general: { max: 5, windowMs: 60_000 },
        auth: { max: 100, windowMs: 60_000 },
        cancelFlow: { max: 10, windowMs: 15_000 },
      },
    });
    const hit = (ip = "10.0.0.1") => ctx.app.inject({ url: "/api/v1/auth/me", remoteAddress: ip });
    for (let i = 1; i <= 5; i++) {
      const res = await hit();
      expect(res.statusCode).toBe(401);
      expect(res.headers["x-ratelimit-limit"]).toBe("5");
      expect(res.headers["x-ratelimit-remaining"]).toBe(String(5 - i));
    }
    const limited = await hit();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: "Too many requests; retry in 60 seconds",
      code: "RATE_LIMITED",
    });
    expect(limited.headers["retry-after"]).toBe("60");
    expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
    expect(limited.headers["x-ratelimit-reset"]).toBe("60");
    // Another client is unaffected, /health is never limited, and unknown routes are limited too.
    expect((await hit("10.0.0.2")).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: "/health", remoteAddress: "10.0.0.1" })).statusCode).toBe(
      200,
    );
    expect(
      (await ctx.app.inject({ url: "/api/v1/nope", remoteAddress: "10.0.0.1" })).statusCode,
    ).toBe(429);

    vi.advanceTimersByTime(59_000);
    expect((await hit()).statusCode).toBe(429);
    vi.advanceTimersByTime(1_001);
    expect((await hit()).statusCode).toBe(401);
  });
});

describe("auth limit", () => {
  test("register and login share one stricter budget per IP", async () => {
    ctx = await buildTestApp({
      rateLimits: {
        ...testConfig().rateLimits,
        general: { max: 1000, windowMs: 60_000 },
        auth: { max: 3, windowMs: 60_000 },
        cancelFlow: { max: 10, windowMs: 15_000 },
      },
    });
    const login = () =>
      ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "x@example.com", password: "whatever1" },
        remoteAddress: "10.0.0.9",
      });
    const register = (n: number) =>
      ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/register",
        payload: { name: "N", email: `n${n}@example.com`, password: "long enough" },
        remoteAddress: "10.0.0.9",
      });
    expect((await register(1)).statusCode).toBe(201);
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    const limited = await register(2);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe("RATE_LIMITED");
    expect(limited.headers["retry-after"]).toBe("60");
    expect((await login()).statusCode).toBe(429);
    // Nothing was written by the refused registration.
    const users = ctx.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number };
    expect(users.n).toBe(1);
    // Other routes still work for that IP.
    const account = await registerAccountFrom("10.0.0.10");
    const me = await ctx.app.inject({
      url: "/api/v1/auth/me",
      headers: bearer(account),
      remoteAddress: "10.0.0.9",
    });
    expect(me.statusCode).toBe(200);
    vi.advanceTimersByTime(60_001);
    expect((await login()).statusCode).toBe(401);
  });
});

describe("auth limit over IPv6", () => {
  test("addresses of one /64 share the budget; another /64 has its own", async () => {
    ctx = await buildTestApp({
      rateLimits: {
        ...testConfig().rateLimits,
        general: { max: 1000, windowMs: 60_000 },
        auth: { max: 3, windowMs: 60_000 },
        cancelFlow: { max: 10, windowMs: 15_000 },
      },
    });
    const login = (ip: string) =>
      ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "x@example.com", password: "whatever1" },
        remoteAddress: ip,
      });
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await login(`2001:db8:0:1::${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await login("2001:db8:0:2::1")).statusCode).toBe(401);
  });
});

async function registerAccountFrom(ip: string): Promise<string> {
  const res = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { name: "Other", email: "other@example.com", password: "long enough" },
    remoteAddress: ip,
  });
  return res.json().data.token;
}
