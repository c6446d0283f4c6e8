import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { API_SERVER_JS, REPO_ROOT, WIDGET_DIST } from "./paths.js";

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const mtime = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const sources = (...dirs: string[]) =>
  Math.max(...dirs.map((d) => newestMtime(join(REPO_ROOT, d))));

/** What the suites run that is missing or older than its sources; empty when up to date. */
function staleOutputs(): string[] {
  const stale: string[] = [];
  const protocol = "packages/protocol/src";
  if (mtime(API_SERVER_JS) < sources("apps/api/src", protocol)) stale.push("apps/api/dist");
  if (mtime(join(WIDGET_DIST, "widget.js")) < sources("packages/widget/src", protocol)) {
    stale.push("packages/widget/dist");
  }
  const demoStart = join(REPO_ROOT, "apps/demo/dist/start.js");
  if (mtime(demoStart) < sources("apps/demo/src", "packages/testkit/src")) {
    stale.push("apps/demo/dist");
  }
  return stale;
}

/**
 * Runs the root `pnpm build` when an output is missing or older than its sources. A build that
 * fails but still left a runnable API (tsc emits despite type errors) is reported, not fatal.
 */
export function ensureBuilt(log: (message: string) => void = console.log): void {
  const stale = staleOutputs();
  if (stale.length === 0) return;
  log(`building (${stale.join(", ")} missing or older than the sources): pnpm build`);
  const result = spawnSync("pnpm", ["build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    if (!existsSync(API_SERVER_JS)) {
      throw new Error(`pnpm build failed (exit ${result.status}) and ${API_SERVER_JS} is missing`);
    }
    log(`WARNING: pnpm build exited ${result.status}; going on with the outputs it left`);
  }
}
