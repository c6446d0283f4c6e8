/**
 * Builds the published package: dist/esm (tsc: ES modules and their declarations) and dist/cjs
 * (esbuild: the same modules as CommonJS, with a copy of the declarations that its own
 * package.json marks as CommonJS, so `require` users get types that match). The declarations
 * need nothing from the workspace: the protocol's types are printed into src/protocol-types.ts.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(packageDir, "dist");
const esm = join(dist, "esm");
const cjs = join(dist, "cjs");

rmSync(dist, { recursive: true, force: true });
execFileSync(join(packageDir, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], {
  cwd: packageDir,
  stdio: "inherit",
});

const sources = readdirSync(join(packageDir, "src"))
  .filter((name) => name.endsWith(".ts"))
  .map((name) => join(packageDir, "src", name));
await build({
  entryPoints: sources,
  outdir: cjs,
  format: "cjs",
  platform: "node",
  target: "node20",
  bundle: false,
  logLevel: "warning",
});
mkdirSync(cjs, { recursive: true });
writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
for (const name of readdirSync(esm).filter((n) => n.endsWith(".d.ts"))) {
  cpSync(join(esm, name), join(cjs, name));
}

// The declarations must not name a workspace package or TypeBox: the published package has neither.
for (const dir of [esm, cjs]) {
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".d.ts"))) {
    const text = readFileSync(join(dir, name), "utf8");
    const foreign = /["'](@windback\/(?!node["'])|@sinclair\/typebox)/;
    const statements = text.split("\n").filter((line) => /^(import|export)\b|import\(/.test(line));
    if (statements.some((line) => foreign.test(line))) {
      throw new Error(
        `${relative(packageDir, join(dir, name))} refers to a package it cannot ship with`,
      );
    }
  }
}
const size = (dir) =>
  readdirSync(dir).reduce((sum, name) => sum + readFileSync(join(dir, name)).length, 0);
console.log(`@windback/node: dist/esm ${size(esm)} B, dist/cjs ${size(cjs)} B`);
