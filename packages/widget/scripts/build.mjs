// Builds the three bundles separately (script tag, iframe page and the iframe's host-page half
// never share a file), then writes the content-hashed copies and dist/manifest.json, and prints
// the sizes against their budgets.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/**
 * gzip budgets (test/size.test.ts checks the same numbers): widget.js, the loader
 * (docs/design.md §14); ui.js, the UI it fetches, Preact included; and frame-host.js, which only
 * creates a frame and listens to it. The iframe page's
 * own bundle (embed.js) loads inside the frame and has none.
 */
const GZIP_BUDGETS = { widget: 4 * 1024, ui: 12 * 1024, "frame-host": 2 * 1024 };

// The UI is built first: the loader is built knowing its hashed name and SRI value.
const bundles = [
  { name: "ui", entry: "src/ui.ts" },
  { name: "widget", entry: "src/loader.ts" },
  { name: "embed", entry: "src/embed.ts" },
  { name: "frame-host", entry: "src/frame-host.ts" },
];

/**
 * esbuild's CSS minifier keeps custom property values as written (`--a: var(--b, #fff)`); this
 * drops the spaces after `:`, `,` and `(` and before `)` in the inlined stylesheet, which no value
 * of ours needs (`rgb(2 6 23 / .7)` and `calc(… * .7)` keep theirs).
 */
const compactCss = {
  name: "windback-compact-css",
  enforce: "post",
  transform(code, id) {
    if (!id.endsWith(".css?inline")) return null;
    return { code: code.replace(/([:,(]) +/g, "$1").replace(/ +\)/g, ")"), map: null };
  },
};

/** Name, content hash and SRI value of a built bundle (the hashed copy is written later). */
function describe(name) {
  const bytes = readFileSync(join(dist, `${name}.js`));
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 8);
  const integrity = `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
  return { bytes, hash, hashedFile: `${name}.${hash}.js`, integrity };
}

let uiRef = { file: "ui.js", integrity: "" };
for (const [index, { name, entry }] of bundles.entries()) {
  if (name === "widget") {
    const { hashedFile, integrity } = describe("ui");
    uiRef = { file: hashedFile, integrity };
  }
  await build({
    root,
    configFile: false,
    logLevel: "warn",
    plugins: [compactCss],
    // The protocol's sources, not its build: a protocol change reaches the bundles without a
    // separate `tsc` step in between.
    resolve: { alias: { "@windback/protocol": join(root, "../protocol/src/index.ts") } },
    define: {
      __WINDBACK_VERSION__: JSON.stringify(version),
      __WINDBACK_UI__: JSON.stringify(uiRef),
    },
    // Classic JSX: `h(type, props, ...children)` calls Preact's createElement directly, with no
    // `children:` key or wrapper per element (the automatic runtime costs ~100 gzip bytes more).
    esbuild: {
      jsx: "transform",
      jsxFactory: "h",
      jsxFragment: "Fragment",
      jsxInject: 'import { h, Fragment } from "preact"',
      legalComments: "none",
    },
    build: {
      outDir: dist,
      emptyOutDir: index === 0,
      // Optional chaining, ??= and class fields ship as written (every evergreen browser since 2021).
      target: "es2021",
      // terser saves a few hundred gzip bytes over esbuild here, which the 12 KB budget needs.
      minify: "terser",
      terserOptions: {
        ecma: 2020,
        // Vite turns on terser's Safari 10/11 workarounds by default; no browser that runs this
        // es2021 code (optional chaining, ??) needs them, and they cost ~35 gzip bytes.
        safari10: false,
        // unsafe_methods: `{ f: function () {} }` → `{ f() {} }`; only unsafe for code that calls
        // such a function with `new`, which neither Preact nor this code does (~9 gzip bytes).
        // A third pass finds a few more (~6 gzip bytes).
        compress: { passes: 3, unsafe_methods: true },
        // Preact's internal fields (`__k`, `__e`, `__`, …) are private to this bundle: shorter
        // names save ~40 gzip bytes. terser keeps DOM property names and every name it did not
        // mangle out of the generated ones, so nothing can collide.
        mangle: { properties: { regex: /^__.?$/ } },
        format: { comments: false },
      },
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib: {
        entry: join(root, entry),
        formats: ["iife"],
        name: `Windback_${name.replace(/-/g, "_")}`,
        fileName: () => `${name}.js`,
      },
    },
  });
}

// Translations the script-tag bundle fetches on demand (English is also bundled as the fallback).
mkdirSync(join(dist, "locales"), { recursive: true });
for (const file of readdirSync(join(root, "src/i18n")).filter((f) => f.endsWith(".json"))) {
  const strings = JSON.parse(readFileSync(join(root, "src/i18n", file), "utf8"));
  writeFileSync(join(dist, "locales", file), JSON.stringify(strings));
}

const manifest = {};
for (const { name } of bundles) {
  const file = `${name}.js`;
  const { bytes, hash, hashedFile, integrity } = describe(name);
  copyFileSync(join(dist, file), join(dist, hashedFile));
  manifest[name] = {
    file,
    hashedFile,
    hash,
    integrity,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}
writeFileSync(join(dist, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const kb = (n) => `${(n / 1024).toFixed(2)} KB`.padStart(10);
console.log("\nbundle        raw        gzip       brotli");
for (const [name, m] of Object.entries(manifest)) {
  console.log(
    `${name.padEnd(10)}${kb(m.rawBytes)} ${kb(m.gzipBytes)} ${kb(m.brotliBytes)}   ${m.hashedFile}`,
  );
}
console.log(`\nwidget.js SRI: ${manifest.widget.integrity}`);
console.log(`frame-host.js SRI: ${manifest["frame-host"].integrity}\n`);
for (const [name, budget] of Object.entries(GZIP_BUDGETS)) {
  const { gzipBytes } = manifest[name];
  const status = gzipBytes <= budget ? "within" : "OVER";
  console.log(`${name}.js gzip ${gzipBytes} B, ${status} the ${budget} B budget`);
  if (gzipBytes > budget) process.exitCode = 1;
}
console.log("");
