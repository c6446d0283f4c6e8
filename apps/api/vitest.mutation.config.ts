import { defineConfig } from "vitest/config";
import { workspaceAliases } from "../../vitest.shared.js";

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): the files that exercise the
 * mutated modules, not the whole suite, so a run stays within a shared machine's means.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: [
      "test/auth.test.ts",
      "test/cancel-flow.test.ts",
      "test/cancel-flow-cors.test.ts",
      "test/retention-offers.test.ts",
      "test/churn-events-export.test.ts",
      "test/churn-events.test.ts",
      "test/services/churn-events.test.ts",
      "test/lib/origins.test.ts",
      "test/jwt.test.ts",
      "test/auth/api-keys.test.ts",
      "test/lib/offers.test.ts",
    ],
    environment: "node",
    // Mutation runs share the machine with everything else: room for a slow hook.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
