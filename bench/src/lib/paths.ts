import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root, found from this file so every script works from any working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const BENCH_ROOT = join(REPO_ROOT, "bench");
export const RESULTS_DIR = join(BENCH_ROOT, "results");
export const API_DIST = join(REPO_ROOT, "apps/api/dist");
export const API_SERVER_JS = join(API_DIST, "server.js");
export const WIDGET_DIST = join(REPO_ROOT, "packages/widget/dist");
export const WIDGET_SRC = join(REPO_ROOT, "packages/widget/src");
