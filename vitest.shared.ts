/**
 * The workspace aliases every vitest config uses: `@windback/*` imports resolve to the packages'
 * sources (from tsconfig.sources.json, which tsx and Playwright read too), so a test never runs
 * against a stale build.
 *
 * @example
 * ```ts
 * import { workspaceAliases } from "../../vitest.shared.js";
 * export default defineConfig({ resolve: { alias: workspaceAliases }, test: { … } });
 * ```
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const sources = JSON.parse(readFileSync(resolve(root, "tsconfig.sources.json"), "utf8")) as {
  compilerOptions: { paths: Record<string, [string]> };
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * One exact-match alias per path (`@windback/protocol` must not also catch
 * `@windback/protocol/schemas`); `name/*` patterns map the rest of the specifier.
 */
export const workspaceAliases = Object.entries(sources.compilerOptions.paths).map(
  ([name, [target]]) =>
    name.endsWith("/*")
      ? {
          find: new RegExp(`^${escapeRegExp(name.slice(0, -1))}(.+)$`),
          replacement: resolve(root, target.replace("*", "$1")),
        }
      : { find: new RegExp(`^${escapeRegExp(name)}$`), replacement: resolve(root, target) },
);
