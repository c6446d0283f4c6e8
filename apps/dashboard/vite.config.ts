import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Where the API listens in development (docs/design.md §6); `pnpm dev` proxies to it. */
const apiTarget = process.env.WINDBACK_API_URL ?? "http://127.0.0.1:8787";

// One config for the production build (scripts/build.mjs), `vite` in development and vitest.
export default defineConfig({
  // The API serves the built app at /dashboard/ (docs/design.md §8).
  base: "/dashboard/",
  resolve: {
    // The protocol's sources, so neither the build nor the tests depend on a stale protocol build.
    alias: {
      "@windback/protocol": fileURLToPath(
        new URL("../../packages/protocol/src/index.ts", import.meta.url),
      ),
    },
  },
  esbuild: { jsx: "automatic", jsxImportSource: "preact", legalComments: "none" },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // Evergreen browsers only: optional chaining, ??= and class fields ship as written.
    target: "es2021",
    sourcemap: false,
    // The size report (scripts/build.mjs) prints gzip sizes itself, per chunk and for the initial set.
    reportCompressedSize: false,
  },
  server: {
    // Same origin as the API in production; in development the dev server forwards to it, so the
    // session cookie and the CSRF rule (Sec-Fetch-Site: same-origin) behave as in production.
    proxy: {
      "/api": apiTarget,
      "/dashboard/widget-manifest.json": apiTarget,
    },
  },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.{ts,tsx}"],
    // The size test may run a full production build first.
    testTimeout: 120_000,
  },
});
