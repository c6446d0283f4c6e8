import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify, { type RouteOptions } from "fastify";
import openapiTS, { astToString } from "openapi-typescript";
import { afterEach, expect, test } from "vitest";
import { windbackApp } from "../src/app.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import { buildTestApp, type TestContext, testConfig } from "./helpers.js";

const OPENAPI_DIR = join(import.meta.dirname, "../openapi");

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
  await probe.register(windbackApp, {
    config: testConfig(),
    storage: createSqliteStorage(":memory:"),
  });
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

test("the committed openapi/openapi.json and openapi/types.ts are what the API serves", async () => {
  ctx = await buildTestApp();
  const served = (await ctx.app.inject({ url: "/api/v1/openapi.json" })).json();
  const committed = JSON.parse(readFileSync(join(OPENAPI_DIR, "openapi.json"), "utf8"));
  const stale = "out of date: run `pnpm build && pnpm --filter @windback/api openapi:write`";
  expect(served, `openapi/openapi.json is ${stale}`).toEqual(committed);
  const types = astToString(await openapiTS(committed));
  expect(
    readFileSync(join(OPENAPI_DIR, "types.ts"), "utf8"),
    `openapi/types.ts is ${stale}`,
  ).toContain(types);
});

test("every operation has an id, a summary, a 4xx response and a security declaration", async () => {
  ctx = await buildTestApp();
  const doc = (await ctx.app.inject({ url: "/api/v1/openapi.json" })).json();
  const ids = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(typeof op.operationId, where).toBe("string");
      expect(ids.has(op.operationId as string), `${where}: duplicate operationId`).toBe(false);
      ids.add(op.operationId as string);
      expect(typeof op.summary, where).toBe("string");
      expect(
        Object.keys(op.responses as object).some((s) => s.startsWith("4")),
        where,
      ).toBe(true);
      expect(Array.isArray(op.security), where).toBe(true);
    }
  }
  // Public operations say so explicitly.
  expect(doc.paths["/api/v1/auth/login"].post.security).toEqual([]);
  expect(doc.components.schemas).toHaveProperty("ChurnEvent");
  expect(doc.info.license).toEqual({ name: "MIT", identifier: "MIT" });
});
