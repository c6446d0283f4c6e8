import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../src/config.js";
import { buildTestApp, type TestContext } from "./helpers.js";

const distDir = loadConfig({ DATABASE_PATH: ":memory:" }).widgetDistDir as string;
let ctx: TestContext;

beforeAll(async () => {
  // `pnpm test` builds first; building here keeps this file runnable on its own.
  if (!existsSync(join(distDir, "manifest.json"))) {
    execFileSync("pnpm", ["--filter", "@windback/widget", "build"], { stdio: "inherit" });
  }
  ctx = await buildTestApp({ widgetDistDir: distDir });
}, 180_000);
afterAll(async () => ctx?.app.close());

describe("widget.js on the wire", () => {
  const raw = () => readFileSync(join(distDir, "widget.js"));
  const manifest = () => JSON.parse(readFileSync(join(distDir, "manifest.json"), "utf8"));

  test.each([
    ["br, gzip, deflate", "br"],
    ["gzip", "gzip"],
    ["gzip;q=1, br;q=0", "gzip"],
    ["*", "br"],
  ])("Accept-Encoding %s → %s, byte-identical once decoded", async (accept, encoding) => {
    const res = await ctx.app.inject({ url: "/widget.js", headers: { "accept-encoding": accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.headers.vary).toContain("Accept-Encoding");
    const body = res.rawPayload;
    const decoded = encoding === "br" ? brotliDecompressSync(body) : gunzipSync(body);
    expect(decoded.equals(raw())).toBe(true);
    // What crosses the wire is within the budget the build enforces (12 KB gzip).
    if (encoding === "gzip") expect(body.length).toBeLessThanOrEqual(12 * 1024);
    expect(body.length).toBeLessThan(raw().length / 2);
  });

  test("no Accept-Encoding (or identity only) gets the plain file", async () => {
    for (const headers of [
      {},
      { "accept-encoding": "identity" },
      { "accept-encoding": "br;q=0, gzip;q=0" },
    ]) {
      const res = await ctx.app.inject({ url: "/widget.js", headers });
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.rawPayload.equals(raw())).toBe(true);
    }
  });

  test("each encoding has its own ETag and answers 304 to it", async () => {
    const get = (accept: string, etag?: string) =>
      ctx.app.inject({
        url: `/${manifest().widget.hashedFile}`,
        headers: { "accept-encoding": accept, ...(etag && { "if-none-match": etag }) },
      });
    const br = await get("br");
    const gz = await get("gzip");
    const plain = await get("identity");
    const etags = new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]);
    expect(etags.size).toBe(3);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await get("br", br.headers.etag as string)).statusCode).toBe(304);
    // A gzip ETag does not validate the brotli representation.
    expect((await get("br", gz.headers.etag as string)).statusCode).toBe(200);
  });
});

test("the README's pinned snippet names the current build and its integrity", () => {
  const { widget } = JSON.parse(readFileSync(join(distDir, "manifest.json"), "utf8"));
  const readme = readFileSync(join(distDir, "../../../README.md"), "utf8");
  // When the widget changes, copy the new values that `pnpm build` prints into the README.
  expect(readme).toContain(`/${widget.hashedFile}"`);
  expect(readme).toContain(`integrity="${widget.integrity}"`);
});
