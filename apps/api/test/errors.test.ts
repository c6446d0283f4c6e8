import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import { buildServer } from "../src/app.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import {
  bearer,
  buildTestApp,
  createKey,
  registerAccount,
  TestClock,
  type TestContext,
  testConfig,
} from "./helpers.js";

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

const isJsonError = (body: string) => {
  const parsed = JSON.parse(body);
  return typeof parsed.error === "string" && typeof parsed.code === "string";
};

describe("client errors are JSON 4xx, never 500", () => {
  test("unknown route → JSON 404", async () => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({ url: "/api/v1/nope?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: "Route GET /api/v1/nope not found", code: "NOT_FOUND" });
  });

  test("a body over 100 KB → 413", async () => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "a@example.com", password: "x".repeat(101 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("PAYLOAD_TOO_LARGE");
  });

  test.each([
    ["text/plain", "hello"],
    ["application/x-www-form-urlencoded", "email=a%40example.com&password=x"],
    ["multipart/form-data; boundary=x", "--x--"],
    ["application/xml", "<a/>"],
  ])("Content-Type %s → 415", async (type, payload) => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      headers: { "content-type": type },
      payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const users = ctx.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number };
    expect(users.n).toBe(0);
  });

  test.each([
    ["malformed JSON", '{"email":'],
    ["an empty body", ""],
    ["prototype poisoning", '{"__proto__":{"admin":true},"email":"a@b.co","password":"12345678"}'],
    ["constructor poisoning", '{"constructor":{"prototype":{"admin":true}}}'],
    ["a JSON array", "[1,2,3]"],
    ["a JSON string", '"hello"'],
    ["null", "null"],
  ])("%s → 400 with a JSON error", async (_name, payload) => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(isJsonError(res.body)).toBe(true);
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  test("wrong types are reported, not coerced", async () => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: ["a@example.com"], password: 12345678 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: "body/email must be string", code: "VALIDATION_FAILED" });
  });

  test("a bad path parameter is a 400, a bad uuid in a key id too", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const slug = await ctx.app.inject({
      url: "/api/v1/projects/NOT_A_SLUG",
      headers: bearer(token),
    });
    expect(slug.statusCode).toBe(400);
    const id = await ctx.app.inject({
      method: "DELETE",
      url: "/api/v1/api-keys/not-a-uuid",
      headers: bearer(token),
    });
    expect(id.statusCode).toBe(400);
    expect(id.json().error).toMatch(/params\/id/);
  });

  test("a malformed Authorization header is a 401, not a 500", async () => {
    ctx = await buildTestApp();
    for (const authorization of ["Basic abc", "Bearer", "Bearer a b", "bearer    "]) {
      const res = await ctx.app.inject({ url: "/api/v1/auth/me", headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe("storage faults → 503, and recovery", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a locked database (SQLITE_BUSY) → 503 with Retry-After; works again once released", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-busy-"));
    const path = join(dir, "windback.db");
    const storage = createSqliteStorage(path, { busyTimeoutMs: 50 });
    const clock = new TestClock();
    const app = await buildServer({ config: testConfig(), storage, clock });
    ctx = { app, storage, db: storage.db, clock };
    const { token } = await registerAccount(ctx);
    const sk = (await createKey(ctx, token, "secret")).key;

    const locker = new Database(path);
    locker.exec("BEGIN IMMEDIATE");
    const create = () =>
      app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name: "Locked" },
      });
    const locked = await create();
    expect(locked.statusCode).toBe(503);
    expect(locked.headers["retry-after"]).toBe("1");
    expect(locked.json().code).toBe("SERVICE_UNAVAILABLE");
    // Reads still work under the lock, with a key whose last_used_at is due for a write.
    ctx.clock.advance(120_000);
    const read = await app.inject({ url: "/api/v1/auth/me", headers: { "x-api-key": sk } });
    expect(read.statusCode).toBe(200);
    locker.exec("ROLLBACK");
    locker.close();
    expect((await create()).statusCode).toBe(201);
    await storage.close();
  });

  test("a full disk (SQLITE_FULL) → 503; works again once space is back", async () => {
    dir = mkdtempSync(join(tmpdir(), "windback-full-"));
    const storage = createSqliteStorage(join(dir, "windback.db"));
    const { db } = storage;
    const app = await buildServer({ config: testConfig(), storage, clock: new TestClock() });
    ctx = { app, storage, db, clock: new TestClock() };
    const { token } = await registerAccount(ctx);
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const create = (name: string) =>
      app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name: `${name} ${"x".repeat(150)}` },
      });
    let full = await create("a");
    for (let i = 0; full.statusCode === 201 && i < 200; i++) full = await create(`p${i}`);
    expect(full.statusCode).toBe(503);
    expect(full.json().code).toBe("SERVICE_UNAVAILABLE");
    db.pragma("max_page_count = 1073741823");
    expect((await create("after")).statusCode).toBe(201);
    await storage.close();
  });
});

describe("logging", () => {
  test("keys, tokens and passwords never reach the log", async () => {
    const lines: string[] = [];
    const storage = createSqliteStorage(":memory:");
    const app = await buildServer({
      config: testConfig({ logLevel: "trace" }),
      storage,
      logStream: { write: (line: string) => void lines.push(line) },
    });
    ctx = { app, storage, db: storage.db, clock: new TestClock() };
    const { token, password } = await registerAccount(ctx);
    const key = await app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: bearer(token),
      payload: { key_type: "secret" },
    });
    const raw = key.json().data.key as string;
    await app.inject({ url: "/api/v1/auth/me", headers: { "x-api-key": raw } });
    await app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${raw}` } });
    await app.inject({ url: `/embed?key=${raw}&email=jane%40example.com` });
    await app.inject({
      method: "POST",
      url: "/api/v1/auth/change-password",
      headers: bearer(token),
      payload: { current_password: password, new_password: "new password 123" },
    });
    const log = lines.join("\n");
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain("/api/v1/auth/me");
    for (const secret of [token, raw, password, "new password 123", "jane%40example.com"]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe("the request log line", () => {
  const linesAt = async (logLevel: "info" | "warn") => {
    const lines: string[] = [];
    const storage = createSqliteStorage(":memory:");
    const app = await buildServer({
      config: testConfig({ logLevel }),
      storage,
      logStream: { write: (line: string) => void lines.push(line) },
    });
    ctx = { app, storage, db: storage.db, clock: new TestClock() };
    await app.inject({ url: "/health?token=abc&limit=5" });
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  test("at info: one JSON line per request, pino's shape and bindings, the URL redacted", async () => {
    const done = (await linesAt("info")).filter((l) => l.msg === "request completed");
    expect(done).toHaveLength(1);
    expect(done[0]).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: process.pid,
      hostname: expect.any(String),
      reqId: expect.any(String),
      req: {
        method: "GET",
        url: "/health?token=[redacted]&limit=5",
        host: "localhost:80",
        remoteAddress: "127.0.0.1",
      },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      msg: "request completed",
    });
  });

  test("at warn: no request line", async () => {
    expect((await linesAt("warn")).filter((l) => l.msg === "request completed")).toEqual([]);
  });
});

describe("router and parser edge cases keep the error contract", () => {
  test("a malformed percent-encoding → 400 JSON, an over-long path segment → 414 JSON", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const bad = await ctx.app.inject({ url: "/api/v1/churn-events/%ZZ", headers: bearer(token) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: expect.stringMatching(/percent-encoding/),
      code: "VALIDATION_FAILED",
    });
    const long = await ctx.app.inject({
      url: `/api/v1/projects/${"a".repeat(300)}`,
      headers: bearer(token),
    });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({ error: expect.any(String), code: "VALIDATION_FAILED" });
  });

  test("Content-Type: application/json with no body is 'no body' on a bodiless POST", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/churn-events",
      headers: bearer(token),
      payload: { customer_email: "c@example.com", mrr: 100 },
    });
    const res = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/churn-events/${created.json().data.id}/recovered`,
      headers: { ...bearer(token), "content-type": "application/json" },
      payload: "",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.status).toBe("recovered");
    // A route that needs a body still says so, by name.
    const login = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: "  ",
    });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toEqual({ error: "body must be object", code: "VALIDATION_FAILED" });
  });

  test.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])(
    "a cancel reason named %s (an Object.prototype member) is a 400, never a 500",
    async (reason) => {
      ctx = await buildTestApp();
      const { token } = await registerAccount(ctx);
      const pub = (await createKey(ctx, token, "public")).key;
      const offers = await ctx.app.inject({
        url: `/api/v1/cancel-flow/offers?reason=${reason}`,
        headers: { "x-api-key": pub },
      });
      const submit = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/cancel-flow/submit",
        headers: { "x-api-key": pub },
        payload: { customer_email: "c@example.com", cancel_reason: reason },
      });
      const put = await ctx.app.inject({
        method: "PUT",
        url: `/api/v1/retention-offers/${reason}`,
        headers: bearer(token),
        payload: { offer_type: "pause", title: "t", cta_button_text: "c", pause_days: 30 },
      });
      const create = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/churn-events",
        headers: bearer(token),
        payload: { customer_email: "c@example.com", mrr: 1, cancel_reason: reason },
      });
      for (const res of [offers, submit, put, create]) {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().code).toBe("VALIDATION_FAILED");
      }
    },
  );
});
