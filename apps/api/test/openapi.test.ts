import Fastify, { type RouteOptions } from "fastify";
import { afterEach, expect, test } from "vitest";
import { windbackApp } from "../src/app.js";
import { openDatabase } from "../src/db/database.js";
import { buildTestApp, type TestContext, testConfig } from "./helpers.js";

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

test("GET /api/v1/openapi.json documents every API route with its schemas and security", async () => {
  const routes: { method: string; url: string }[] = [];
  const probe = Fastify();
  probe.addHook("onRoute", (r: RouteOptions) => {
    for (const method of [r.method].flat()) {
      if (method !== "HEAD" && r.url.startsWith("/api/v1/") && !r.schema?.hide) {
        routes.push({ method, url: r.url });
      }
    }
  });
  await probe.register(windbackApp, { config: testConfig(), db: openDatabase(":memory:") });
  await probe.ready();
  await probe.close();

  ctx = await buildTestApp();
  const res = await ctx.app.inject({ url: "/api/v1/openapi.json" });
  expect(res.statusCode).toBe(200);
  const doc = res.json();
  expect(doc.openapi).toMatch(/^3\./);
  expect(routes.length).toBeGreaterThan(15);
  for (const { method, url } of routes) {
    const path = url.replace(/:([a-z_]+)/g, "{$1}");
    const operation = doc.paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path}`).toBeDefined();
    expect(Object.keys(operation.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
  }
  const register = doc.paths["/api/v1/auth/register"].post;
  expect(register.requestBody.content["application/json"].schema.required).toEqual(
    expect.arrayContaining(["name", "email", "password"]),
  );
  expect(doc.paths["/api/v1/auth/me"].get.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
  expect(doc.components.securitySchemes).toHaveProperty("apiKey");
});
