import { defineConfig } from "vitest/config";
import { workspaceAliases } from "../vitest.shared.js";

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // One file at a time: the sustained-load numbers must not share two cores with a fuzzer.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
