import { defineConfig } from "vitest/config";
import { workspaceAliases } from "../../vitest.shared.js";

/**
 * A quick first pass for Stryker (`STRYKER_VITEST_CONFIG=vitest.mutation-units.config.ts`): the
 * unit tests of the mutated modules only. Every authenticated route test reaches
 * src/auth/api-keys.ts, so against vitest.mutation.config.ts each of its mutants runs hundreds of
 * route tests; a mutant a unit test kills here is killed there too (the files are in both), and
 * the survivors' lines are then run against the full set (docs/testing.md).
 */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: [
      "test/auth/api-keys.test.ts",
      "test/lib/offers.test.ts",
      "test/lib/origins.test.ts",
      "test/jwt.test.ts",
    ],
    environment: "node",
  },
});
