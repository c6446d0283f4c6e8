import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { redactUrl } from "../src/logger.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  registerAccount,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.app.close();
  ctx = undefined;
});

const register = (body: Record<string, unknown>) =>
  call(
    ctx as TestContext,
    "POST",
    "/api/v1/auth/register",
    {},
    {
      name: "Jane",
      email: "jane@example.com",
      password: "a perfectly fine passphrase",
      ...body,
    },
  );

describe("responses carrying tokens and customer data", () => {
  test("are never cached, sniffed, framed or referred from; HSTS only when the API is served over https", async () => {
    ctx = await buildTestApp();
    const t = await createTenant(ctx);
    for (const res of [
      await register({ email: "other@example.com" }),
      await call(ctx, "GET", "/api/v1/churn-events", apiKey(t.sk)),
      await call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=other", apiKey(t.pub)),
      await call(ctx, "GET", "/api/v1/auth/me", {}),
    ]) {
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["content-security-policy"]).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-permitted-cross-domain-policies"]).toBe("none");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["cross-origin-resource-policy"]).toBe("cross-origin");
      expect(res.headers["strict-transport-security"]).toBeUndefined();
      // A web page's document-only headers mean nothing on JSON.
      expect(res.headers["x-xss-protection"]).toBeUndefined();
      expect(res.headers["origin-agent-cluster"]).toBeUndefined();
    }
    await ctx.app.close();
    ctx = await buildTestApp({ publicUrl: "https://windback.example.org" });
    const res = await call(ctx, "GET", "/api/v1/auth/me", {});
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});

describe("accounts", () => {
  test.each([
    ["markup", "<script>@example.com"],
    ["a NUL byte", "ada\u0000@example.com"],
    ["a control character", "ada\u0007@example.com"],
    ["a quote", 'ada"@example.com'],
    ["no dot in the domain", "ada@localhost"],
  ])("an email with %s is refused", async (_what, email) => {
    ctx = await buildTestApp();
    const res = await register({ email });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("body/email must be an email address, e.g. jane@example.com");
  });

  test.each([
    ["eight spaces", "        ", /not a space/],
    ["a common password", "password123", /most common/],
    ["a common password in capitals", "Password123", /most common/],
  ])("a password of %s is refused", async (_what, password, message) => {
    ctx = await buildTestApp();
    const res = await register({ password });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    const account = await registerAccount(ctx);
    const change = await call(ctx, "POST", "/api/v1/auth/change-password", bearer(account.token), {
      current_password: account.password,
      new_password: password,
    });
    expect(change.statusCode).toBe(400);
  });

  test("REGISTRATION=closed refuses new accounts with 403 and says so to the dashboard", async () => {
    ctx = await buildTestApp({ registration: "closed" });
    const res = await register({});
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("REGISTRATION_CLOSED");
    expect((await call(ctx, "GET", "/api/v1/auth/registration", {})).json()).toEqual({
      data: { open: false },
    });
    await ctx.app.close();
    ctx = await buildTestApp();
    expect((await call(ctx, "GET", "/api/v1/auth/registration", {})).json()).toEqual({
      data: { open: true },
    });
  });
});

describe("bodies", () => {
  test.each([
    ['{"__proto__":{"admin":true}}', "body.__proto__"],
    [
      '{"name":"x","settings":{"constructor":{"prototype":{"a":1}}}}',
      "body.settings.constructor.prototype",
    ],
    ['{"list":[{"__proto__":{}}]}', "body.list[0].__proto__"],
  ])("a prototype-polluting key is refused by name: %s", async (payload, path) => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: `${path} is refused: keys that can change object prototypes are not accepted`,
      code: "INVALID_JSON",
    });
  });
});

describe("logs", () => {
  test("/embed URLs keep only the presentation parameters; keys and tokens are redacted anywhere", () => {
    expect(
      redactUrl(
        "/embed?key=pub_abc&email=ada%40example.com&name=Ada%20Lovelace&plan=Pro&mrr=4900&theme=dark&locale=fr&token=eyJ",
      ),
    ).toBe(
      "/embed?key=[redacted]&email=[redacted]&name=[redacted]&plan=[redacted]&mrr=[redacted]&theme=dark&locale=fr&token=[redacted]",
    );
    expect(redactUrl("/api/v1/x?key=pub_abc&limit=5")).toBe("/api/v1/x?key=[redacted]&limit=5");
  });
});

describe("files", () => {
  test("the data directory is created 0700 and the database and its WAL are 0600", async () => {
    const root = mkdtempSync(join(tmpdir(), "windback-modes-"));
    try {
      const dir = join(root, "data");
      const path = join(dir, "windback.db");
      const storage = createSqliteStorage(path);
      await storage.repos.users.createWithProject(
        { id: "u1", name: "J", email: "j@example.com", passwordHash: "x" },
        { id: "p1", userId: "u1", name: "Default", slug: "default", supportEmail: null },
        new Date().toISOString(),
      );
      const mode = (file: string) => statSync(file).mode & 0o777;
      expect(mode(dir)).toBe(0o700);
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      await storage.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
