import { SignJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, test, vi } from "vitest";
import { JWT_AUDIENCE, JWT_ISSUER, JWT_LIFETIME_SECONDS } from "../src/auth/jwt.js";
import {
  bearer,
  buildTestApp,
  registerAccount,
  TEST_JWT_SECRET,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

const me = (token: string) => ctx.app.inject({ url: "/api/v1/auth/me", headers: bearer(token) });

describe("register", () => {
  test("creates the account, a session and the Default project; trims and lower-cases the email", async () => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: {
        name: "  Jane Doe ",
        email: "  Jane.Doe@Example.COM ",
        password: "long enough pw",
      },
    });
    expect(res.statusCode).toBe(201);
    const { user, token } = res.json().data;
    expect(user).toEqual({
      id: expect.any(String),
      name: "Jane Doe",
      email: "jane.doe@example.com",
      created_at: "2026-01-15T12:00:00.000Z",
    });
    expect(res.json().data).not.toHaveProperty("user.password_hash");
    const projects = await ctx.app.inject({ url: "/api/v1/projects", headers: bearer(token) });
    expect(projects.json().data).toEqual([
      expect.objectContaining({ name: "Default", slug: "default", allowed_origins: [] }),
    ]);
    // Only an argon2id hash is stored.
    const row = ctx.db.prepare("SELECT password_hash FROM users").get() as {
      password_hash: string;
    };
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  test("a duplicate email (in any case) is 409 EMAIL_TAKEN", async () => {
    ctx = await buildTestApp();
    const payload = { name: "A", email: "dup@example.com", password: "long enough pw" };
    const first = await ctx.app.inject({ method: "POST", url: "/api/v1/auth/register", payload });
    expect(first.statusCode).toBe(201);
    const second = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { ...payload, email: " DUP@example.com" },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({ error: expect.any(String), code: "EMAIL_TAKEN" });
  });

  test("two concurrent registrations of one email give one 201 and one 409, never a 500", async () => {
    ctx = await buildTestApp();
    const payload = { name: "A", email: "race@example.com", password: "long enough pw" };
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        ctx.app.inject({ method: "POST", url: "/api/v1/auth/register", payload }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const count = ctx.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number };
    expect(count.n).toBe(1);
  });

  test.each([
    [{ email: "a@example.com", password: "long enough pw" }, /name/],
    [{ name: "A", password: "long enough pw" }, /email/],
    [{ name: "A", email: "not-an-email", password: "long enough pw" }, /email/],
    [{ name: "A", email: "a@example.com", password: "short" }, /password/],
    [{ name: "A", email: "a@example.com", password: "x".repeat(1025) }, /password/],
    [{ name: "   ", email: "a@example.com", password: "long enough pw" }, /name/],
    [{ name: 42, email: "a@example.com", password: "long enough pw" }, /name/],
  ])("rejects %j with a 400 naming the field", async (payload, field) => {
    ctx = await buildTestApp();
    const res = await ctx.app.inject({ method: "POST", url: "/api/v1/auth/register", payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(res.json().error).toMatch(field);
  });
});

describe("login", () => {
  test("returns a session for the right password, with the email in any case", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: ` ${account.email.toUpperCase()} `, password: account.password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.user.id).toBe(account.userId);
    expect((await me(res.json().data.token)).statusCode).toBe(200);
  });

  test("an unknown email still runs one argon2 verification (against a dummy hash)", async () => {
    ctx = await buildTestApp();
    const dummy = vi.spyOn(ctx.app.passwords, "verifyDummy");
    const real = vi.spyOn(ctx.app.passwords, "verify");
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "nobody@example.com", password: "wrong password!" },
    });
    expect(res.statusCode).toBe(401);
    expect(dummy).toHaveBeenCalledTimes(1);
    expect(real).not.toHaveBeenCalled();
  });

  test("unknown email and wrong password get the same status and body", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const wrong = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: account.email, password: "wrong password!" },
    });
    const unknown = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "nobody@example.com", password: "wrong password!" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(wrong.json()).toEqual({
      error: "Invalid email or password",
      code: "INVALID_CREDENTIALS",
    });
  });
});

describe("change-password", () => {
  test("older tokens stop working, the new token and password work, the old password does not", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/change-password",
      headers: bearer(account.token),
      payload: { current_password: account.password, new_password: "a brand new password" },
    });
    expect(res.statusCode).toBe(200);
    expect((await me(account.token)).statusCode).toBe(401);
    expect((await me(res.json().data.token)).statusCode).toBe(200);
    const oldLogin = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: account.email, password: account.password },
    });
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: account.email, password: "a brand new password" },
    });
    expect(newLogin.statusCode).toBe(200);
  });

  test("a wrong current password is refused and changes nothing", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/change-password",
      headers: bearer(account.token),
      payload: { current_password: "not my password", new_password: "a brand new password" },
    });
    expect(res.statusCode).toBe(400);
    expect((await me(account.token)).statusCode).toBe(200);
  });
});

describe("JWT verification", () => {
  const secret = TEST_JWT_SECRET;
  const nowSeconds = () => Math.floor(ctx.clock.now() / 1000);

  async function signed(
    userId: string,
    mutate: (jwt: SignJWT) => SignJWT,
    key: Uint8Array = secret,
    alg = "HS256",
  ) {
    const base = new SignJWT({ ver: 1 })
      .setProtectedHeader({ alg })
      .setSubject(userId)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(nowSeconds())
      .setExpirationTime(nowSeconds() + 3600);
    return mutate(base).sign(key);
  }

  test("a well-formed token built by hand is accepted (so the rejections below are meaningful)", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    expect((await me(await signed(account.userId, (j) => j))).statusCode).toBe(200);
  });

  const cases: [string, (userId: string) => Promise<string>][] = [
    [
      "alg none",
      async (userId) =>
        new UnsecuredJWT({ ver: 1 })
          .setSubject(userId)
          .setIssuer(JWT_ISSUER)
          .setAudience(JWT_AUDIENCE)
          .setIssuedAt(nowSeconds())
          .setExpirationTime(nowSeconds() + 3600)
          .encode(),
    ],
    ["HS512 with the same secret", (userId) => signed(userId, (j) => j, secret, "HS512")],
    [
      "a wrong secret",
      (userId) =>
        signed(
          userId,
          (j) => j,
          new TextEncoder().encode("another-secret-that-is-32-bytes-long!!"),
        ),
    ],
    [
      "expired",
      (userId) =>
        signed(userId, (j) =>
          j.setIssuedAt(nowSeconds() - 7200).setExpirationTime(nowSeconds() - 60),
        ),
    ],
    [
      "no exp",
      async (userId) =>
        new SignJWT({ ver: 1 })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(userId)
          .setIssuer(JWT_ISSUER)
          .setAudience(JWT_AUDIENCE)
          .setIssuedAt(nowSeconds())
          .sign(secret),
    ],
    [
      "no sub",
      async () =>
        new SignJWT({ ver: 1 })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer(JWT_ISSUER)
          .setAudience(JWT_AUDIENCE)
          .setIssuedAt(nowSeconds())
          .setExpirationTime(nowSeconds() + 3600)
          .sign(secret),
    ],
    ["a wrong iss", (userId) => signed(userId, (j) => j.setIssuer("someone-else"))],
    ["a wrong aud", (userId) => signed(userId, (j) => j.setAudience("another-app"))],
    ["malformed", async () => "not.a.jwt"],
    ["garbage", async () => "%%%%"],
    ["an unknown user", () => signed("00000000-0000-0000-0000-000000000000", (j) => j)],
  ];

  test.each(cases)("%s → 401 INVALID_TOKEN", async (_name, make) => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const res = await me(await make(account.userId));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_TOKEN");
  });

  test("a token issued before a password change → 401, even within the same second", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/change-password",
      headers: bearer(account.token),
      payload: { current_password: account.password, new_password: "a brand new password" },
    });
    const res = await me(account.token);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_TOKEN");
  });

  test("tokens last 7 days: valid just before, refused just after", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    ctx.clock.advance(JWT_LIFETIME_SECONDS * 1000 - 5_000);
    expect((await me(account.token)).statusCode).toBe(200);
    ctx.clock.advance(10_000);
    expect((await me(account.token)).statusCode).toBe(401);
  });

  test("an invalid JWT is not rescued by a valid X-API-Key (no fallback)", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(account.token),
      payload: { key_type: "secret" },
    });
    const res = await ctx.app.inject({
      url: "/api/v1/auth/me",
      headers: { authorization: "Bearer not.a.jwt", "x-api-key": created.json().data.key },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_TOKEN");
  });
});
