// @vitest-environment node
/**
 * The budget, checked on the built files the way a browser meets them: what index.html
 * loads up front (its module script, module preloads and stylesheet) against what only a
 * dynamic import fetches. Independent of the build script's own report.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

/** Initial JavaScript, gzip (issue 12). */
const INITIAL_GZIP_BUDGET = 60 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

beforeAll(() => {
  // A clean clone has no dist: build it so the budget is checked whatever order tests run in.
  if (!existsSync(join(dist, "index.html"))) {
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], {
      cwd: root,
      stdio: "ignore",
    });
  }
}, 180_000);

const html = () => readFileSync(join(dist, "index.html"), "utf8");
const read = (file: string) => readFileSync(join(dist, "assets", file), "utf8");
const gzip = (text: string) => gzipSync(Buffer.from(text), { level: 9 }).length;

/** The JavaScript files index.html makes the browser load before the app runs. */
function initialScripts(): string[] {
  const page = html();
  const urls = [
    ...page.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...page.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1] ?? "");
  return urls.map((url) => {
    expect(url).toMatch(/^\/dashboard\/assets\/[\w.-]+\.js$/);
    return url.replace("/dashboard/assets/", "");
  });
}

/** uPlot's own code, whatever the chunk is called: its root class name and its tzDate helper. */
const isUplot = (code: string) => code.includes('"uplot"') && code.includes(".tzDate=");

describe("dashboard bundle", () => {
  it(`loads at most ${INITIAL_GZIP_BUDGET} bytes of JavaScript (gzip) up front`, () => {
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const total = scripts.reduce((sum, file) => sum + gzip(read(file)), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(INITIAL_GZIP_BUDGET);
  });

  it("keeps uPlot out of the initial load, in a chunk fetched only on demand", () => {
    const initial = new Set(initialScripts());
    const uplotChunks = readdirSync(join(dist, "assets"))
      .filter((file) => file.endsWith(".js"))
      .filter((file) => isUplot(read(file)));
    expect(uplotChunks.length).toBeGreaterThan(0);
    for (const file of uplotChunks) expect(initial.has(file)).toBe(false);
    // And nothing loaded up front imports it statically (`from"./x.js"`; `import("./x.js")` is lazy).
    for (const file of initial) {
      for (const chunk of uplotChunks) {
        const name = chunk.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        expect(read(file)).not.toMatch(new RegExp(`(from|import)\\s*["']\\./${name}["']`));
      }
    }
  });

  it("serves everything under /dashboard/ with content-hashed asset names", () => {
    expect(html()).not.toMatch(/(src|href)="\/(?!dashboard\/)/);
    for (const file of readdirSync(join(dist, "assets"))) {
      expect(file).toMatch(/^[\w-]+-[\w-]{8}\.(js|css)$/);
    }
  });
});
