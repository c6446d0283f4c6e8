import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root, found from this file (src/ or dist/) so any working directory works. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const API_DIST = join(REPO_ROOT, "apps/api/dist");
/** What `pnpm start:api` and a self-hoster run. */
export const API_SERVER_JS = join(API_DIST, "server.js");
export const WIDGET_DIST = join(REPO_ROOT, "packages/widget/dist");
