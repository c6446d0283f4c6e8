import { afterEach, describe, expect, test } from "vitest";
import {
  type Account,
  bearer,
  buildTestApp,
  call,
  registerAccount,
  type TestContext,
} from "./helpers.js";

const DAY = 24 * 60 * 60 * 1000;
const OWN_ORIGIN = "http://localhost:8787";
let ctx: TestContext;
afterEach(() => ctx.app.close());

async function signIn(account: Account) {
  const res = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/auth/session",
    payload: { email: account.email, password: account.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === "windback_session");
  if (!cookie) throw new Error("no session cookie");
  return { res, cookie, header: `windback_session=${cookie.value}` };
}

const me = (cookieHeader: string) =>
  ctx.app.inject({ url: "/api/v1/auth/me", headers: { cookie: cookieHeader } });

describe("cookie sessions", () => {
  test("signing in sets an opaque, HttpOnly, SameSite=Lax cookie whose value is never stored", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const { res, cookie, header } = await signIn(account);
    expect(res.json()).toEqual({
      data: {
        user: {
          id: account.userId,
          name: "Jane",
          email: account.email,
          created_at: expect.any(String),
        },
      },
    });
    expect(res.json().data).not.toHaveProperty("token");
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      maxAge: 7 * 24 * 3600,
    });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(ctx.db.prepare("SELECT * FROM sessions").all());
    expect(stored).not.toContain(cookie.value);
    expect((await me(header)).json().data.id).toBe(account.userId);
  });

  test("Secure when PUBLIC_URL is https", async () => {
    ctx = await buildTestApp({ publicUrl: "https://windback.example.org" });
    const { cookie } = await signIn(await registerAccount(ctx));
    expect(cookie.secure).toBe(true);
  });

  test("bad credentials answer exactly like login, and share its budget", async () => {
    ctx = await buildTestApp({
      rateLimits: {
        general: { max: 10_000, windowMs: 60_000 },
        auth: { max: 4, windowMs: 60_000 },
        cancelFlow: { max: 10, windowMs: 15_000 },
        cancelFlowKeyCeiling: { max: 600, windowMs: 15_000 },
        track: { max: 60, windowMs: 60_000 },
      },
    });
    const account = await registerAccount(ctx); // 1 of 4
    const wrong = { email: account.email, password: "not the password" };
    const session = await call(ctx, "POST", "/api/v1/auth/session", {}, wrong); // 2
    const login = await call(ctx, "POST", "/api/v1/auth/login", {}, wrong); // 3
    expect(session.statusCode).toBe(401);
    expect(session.json()).toEqual(login.json());
    expect(session.json().code).toBe("INVALID_CREDENTIALS");
    expect(session.cookies).toEqual([]);
    expect((await call(ctx, "POST", "/api/v1/auth/session", {}, wrong)).statusCode).toBe(401); // 4
    expect((await call(ctx, "POST", "/api/v1/auth/session", {}, wrong)).statusCode).toBe(429);
  });

  test("the expiry slides with use: 7 days after the last use, not after sign-in", async () => {
    ctx = await buildTestApp();
    const { header } = await signIn(await registerAccount(ctx));
    ctx.clock.advance(6 * DAY);
    const renewed = await me(header);
    expect(renewed.statusCode).toBe(200);
    // The cookie goes out again with a fresh Max-Age.
    expect(renewed.cookies.find((c) => c.name === "windback_session")?.maxAge).toBe(7 * 24 * 3600);
    ctx.clock.advance(6 * DAY);
    expect((await me(header)).statusCode).toBe(200);
    ctx.clock.advance(7 * DAY + 1000);
    const ended = await me(header);
    expect(ended.statusCode).toBe(401);
    expect(ended.json().code).toBe("INVALID_TOKEN");
  });

  test("logging out ends the session: the old cookie gets 401", async () => {
    ctx = await buildTestApp();
    const { header } = await signIn(await registerAccount(ctx));
    const out = await ctx.app.inject({
      method: "DELETE",
      url: "/api/v1/auth/session",
      headers: { cookie: header, origin: OWN_ORIGIN },
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === "windback_session")?.value).toBe("");
    expect((await me(header)).statusCode).toBe(401);
  });

  test("a password change ends every session of the account, and its older JWTs", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const laptop = await signIn(account);
    const phone = await signIn(account);
    const change = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/change-password",
      headers: { cookie: laptop.header, origin: OWN_ORIGIN },
      payload: { current_password: account.password, new_password: "a brand new passphrase" },
    });
    expect(change.statusCode).toBe(200);
    expect(change.cookies.find((c) => c.name === "windback_session")?.value).toBe("");
    expect((await me(laptop.header)).statusCode).toBe(401);
    expect((await me(phone.header)).statusCode).toBe(401);
    expect((await call(ctx, "GET", "/api/v1/auth/me", bearer(account.token))).statusCode).toBe(401);
  });

  test("a malformed or unknown cookie is a 401 without a database lookup of garbage", async () => {
    ctx = await buildTestApp();
    for (const value of ["x", "a".repeat(43), "../../etc/passwd"]) {
      expect((await me(`windback_session=${value}`)).statusCode).toBe(401);
    }
  });
});

describe("CSRF: a change made with the cookie must come from the dashboard, with a JSON body", () => {
  const create = (
    headers: Record<string, string>,
    payload: string | undefined,
    type = "application/json",
  ) =>
    ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { ...headers, ...(payload !== undefined && { "content-type": type }) },
      ...(payload !== undefined && { payload }),
    });

  test.each([
    ["another origin", { origin: "https://evil.example" }, '{"name":"X"}', undefined],
    ["no origin and no fetch metadata", {}, '{"name":"X"}', undefined],
    ["cross-site fetch metadata", { "sec-fetch-site": "cross-site" }, '{"name":"X"}', undefined],
    ["a text/plain form body", { origin: OWN_ORIGIN }, "name=X", "text/plain"],
    ["no body", { origin: OWN_ORIGIN }, undefined, undefined],
  ])(
    "refused from %s → 403 CSRF_REJECTED, nothing written",
    async (_what, extra, payload, type) => {
      ctx = await buildTestApp();
      const { header } = await signIn(await registerAccount(ctx));
      const res = await create({ cookie: header, ...extra }, payload, type);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("CSRF_REJECTED");
      const projects = ctx.db.prepare("SELECT count(*) AS n FROM projects").get() as { n: number };
      expect(projects.n).toBe(1); // only the Default project of registration
    },
  );

  test("accepted from the dashboard's origin or same-origin fetch metadata; reads need neither", async () => {
    ctx = await buildTestApp();
    const account = await registerAccount(ctx);
    const { header } = await signIn(account);
    expect((await create({ cookie: header, origin: OWN_ORIGIN }, '{"name":"A"}')).statusCode).toBe(
      201,
    );
    expect(
      (await create({ cookie: header, "sec-fetch-site": "same-origin" }, '{"name":"B"}'))
        .statusCode,
    ).toBe(201);
    const read = await ctx.app.inject({
      url: "/api/v1/projects",
      headers: { cookie: header, origin: "https://evil.example" },
    });
    expect(read.statusCode).toBe(200);
    // A Bearer JWT is not a cookie: API clients from anywhere keep working as before.
    const bearerCall = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { ...bearer(account.token), origin: "https://elsewhere.example" },
      payload: { name: "C" },
    });
    expect(bearerCall.statusCode).toBe(201);
  });
});
