// @vitest-environment node
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

/** The loader (docs/design.md §14): queue, show, on, init, track and fail-open, no Preact. */
const WIDGET_GZIP_BUDGET = 4 * 1024;
/** The UI the loader fetches, Preact included. */
const UI_GZIP_BUDGET = 12 * 1024;
/** frame-host.js only creates a frame and listens to it (docs/design.md §3.3). */
const FRAME_HOST_GZIP_BUDGET = 2 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

beforeAll(() => {
  // A clean clone has no dist: build it so the budget is checked whatever order tests run in.
  if (!existsSync(join(dist, "manifest.json"))) {
    execFileSync(process.execPath, [join(root, "scripts/build.mjs")], {
      cwd: root,
      stdio: "ignore",
    });
  }
}, 120_000);

describe("bundle size", () => {
  it(`widget.js stays within ${WIDGET_GZIP_BUDGET} bytes gzip`, () => {
    const gzip = gzipSync(readFileSync(join(dist, "widget.js")), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);
  });

  it(`ui.js stays within ${UI_GZIP_BUDGET} bytes gzip, and the loader pins its hash`, () => {
    const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
    const gzip = gzipSync(readFileSync(join(dist, "ui.js")), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(UI_GZIP_BUDGET);
    const loader = readFileSync(join(dist, "widget.js"), "utf8");
    expect(loader).toContain(manifest.ui.hashedFile);
    expect(loader).toContain(manifest.ui.integrity);
    expect(loader).not.toContain("wb-root");
  });

  it(`frame-host.js stays within ${FRAME_HOST_GZIP_BUDGET} bytes gzip, with no Preact or CSS`, () => {
    const code = readFileSync(join(dist, "frame-host.js"));
    expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(FRAME_HOST_GZIP_BUDGET);
    const text = code.toString("utf8");
    expect(text).toContain("window.WindbackFrame=");
    // Preact's renderer and the widget's stylesheet belong to the other two bundles only.
    expect(text).not.toContain("__html");
    expect(text).not.toContain("wb-root");
  });

  it("the manifest describes the files on disk, with a pinnable hashed copy", () => {
    const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
    for (const name of ["widget", "ui", "embed", "frame-host"]) {
      const entry = manifest[name];
      const bytes = readFileSync(join(dist, entry.file));
      expect(entry.rawBytes).toBe(bytes.length);
      expect(entry.hashedFile).toMatch(new RegExp(`^${name}\\.[0-9a-f]{8}\\.js$`));
      expect(readFileSync(join(dist, entry.hashedFile)).equals(bytes)).toBe(true);
      expect(entry.integrity).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
      expect(entry.gzipBytes).toBeGreaterThan(0);
      expect(entry.brotliBytes).toBeGreaterThan(0);
    }
  });

  it("the bundles are separate IIFEs with no CSS file beside them", () => {
    const widget = readFileSync(join(dist, "ui.js"), "utf8");
    const embed = readFileSync(join(dist, "embed.js"), "utf8");
    expect(widget).not.toBe(embed);
    expect(widget).toContain("wb-root");
    expect(embed).not.toContain("window.Windback=");
    expect(existsSync(join(dist, "style.css"))).toBe(false);
  });
});
