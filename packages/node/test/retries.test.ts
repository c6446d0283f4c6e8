import { afterEach, describe, expect, test } from "vitest";
import { parseRetryAfter } from "../src/http.js";
import { Windback, WindbackError } from "../src/index.js";
import { createMerchant, startTestApi, type TestApi } from "./support/api.js";
import { sendJson, startStub } from "./support/stub.js";

const SK = `sk_${"a".repeat(43)}`;
const rateLimited = { error: "Too many requests", code: "RATE_LIMITED" };
const unavailable = { error: "Storage is unavailable", code: "SERVICE_UNAVAILABLE" };
const event = { data: { id: "e1", status: "new" } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function stub(handler: Parameters<typeof startStub>[0]) {
  const server = await startStub(handler);
  closers.push(server.close);
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<WindbackError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WindbackError);
  return error as WindbackError;
}

describe("retries (local stub)", () => {
  test("a GET answered 429 waits Retry-After, then succeeds", async () => {
    const server = await stub((_req, res, i) =>
      i === 0 ? sendJson(res, 429, rateLimited, { "retry-after": "1" }) : sendJson(res, 200, event),
    );
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    const started = Date.now();
    expect(await windback.churnEvents.get("e1")).toEqual(event.data);
    expect(server.requests).toHaveLength(2);
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5000);
    // The secret key goes in X-API-Key, to the API's versioned path.
    expect(server.requests[0]?.headers["x-api-key"]).toBe(SK);
    expect(server.requests[0]?.url).toBe("/api/v1/churn-events/e1");
  });

  test("retries are bounded by maxRetries and the last error is thrown", async () => {
    const server = await stub((_req, res) =>
      sendJson(res, 503, unavailable, { "retry-after": "0" }),
    );
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl, maxRetries: 3 });
    const error = await rejection(windback.stats.get());
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: 0 });
    expect(server.requests).toHaveLength(4);

    const none = new Windback({ secretKey: SK, baseUrl: server.baseUrl, maxRetries: 0 });
    await rejection(none.stats.get());
    expect(server.requests).toHaveLength(5);
  });

  test("a Retry-After longer than the cap fails at once with retryAfter", async () => {
    const server = await stub((_req, res) =>
      sendJson(res, 429, rateLimited, { "retry-after": "120" }),
    );
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    const started = Date.now();
    const error = await rejection(windback.retentionOffers.list());
    expect(error).toMatchObject({ status: 429, code: "RATE_LIMITED", retryAfter: 120 });
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("a non-idempotent POST is never retried after a 503, but is after a 429", async () => {
    const server = await stub((_req, res) => sendJson(res, 503, unavailable));
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    await rejection(windback.churnEvents.create({ customer_email: "a@example.com", mrr: 1 }));
    await rejection(windback.churnEvents.markLost("e1"));
    await rejection(windback.track({ event: "x" }));
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST", "POST"]);

    const limited = await stub((_req, res, i) =>
      i === 0 ? sendJson(res, 429, rateLimited, { "retry-after": "0" }) : sendJson(res, 201, event),
    );
    const again = new Windback({ secretKey: SK, baseUrl: limited.baseUrl });
    expect(await again.churnEvents.create({ customer_email: "a@example.com", mrr: 1 })).toEqual(
      event.data,
    );
    expect(limited.requests).toHaveLength(2);
    expect(JSON.parse(limited.requests[1]?.body ?? "")).toEqual({
      customer_email: "a@example.com",
      mrr: 1,
    });
  });

  test("PUT, DELETE and the idempotent POSTs are retried after a 503", async () => {
    const server = await stub((req, res, i) => {
      if (i % 2 === 0) return sendJson(res, 503, unavailable, { "retry-after": "0" });
      if (req.method === "DELETE") {
        res.writeHead(204).end();
        return;
      }
      return sendJson(
        res,
        200,
        req.url?.includes("allowed-origins")
          ? { allowed_origins: [] }
          : { success: true, message: "ok", event_id: "e1" },
      );
    });
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    await windback.allowedOrigins.set([]);
    await windback.retentionOffers.delete("other");
    await windback.cancelFlow.acceptOffer({
      customer_email: "a@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
    });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "PUT /api/v1/auth/allowed-origins",
      "PUT /api/v1/auth/allowed-origins",
      "DELETE /api/v1/retention-offers/other",
      "DELETE /api/v1/retention-offers/other",
      "POST /api/v1/cancel-flow/accept-offer",
      "POST /api/v1/cancel-flow/accept-offer",
    ]);
  });

  test("Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter("Wed, 02 Dec 2026 12:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Wed, 02 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("failures without a Windback answer", () => {
  test("an answer that is not the API's JSON is INVALID_RESPONSE", async () => {
    const server = await stub((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>");
    });
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    expect(await rejection(windback.stats.get())).toMatchObject({
      status: 502,
      code: "INVALID_RESPONSE",
    });
  });

  test("no server is NETWORK_ERROR, no answer in time is TIMEOUT; neither is retried", async () => {
    const gone = await startStub(() => {});
    await gone.close();
    const offline = new Windback({ secretKey: SK, baseUrl: gone.baseUrl });
    expect(await rejection(offline.stats.get())).toMatchObject({
      status: 0,
      code: "NETWORK_ERROR",
    });

    const silent = await stub(() => {});
    const slow = new Windback({ secretKey: SK, baseUrl: silent.baseUrl, timeoutMs: 200 });
    expect(await rejection(slow.stats.get())).toMatchObject({ status: 0, code: "TIMEOUT" });
    expect(silent.requests).toHaveLength(1);
  });
});

describe("redirects", () => {
  test("are not followed, so the secret key never goes to another address", async () => {
    const elsewhere = await stub((_req, res) => sendJson(res, 200, event));
    const server = await stub((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.baseUrl}/api/v1/stats` }).end();
    });
    const windback = new Windback({ secretKey: SK, baseUrl: server.baseUrl });
    expect(await rejection(windback.stats.get())).toMatchObject({
      status: 0,
      code: "NETWORK_ERROR",
    });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe("webhook endpoints and the Stripe integration (docs/design.md §9, §10 paths, local stub)", () => {
  test("each method calls its route under the project", async () => {
    const delivery = { id: "d 1", status: "failed" };
    const server = await stub((req, res) => {
      if (req.method === "DELETE") {
        res.writeHead(204).end();
        return;
      }
      const url = new URL(req.url, "http://stub");
      if (req.method === "GET" && url.pathname.endsWith("/webhook-endpoints")) {
        return sendJson(res, 200, { data: [{ id: "w1" }], total: 1, limit: 1, offset: 0 });
      }
      if (url.pathname.endsWith("/deliveries")) {
        // Two pages of one.
        const offset = Number(url.searchParams.get("offset"));
        const data = [{ ...delivery, id: `d${offset}` }];
        return sendJson(res, 200, { data, total: 2, limit: 1, offset });
      }
      sendJson(res, req.method === "POST" ? 201 : 200, { data: { id: "w1" } });
    });
    const windback = new Windback({
      secretKey: SK,
      baseUrl: `${server.baseUrl}/`,
      project: "acme",
    });
    const hooks = windback.webhookEndpoints;
    await hooks.create({ url: "https://example.com/hook", event_types: ["churn_event.lost"] });
    expect(await hooks.list()).toEqual([{ id: "w1" }]);
    await hooks.get("w1");
    await hooks.update("w1", { enabled: true });
    await hooks.rotateSecret("w1");
    await hooks.sendTest("w1");
    const deliveries: string[] = [];
    for await (const d of hooks.listDeliveries("w1", { pageSize: 1 })) deliveries.push(d.id);
    expect(deliveries).toEqual(["d0", "d1"]);
    await hooks.redeliver("w1", "d 1");
    await hooks.delete("w1");
    await windback.integrations.stripe.set("whsec_abc12345");
    await windback.integrations.stripe.get();
    await windback.integrations.stripe.delete();
    const p = "/api/v1/projects/acme";
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${p}/webhook-endpoints`,
      `GET ${p}/webhook-endpoints`,
      `GET ${p}/webhook-endpoints/w1`,
      `PATCH ${p}/webhook-endpoints/w1`,
      `POST ${p}/webhook-endpoints/w1/rotate-secret`,
      `POST ${p}/webhook-endpoints/w1/test`,
      `GET ${p}/webhook-endpoints/w1/deliveries?limit=1&offset=0`,
      `GET ${p}/webhook-endpoints/w1/deliveries?limit=1&offset=1`,
      `POST ${p}/webhook-endpoints/w1/deliveries/d%201/redeliver`,
      `DELETE ${p}/webhook-endpoints/w1`,
      `PUT ${p}/integrations/stripe`,
      `GET ${p}/integrations/stripe`,
      `DELETE ${p}/integrations/stripe`,
    ]);
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({
      url: "https://example.com/hook",
      event_types: ["churn_event.lost"],
    });
    expect(JSON.parse(server.requests[3]?.body ?? "")).toEqual({ enabled: true });
    expect(JSON.parse(server.requests[10]?.body ?? "")).toEqual({
      webhook_secret: "whsec_abc12345",
    });
  });
});

describe("rate limits of the real API", () => {
  let api: TestApi;
  afterEach(async () => {
    await api?.close();
  });

  test("the cancel-flow budget answers RATE_LIMITED with Retry-After; the SDK waits it out", async () => {
    api = await startTestApi({
      rateLimits: {
        general: { max: 10_000, windowMs: 60_000 },
        auth: { max: 10_000, windowMs: 60_000 },
        cancelFlow: { max: 2, windowMs: 1500 },
        cancelFlowKeyCeiling: { max: 100_000, windowMs: 15_000 },
        track: { max: 10_000, windowMs: 60_000 },
      },
    });
    const merchant = await createMerchant(api);
    const noRetries = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl, maxRetries: 0 });
    expect(await noRetries.cancelFlow.getOffer("too_expensive")).toBeNull();
    expect(await noRetries.cancelFlow.getOffer("too_expensive")).toBeNull();
    const error = await rejection(noRetries.cancelFlow.getOffer("too_expensive"));
    expect(error).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error.retryAfter).toBeLessThanOrEqual(2);

    const patient = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl });
    const started = Date.now();
    expect(await patient.cancelFlow.getOffer("too_expensive")).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});
