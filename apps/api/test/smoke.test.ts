import { afterEach, expect, test } from "vitest";
import { bearer, buildTestApp, createKey, registerAccount, type TestContext } from "./helpers.js";

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

test("register, me, create key", async () => {
  ctx = await buildTestApp();
  const account = await registerAccount(ctx);
  const me = await ctx.app.inject({ url: "/api/v1/auth/me", headers: bearer(account.token) });
  expect(me.statusCode).toBe(200);
  const key = await createKey(ctx, account.token, "secret");
  const viaKey = await ctx.app.inject({
    url: "/api/v1/auth/me",
    headers: { "x-api-key": key.key },
  });
  expect(viaKey.json()).toEqual(me.json());
  const openapi = await ctx.app.inject({ url: "/api/v1/openapi.json" });
  expect(openapi.statusCode).toBe(200);
});
