/**
 * The widget's public assets (routes/widget/index.ts): the three bundles and their hashed twins,
 * the translations, and the `/embed` page. The first part registers the routes on a bare Fastify
 * with a dist folder shaped like the build's, so each header and error path is tested without a
 * build; the second part serves the real build through the whole app.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../src/config.js";
import { loggerOptions } from "../src/logger.js";
import { widgetRoutes } from "../src/routes/widget/index.js";
import { buildTestApp, type TestContext, testConfig } from "./helpers.js";

const KEY = "pub_AAAAAAAAAAAAAAAAAAAAAAAA";
const OPEN_KEY = "pub_BBBBBBBBBBBBBBBBBBBBBBBB";
const BODIES = {
  widget: "console.log('widget')",
  ui: "console.log('ui')",
  embed: "console.log('embed')",
  "frame-host": "console.log('frame-host')",
};
const hash8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

/** A dist folder shaped like the build's, so the routes are tested without building. */
function writeDist(dir: string) {
  mkdirSync(join(dir, "locales"), { recursive: true });
  const manifest: Record<string, { file: string; hashedFile: string }> = {};
  for (const [name, body] of Object.entries(BODIES)) {
    writeFileSync(join(dir, `${name}.js`), body);
    manifest[name] = { file: `${name}.js`, hashedFile: `${name}.${hash8(body)}.js` };
  }
  writeFileSync(join(dir, "locales", "fr.json"), '{"dir":"ltr"}');
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
}

async function allowedOriginsForPublicKey(raw: string) {
  if (raw === KEY) return ["https://app.acme.com", "http://localhost:3000"];
  if (raw === OPEN_KEY) return [];
  return null;
}

describe("the asset routes, on a dist folder shaped like the build's", () => {
  let dist: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "windback-dist-"));
    writeDist(dist);
    app = Fastify();
    await app.register(widgetRoutes, { distDir: dist, allowedOriginsForPublicKey });
  });

  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  describe.each(["widget", "ui", "frame-host"] as const)("GET /%s.js", (name) => {
    const body = BODIES[name];

    test("serves the bundle to any origin with a short cache and a strong ETag", async () => {
      const res = await app.inject({ url: `/${name}.js` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(body);
      expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(res.headers["access-control-allow-origin"]).toBe("*");
      expect(res.headers["cache-control"]).toBe("public, max-age=300");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    });

    test("answers 304 to a matching If-None-Match", async () => {
      const { headers } = await app.inject({ url: `/${name}.js` });
      const res = await app.inject({
        url: `/${name}.js`,
        headers: { "if-none-match": `"other", W/${headers.etag}` },
      });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe("");
    });

    test("sends br or gzip when accepted, byte-identical once decoded", async () => {
      const br = await app.inject({ url: `/${name}.js`, headers: { "accept-encoding": "br" } });
      expect(br.headers["content-encoding"]).toBe("br");
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(body);
      const gz = await app.inject({ url: `/${name}.js`, headers: { "accept-encoding": "gzip" } });
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(gz.rawPayload).toString()).toBe(body);
      expect(gz.headers.vary).toContain("Accept-Encoding");
    });

    test("serves the current hashed copy as immutable", async () => {
      const res = await app.inject({ url: `/${name}.${hash8(body)}.js` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(body);
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(res.headers["access-control-allow-origin"]).toBe("*");
    });

    test("404s any other hash with a JSON error", async () => {
      const res = await app.inject({ url: `/${name}.deadbeef.js` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: "Not found", code: "NOT_FOUND" });
    });
  });

  test("serves the embed bundle and its hashed copy", async () => {
    expect((await app.inject({ url: "/embed.js" })).body).toBe(BODIES.embed);
    const hashed = await app.inject({ url: `/embed.${hash8(BODIES.embed)}.js` });
    expect(hashed.statusCode).toBe(200);
    expect(hashed.body).toBe(BODIES.embed);
  });

  test("a bundle's hash does not open another bundle's file", async () => {
    const res = await app.inject({ url: `/frame-host.${hash8(BODIES.widget)}.js` });
    expect(res.statusCode).toBe(404);
  });

  test("serves known translations and 404s the rest", async () => {
    const res = await app.inject({ url: "/widget/locales/fr.json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect((await app.inject({ url: "/widget/locales/xx.json" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/widget/locales/..%2Fmanifest.json" })).statusCode).toBe(404);
  });

  describe("GET /embed", () => {
    test("lets only 'self' and the project's origins frame it, with a strict CSP", async () => {
      const res = await app.inject({ url: `/embed?key=${KEY}&email=a%40b.co&locale=fr` });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'self' https://app.acme.com http://localhost:3000");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBeUndefined();
      expect(res.body).toMatch(/^<!doctype html>/);
      expect(res.body).toContain('<html lang="fr">');
      expect(res.body).toContain(
        `<script src="/embed.js?v=${hash8(BODIES.embed)}" defer></script>`,
      );
      expect(res.body).toContain('data-key-status="valid"');
      expect(res.body).not.toMatch(/<script>(?!<)/);
    });

    test("allows any ancestor when the project's list is empty", async () => {
      const res = await app.inject({ url: `/embed?key=${OPEN_KEY}` });
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors *");
    });

    test.each([
      ["an unknown key", `key=pub_${"Z".repeat(24)}`, "invalid"],
      ["a malformed key", "key=sk_secret", "invalid"],
      ["no key", "", "missing"],
    ])("serves the fail-open page for %s", async (_name, query, status) => {
      const res = await app.inject({ url: `/embed?${query}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`data-key-status="${status}"`);
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors *");
    });

    test("never reflects markup from the query", async () => {
      const res = await app.inject({ url: `/embed?key=${KEY}&locale=%22%3E%3Cscript%3E` });
      expect(res.body).toContain('<html lang="en">');
      expect(res.body).not.toContain("<script>");
    });

    test("takes what frame-host.js sends: every customer field, a customer token, parent_origin", async () => {
      const query = new URLSearchParams({
        key: KEY,
        email: "ada@example.com",
        name: "Ada",
        subscription_id: "sub_1",
        plan: "Pro",
        mrr: "4900",
        currency: "usd",
        provider: "stripe",
        tenure_days: "400",
        token: "t".repeat(4096),
        parent_origin: "https://app.acme.com",
      });
      const res = await app.inject({ url: `/embed?${query}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('data-key-status="valid"');
    });

    test.each([
      ["key", "x".repeat(300)],
      ["token", "t".repeat(4097)],
      ["tenure_days", "9".repeat(321)],
    ])("rejects an oversized %s with 400", async (name, value) => {
      const res = await app.inject({ url: `/embed?key=${KEY}&${name}=${value}` });
      expect(res.statusCode).toBe(400);
    });
  });

  test("the embed URL's token, key and customer details never reach the log", async () => {
    const lines: string[] = [];
    const logged = Fastify({
      logger: {
        ...loggerOptions(testConfig({ logLevel: "info" })),
        stream: { write: (line: string) => lines.push(line) },
      },
    });
    await logged.register(widgetRoutes, { distDir: dist, allowedOriginsForPublicKey });
    const token = "eyJhbGciOiJIUzI1NiJ9.secret-claims.secret-signature";
    const res = await logged.inject({
      url: `/embed?key=${KEY}&email=ada%40example.com&token=${token}&plan=Pro`,
    });
    expect(res.statusCode).toBe(200);
    await logged.close();
    const urls = lines.map((line) => JSON.parse(line).req?.url).filter(Boolean);
    expect(urls).toEqual([
      "/embed?key=[redacted]&email=[redacted]&token=[redacted]&plan=[redacted]",
    ]);
    const log = lines.join("\n");
    expect(log).not.toContain("secret");
    expect(log).not.toContain(KEY);
    expect(log).not.toContain("ada%40example.com");
  });

  test("without a build, answers 503 instead of failing to start", async () => {
    const bare = Fastify({ logger: false });
    await bare.register(widgetRoutes, {
      distDir: join(dist, "missing"),
      allowedOriginsForPublicKey: async () => [],
    });
    for (const url of ["/widget.js", "/frame-host.js", "/embed"]) {
      const res = await bare.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    }
    await bare.close();
  });

  test("a build without frame-host.js in its manifest is not served half-way", async () => {
    const old = mkdtempSync(join(tmpdir(), "windback-dist-"));
    writeDist(old);
    const manifest = JSON.parse(readFileSync(join(old, "manifest.json"), "utf8"));
    delete manifest["frame-host"];
    writeFileSync(join(old, "manifest.json"), JSON.stringify(manifest));
    const bare = Fastify({ logger: false });
    await bare.register(widgetRoutes, { distDir: old, allowedOriginsForPublicKey });
    const res = await bare.inject({ url: "/widget.js" });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toContain('"frame-host"');
    await bare.close();
    rmSync(old, { recursive: true, force: true });
  });
});

describe("the real build, served by the app", () => {
  const distDir = loadConfig({ DATABASE_PATH: ":memory:" }).widgetDistDir as string;
  let ctx: TestContext;
  const raw = (file: string) => readFileSync(join(distDir, file));
  const manifest = () => JSON.parse(readFileSync(join(distDir, "manifest.json"), "utf8"));

  beforeAll(async () => {
    // `pnpm test` builds first; building here keeps this file runnable on its own.
    if (!existsSync(join(distDir, "manifest.json"))) {
      execFileSync("pnpm", ["--filter", "@windback/widget", "build"], { stdio: "inherit" });
    }
    ctx = await buildTestApp({ widgetDistDir: distDir });
  }, 180_000);
  afterAll(async () => ctx?.app.close());

  test.each([
    ["br, gzip, deflate", "br"],
    ["gzip", "gzip"],
    ["gzip;q=1, br;q=0", "gzip"],
    ["*", "br"],
  ])(
    "widget.js: Accept-Encoding %s → %s, byte-identical once decoded",
    async (accept, encoding) => {
      const res = await ctx.app.inject({
        url: "/widget.js",
        headers: { "accept-encoding": accept },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-encoding"]).toBe(encoding);
      expect(res.headers.vary).toContain("Accept-Encoding");
      const body = res.rawPayload;
      const decoded = encoding === "br" ? brotliDecompressSync(body) : gunzipSync(body);
      expect(decoded.equals(raw("widget.js"))).toBe(true);
      // What crosses the wire is within the loader's budget the build enforces (4 KB gzip).
      if (encoding === "gzip") expect(body.length).toBeLessThanOrEqual(4 * 1024);
      expect(body.length).toBeLessThan(raw("widget.js").length * 0.6);
    },
  );

  test("widget.js: no Accept-Encoding (or identity only) gets the plain file", async () => {
    for (const headers of [
      {},
      { "accept-encoding": "identity" },
      { "accept-encoding": "br;q=0, gzip;q=0" },
    ]) {
      const res = await ctx.app.inject({ url: "/widget.js", headers });
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.rawPayload.equals(raw("widget.js"))).toBe(true);
    }
  });

  test("widget.js: each encoding has its own ETag and answers 304 to it", async () => {
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

  test("frame-host.js and its pinned copy: the built file, within 2 KB gzip on the wire", async () => {
    const res = await ctx.app.inject({
      url: "/frame-host.js",
      headers: { "accept-encoding": "gzip", origin: "https://app.acme.com" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.rawPayload.length).toBeLessThanOrEqual(2 * 1024);
    expect(gunzipSync(res.rawPayload).equals(raw("frame-host.js"))).toBe(true);
    const pinned = await ctx.app.inject({ url: `/${manifest()["frame-host"].hashedFile}` });
    expect(pinned.statusCode).toBe(200);
    expect(pinned.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(pinned.rawPayload.equals(raw("frame-host.js"))).toBe(true);
  });

  test("ui.js: the loader names its hashed copy and SRI, served immutable and matching it", async () => {
    const { ui } = manifest();
    const loader = raw("widget.js").toString("utf8");
    expect(loader).toContain(ui.hashedFile);
    expect(loader).toContain(ui.integrity);
    const res = await ctx.app.inject({
      url: `/${ui.hashedFile}`,
      headers: { origin: "https://x.io" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    // SRI on a cross-origin script needs CORS.
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const sri = `sha384-${createHash("sha384").update(res.rawPayload).digest("base64")}`;
    expect(sri).toBe(ui.integrity);
  });

  test("the README's pinned snippet names the current build and its integrity", () => {
    const { widget } = manifest();
    const readme = readFileSync(join(distDir, "../../../README.md"), "utf8");
    // When the widget changes, copy the new values that `pnpm build` prints into the README.
    expect(readme).toContain(`/${widget.hashedFile}"`);
    expect(readme).toContain(`integrity="${widget.integrity}"`);
  });
});
