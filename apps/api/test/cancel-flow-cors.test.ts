import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
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
const SHOP = "https://shop.example.com";
const EVIL = "https://evil.example.net";
const EXPOSED = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";

beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
  await call(ctx, "PUT", "/api/v1/retention-offers/too_expensive", bearer(t.account.token), {
    offer_type: "pause",
    title: "Pause",
    cta_button_text: "Pause",
    pause_days: 30,
  });
});
afterEach(async () => ctx.app.close());

const setOrigins = (origins: string[]) =>
  call(ctx, "PUT", "/api/v1/auth/allowed-origins", bearer(t.account.token), {
    allowed_origins: origins,
  });
const preflight = (url: string, origin: string | undefined, method = "POST") =>
  ctx.app.inject({
    method: "OPTIONS",
    url,
    headers: {
      ...(origin !== undefined && { origin }),
      "access-control-request-method": method,
      "access-control-request-headers": "content-type,x-api-key",
    },
  });
const CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-allow-credentials",
  "access-control-expose-headers",
  "access-control-max-age",
];
const corsHeadersOf = (headers: Record<string, unknown>) =>
  Object.fromEntries(CORS_HEADERS.filter((h) => h in headers).map((h) => [h, headers[h]]));
const eventsTotal = async () =>
  (await call(ctx, "GET", "/api/v1/churn-events", bearer(t.account.token))).json().total;

describe("preflight", () => {
  test.each([
    "/api/v1/cancel-flow/submit",
    "/api/v1/cancel-flow/offers?reason=too_expensive",
    "/api/v1/cancel-flow/accept-offer",
    "/api/v1/cancel-flow/decline",
    "/api/v1/track",
  ])("%s: exact origin, pinned methods and headers, no credentials, max-age 600", async (url) => {
    // Even with a list that does not include the origin: a preflight cannot know the project.
    await setOrigins([SHOP]);
    const res = await preflight(url, EVIL);
    expect(res.statusCode).toBe(204);
    expect(corsHeadersOf(res.headers)).toEqual({
      "access-control-allow-origin": EVIL,
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "Content-Type, X-API-Key, Authorization",
      "access-control-expose-headers": EXPOSED,
      "access-control-max-age": "600",
    });
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    expect(res.body).toBe("");
  });

  test.each([
    ["Origin: null", "null"],
    ["a malformed origin", "https://shop.example.com/path"],
    ["a non-http scheme", "chrome-extension://abcdef"],
    ["no Origin", undefined],
  ])("%s is refused: no CORS headers", async (_name, origin) => {
    const res = await preflight("/api/v1/cancel-flow/submit", origin);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });

  test.each([
    "/api/v1/churn-events",
    "/api/v1/retention-offers/too_expensive",
    "/api/v1/stats",
    "/api/v1/auth/login",
    "/api/v1/projects",
  ])("dashboard route %s gets no CORS at all", async (url) => {
    const res = await preflight(url, SHOP);
    expect(corsHeadersOf(res.headers)).toEqual({});
    const real = await call(ctx, "GET", "/api/v1/stats", {
      ...bearer(t.account.token),
      origin: SHOP,
    });
    expect(real.statusCode).toBe(200);
    expect(corsHeadersOf(real.headers)).toEqual({});
  });
});

describe("origin guard on real requests", () => {
  const submit = (origin: string | undefined, key = t.pub) =>
    call(
      ctx,
      "POST",
      "/api/v1/cancel-flow/submit",
      { ...apiKey(key), ...(origin !== undefined && { origin }) },
      {
        customer_email: "ann@example.com",
        cancel_reason: "too_expensive",
      },
    );

  test("an allowed origin gets its exact origin back, Vary: Origin and the exposed headers", async () => {
    await setOrigins([SHOP, "http://localhost:3000"]);
    const res = await submit(SHOP);
    expect(res.statusCode).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({
      "access-control-allow-origin": SHOP,
      "access-control-expose-headers": EXPOSED,
    });
    expect(res.headers.vary).toBe("Origin");
    const local = await call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=too_expensive", {
      ...apiKey(t.pub),
      origin: "http://localhost:3000",
    });
    expect(local.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
  });

  test("an empty list allows any origin", async () => {
    const res = await submit(EVIL);
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe(EVIL);
  });

  test("no Origin header (a merchant's server) passes without CORS headers", async () => {
    await setOrigins([SHOP]);
    const res = await submit(undefined, t.sk);
    expect(res.statusCode).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });

  test("the API's own origin (the /embed page) is always allowed", async () => {
    await setOrigins([SHOP]);
    const res = await submit("http://localhost:8787");
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:8787");
  });

  const refused: [string, string, string[]][] = [
    ["a disallowed origin", EVIL, [SHOP]],
    ["a look-alike origin", "https://shop.example.com.evil.net", [SHOP]],
    ["another port", "https://shop.example.com:8443", [SHOP]],
    ["http instead of https", "http://shop.example.com", [SHOP]],
    ["Origin: null with a list", "null", [SHOP]],
    ["Origin: null with an empty list", "null", []],
    ["a malformed Origin with an empty list", "https://shop.example.com/", []],
  ];
  test.each(refused)(
    "%s → 403 ORIGIN_NOT_ALLOWED before any project data is read or written",
    async (_n, origin, list) => {
      await setOrigins(list);
      const offers = vi.spyOn(ctx.app.repos.offers, "findEnabledByReason");
      const writes = [
        vi.spyOn(ctx.app.repos.churnEvents, "submit"),
        vi.spyOn(ctx.app.repos.churnEvents, "acceptOffer"),
        vi.spyOn(ctx.app.repos.churnEvents, "decline"),
        vi.spyOn(ctx.app.repos.trackEvents, "insertMany"),
      ];
      const headers = { ...apiKey(t.pub), origin };
      const requests = [
        call(ctx, "POST", "/api/v1/cancel-flow/submit", headers, {
          customer_email: "a@example.com",
          cancel_reason: "too_expensive",
        }),
        call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=too_expensive", headers),
        call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", headers, {
          customer_email: "a@example.com",
          cancel_reason: "too_expensive",
          offer_type: "pause",
        }),
        call(ctx, "POST", "/api/v1/cancel-flow/decline", headers, {
          event_id: "00000000-0000-4000-8000-000000000000",
        }),
        call(ctx, "POST", "/api/v1/track", headers, { event: "x" }),
        // A text/plain "simple request" is refused by the guard before its body is even parsed.
        ctx.app.inject({
          method: "POST",
          url: "/api/v1/cancel-flow/submit",
          headers: { ...headers, "content-type": "text/plain" },
          payload: JSON.stringify({
            customer_email: "a@example.com",
            cancel_reason: "too_expensive",
          }),
        }),
      ];
      for (const res of await Promise.all(requests)) {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toEqual({ error: expect.any(String), code: "ORIGIN_NOT_ALLOWED" });
        expect(corsHeadersOf(res.headers)).toEqual({});
      }
      expect(offers).not.toHaveBeenCalled();
      for (const spy of writes) expect(spy).not.toHaveBeenCalled();
      // Verified through the API as well: nothing exists.
      expect(await eventsTotal()).toBe(0);
      const stats = (await call(ctx, "GET", "/api/v1/stats", bearer(t.account.token))).json().data;
      expect(stats.cancel_flow.submissions).toBe(0);
      vi.restoreAllMocks();
    },
  );

  test("errors after the guard stay readable on an allowed origin (400, 404, 415)", async () => {
    await setOrigins([SHOP]);
    const headers = { ...apiKey(t.pub), origin: SHOP };
    const bad = await call(ctx, "POST", "/api/v1/cancel-flow/submit", headers, {
      customer_email: "a@example.com",
      cancel_reason: "nope",
    });
    const missing = await call(ctx, "POST", "/api/v1/cancel-flow/decline", headers, {
      event_id: "00000000-0000-4000-8000-000000000000",
    });
    const plain = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/submit",
      headers: { ...headers, "content-type": "text/plain" },
      payload: "{}",
    });
    for (const [res, status] of [
      [bad, 400],
      [missing, 404],
      [plain, 415],
    ] as const) {
      expect(res.statusCode).toBe(status);
      expect(res.headers["access-control-allow-origin"]).toBe(SHOP);
      expect(res.headers["access-control-expose-headers"]).toBe(EXPOSED);
    }
  });

  test("an invalid key is a 401 without CORS headers (the widget sees a network error and lets the customer cancel)", async () => {
    const res = await call(
      ctx,
      "POST",
      "/api/v1/cancel-flow/submit",
      { ...apiKey(`pub_${"x".repeat(43)}`), origin: SHOP },
      {
        customer_email: "a@example.com",
        cancel_reason: "too_expensive",
      },
    );
    expect(res.statusCode).toBe(401);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });
});
