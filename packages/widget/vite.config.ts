import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

// Used by vitest; the two production bundles are built by scripts/build.mjs.
export default defineConfig({
  define: { __WINDBACK_VERSION__: JSON.stringify(version) },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.{ts,tsx}"],
    // The size test may run a full production build first.
    testTimeout: 60_000,
  },
});
