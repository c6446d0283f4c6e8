import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

// Used by vitest; the two production bundles are built by scripts/build.mjs.
export default defineConfig({
  // Tests run against the protocol's sources, so they never depend on a stale build.
  resolve: {
    alias: {
      "@windback/protocol": fileURLToPath(new URL("../protocol/src/index.ts", import.meta.url)),
    },
  },
  define: {
    __WINDBACK_VERSION__: JSON.stringify(version),
    // Tests load the UI module directly or stub the script element; no SRI in dev.
    __WINDBACK_UI__: JSON.stringify({ file: "ui.js", integrity: "" }),
  },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.{ts,tsx}"],
    // The size test may run a full production build first.
    testTimeout: 60_000,
  },
});
