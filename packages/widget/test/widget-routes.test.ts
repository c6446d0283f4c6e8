// @vitest-environment node
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { widgetRoutes } from "../../../apps/api/src/routes/widget/index.js";

const KEY = "pub_AAAAAAAAAAAAAAAAAAAAAAAA";
const OPEN_KEY = "pub_BBBBBBBBBBBBBBBBBBBBBBBB";
const WIDGET = "console.log('widget')";
const EMBED = "console.log('embed')";
const hash8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

let dist: string;
let app: FastifyInstance;

/** A dist folder shaped like the build's, so the routes are tested without building. */
function writeDist(dir: string) {
  mkdirSync(join(dir, "locales"), { recursive: true });
  writeFileSync(join(dir, "widget.js"), WIDGET);
  writeFileSync(join(dir, "embed.js"), EMBED);
  writeFileSync(join(dir, "locales", "fr.json"), '{"dir":"ltr"}');
  const entry = (name: string, body: string) => ({
    file: `${name}.js`,
    hashedFile: `${name}.${hash8(body)}.js`,
  });
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({ widget: entry("widget", WIDGET), embed: entry("embed", EMBED) }),
  );
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "windback-dist-"));
  writeDist(dist);
  app = Fastify();
  await app.register(widgetRoutes, {
    distDir: dist,
    async allowedOriginsForPublicKey(raw) {
      if (raw === KEY) return ["https://app.acme.com", "http://localhost:3000"];
      if (raw === OPEN_KEY) return [];
      return null;
    },
  });
});

afterAll(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("GET /widget.js", () => {
  it("serves the bundle to any origin with a short cache and a strong ETag", async () => {
    const res = await app.inject({ url: "/widget.js" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(WIDGET);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const { headers } = await app.inject({ url: "/widget.js" });
    const res = await app.inject({
      url: "/widget.js",
      headers: { "if-none-match": `"other", W/${headers.etag}` },
    });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe("");
  });
});

describe("GET /widget.<hash>.js", () => {
  it("serves the current hashed copy as immutable", async () => {
    const res = await app.inject({ url: `/widget.${hash8(WIDGET)}.js` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(WIDGET);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("404s any other hash with a JSON error", async () => {
    const res = await app.inject({ url: "/widget.deadbeef.js" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: "Not found", code: "NOT_FOUND" });
  });
});

describe("GET /embed.js and locales", () => {
  it("serves the embed bundle and its hashed copy", async () => {
    expect((await app.inject({ url: "/embed.js" })).body).toBe(EMBED);
    expect((await app.inject({ url: `/embed.${hash8(EMBED)}.js` })).statusCode).toBe(200);
  });

  it("serves known translations and 404s the rest", async () => {
    const res = await app.inject({ url: "/widget/locales/fr.json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect((await app.inject({ url: "/widget/locales/xx.json" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/widget/locales/..%2Fmanifest.json" })).statusCode).toBe(404);
  });
});

describe("GET /embed", () => {
  it("lets only 'self' and the project's origins frame it, with a strict CSP", async () => {
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
    expect(res.body).toContain(`<script src="/embed.js?v=${hash8(EMBED)}" defer></script>`);
    expect(res.body).toContain('data-key-status="valid"');
    expect(res.body).not.toMatch(/<script>(?!<)/);
  });

  it("allows any ancestor when the project's list is empty", async () => {
    const res = await app.inject({ url: `/embed?key=${OPEN_KEY}` });
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors *");
  });

  it.each([
    ["an unknown key", `key=pub_${"Z".repeat(24)}`, "invalid"],
    ["a malformed key", "key=sk_secret", "invalid"],
    ["no key", "", "missing"],
  ])("serves the fail-open page for %s", async (_name, query, status) => {
    const res = await app.inject({ url: `/embed?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`data-key-status="${status}"`);
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors *");
  });

  it("never reflects markup from the query", async () => {
    const res = await app.inject({ url: `/embed?key=${KEY}&locale=%22%3E%3Cscript%3E` });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).not.toContain("<script>");
  });

  it("rejects an oversized parameter with 400", async () => {
    const res = await app.inject({ url: `/embed?key=${"x".repeat(300)}` });
    expect(res.statusCode).toBe(400);
  });
});

describe("without a build", () => {
  it("answers 503 instead of failing to start", async () => {
    const bare = Fastify({ logger: false });
    await bare.register(widgetRoutes, {
      distDir: join(dist, "missing"),
      allowedOriginsForPublicKey: async () => [],
    });
    const res = await bare.inject({ url: "/widget.js" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await bare.close();
  });
});
