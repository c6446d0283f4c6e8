// Builds the dashboard into dist/ (index.html + content-hashed files in dist/assets/), then prints
// the gzip size of every chunk and fails when the JavaScript loaded up front exceeds the budget or
// when uPlot, which only the Analytics chart needs, is part of it.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Initial JavaScript (entry chunk + the chunks it imports statically), gzip, issue 12. */
export const INITIAL_GZIP_BUDGET = 60 * 1024;

/** @type {import("rollup").OutputBundle | null} */
let bundle = null;
const capture = {
  name: "windback-bundle-report",
  generateBundle(_options, output) {
    bundle = output;
  },
};

await build({
  root,
  configFile: join(root, "vite.config.ts"),
  logLevel: "warn",
  plugins: [capture],
});
if (!bundle) throw new Error("the build produced no bundle");

const gzip = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;
const chunks = Object.values(bundle).filter((item) => item.type === "chunk");
const entry = chunks.find((chunk) => chunk.isEntry);
if (!entry) throw new Error("the build has no entry chunk");

// What the browser loads before the app can run: the entry and everything it imports statically
// (Vite adds <link rel="modulepreload"> for those); dynamic imports load on demand.
const initial = new Set();
const visit = (fileName) => {
  if (initial.has(fileName)) return;
  initial.add(fileName);
  const chunk = chunks.find((c) => c.fileName === fileName);
  for (const imported of chunk?.imports ?? []) visit(imported);
};
visit(entry.fileName);

/** What a chunk holds: its entry module, else its modules (packages by name), shortened. */
const describe = (chunk) => {
  if (chunk.facadeModuleId) {
    return chunk.facadeModuleId.replace(`${root}/`, "").replace(/^.*node_modules\//, "");
  }
  const names = new Set(
    chunk.moduleIds.map(
      (id) =>
        id.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ??
        id.replace(`${root}/`, "").replace(/^.*\/packages\//, "packages/"),
    ),
  );
  const text = [...names].join(", ");
  return text.length > 70 ? `${text.slice(0, 67)}…` : text;
};

const rows = chunks
  .map((chunk) => ({
    file: chunk.fileName,
    initial: initial.has(chunk.fileName),
    raw: Buffer.byteLength(chunk.code),
    gzip: gzip(chunk.code),
    what: describe(chunk),
    uplot: chunk.moduleIds.some((id) => id.includes("/node_modules/uplot/")),
  }))
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
const css = Object.values(bundle)
  .filter((item) => item.type === "asset" && item.fileName.endsWith(".css"))
  .map((asset) => ({ file: asset.fileName, gzip: gzip(String(asset.source)) }));
const initialCss = new Set(
  chunks
    .filter((c) => initial.has(c.fileName))
    .flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]),
);

const kb = (n) => `${(n / 1024).toFixed(2)} KB`.padStart(10);
console.log("\nchunk                                    raw       gzip    loaded   contents");
for (const row of rows) {
  console.log(
    `${row.file.padEnd(38)}${kb(row.raw)} ${kb(row.gzip)}   ${row.initial ? "initial" : "lazy   "}   ${row.what}`,
  );
}
for (const sheet of css) {
  console.log(
    `${sheet.file.padEnd(38)}${"".padStart(10)} ${kb(sheet.gzip)}   ${initialCss.has(sheet.file) ? "initial" : "lazy   "}   stylesheet`,
  );
}

const initialGzip = rows.filter((r) => r.initial).reduce((sum, r) => sum + r.gzip, 0);
const uplotInitial = rows.filter((r) => r.initial && r.uplot);
const uplotAnywhere = rows.some((r) => r.uplot);
const within = initialGzip <= INITIAL_GZIP_BUDGET;
console.log(
  `\ninitial JavaScript: ${initialGzip} B gzip, ${within ? "within" : "OVER"} the ${INITIAL_GZIP_BUDGET} B budget`,
);
if (!within) process.exitCode = 1;
if (uplotInitial.length > 0) {
  console.error(
    `uPlot is in the initial chunks (${uplotInitial.map((r) => r.file).join(", ")}): it must load only with Analytics`,
  );
  process.exitCode = 1;
}
if (!uplotAnywhere) {
  console.error("uPlot is in no chunk: the Analytics chart is missing from the build");
  process.exitCode = 1;
}
console.log("");
