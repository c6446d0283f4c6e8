import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { buildTestApp, type TestContext } from "./helpers.js";

let root: string;
let dashboard: string;
let widget: string;
let ctx: TestContext | undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "windback-dashboard-"));
  dashboard = join(root, "dashboard");
  widget = join(root, "widget");
  mkdirSync(join(dashboard, "assets"), { recursive: true });
  mkdirSync(widget, { recursive: true });
  writeFileSync(
    join(dashboard, "index.html"),
    "<!doctype html><title>Windback</title><div id=app></div>",
  );
  writeFileSync(join(dashboard, "assets", "index-3f9a1c2b.js"), "console.log('app')");
  writeFileSync(
    join(widget, "manifest.json"),
    JSON.stringify({ widget: { hashedFile: "widget.abc.js" } }),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await ctx?.app.close();
  ctx = undefined;
});

test("GET / goes to the dashboard; the app shell is never cached and deep links get it too", async () => {
  ctx = await buildTestApp({ dashboardDistDir: dashboard, widgetDistDir: widget });
  const home = await ctx.app.inject({ url: "/" });
  expect(home.statusCode).toBe(302);
  expect(home.headers.location).toBe("/dashboard/");
  expect((await ctx.app.inject({ url: "/dashboard" })).headers.location).toBe("/dashboard/");
  for (const url of [
    "/dashboard/",
    "/dashboard/projects/acme/analytics?period=7d",
    "/dashboard/login",
  ]) {
    const res = await ctx.app.inject({ url });
    expect(res.statusCode, url).toBe(200);
    expect(res.body).toContain("<div id=app>");
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
  }
});

test("hashed assets are immutable; anything else under assets/ is a 404", async () => {
  ctx = await buildTestApp({ dashboardDistDir: dashboard, widgetDistDir: widget });
  const asset = await ctx.app.inject({ url: "/dashboard/assets/index-3f9a1c2b.js" });
  expect(asset.statusCode).toBe(200);
  expect(asset.body).toBe("console.log('app')");
  expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(String(asset.headers["content-type"])).toMatch(/javascript/);
  for (const url of ["/dashboard/assets/missing.js", "/dashboard/assets/..%2Findex.html"]) {
    expect((await ctx.app.inject({ url })).statusCode, url).toBe(404);
  }
});

test("the widget's build manifest is served for the SRI snippet", async () => {
  ctx = await buildTestApp({ dashboardDistDir: dashboard, widgetDistDir: widget });
  const res = await ctx.app.inject({ url: "/dashboard/widget-manifest.json" });
  expect(res.json()).toEqual({ widget: { hashedFile: "widget.abc.js" } });
});

test("without a build the dashboard answers 503 with the reason; DASHBOARD_ENABLED=false serves nothing", async () => {
  ctx = await buildTestApp({ dashboardDistDir: join(root, "missing"), widgetDistDir: null });
  const res = await ctx.app.inject({ url: "/dashboard/" });
  expect(res.statusCode).toBe(503);
  expect(res.json().error).toMatch(/not built/);
  await ctx.app.close();
  ctx = await buildTestApp({ dashboardDistDir: null });
  expect((await ctx.app.inject({ url: "/dashboard/" })).statusCode).toBe(404);
});
