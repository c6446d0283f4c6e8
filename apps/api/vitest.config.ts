import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run against the protocol sources so they never depend on a stale build.
    alias: [
      {
        find: /^@windback\/protocol$/,
        replacement: fileURLToPath(
          new URL("../../packages/protocol/src/index.ts", import.meta.url),
        ),
      },
      {
        find: /^@windback\/protocol\/schemas$/,
        replacement: fileURLToPath(
          new URL("../../packages/protocol/src/schemas/index.ts", import.meta.url),
        ),
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
