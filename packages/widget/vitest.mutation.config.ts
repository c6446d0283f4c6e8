import { configDefaults, defineConfig } from "vitest/config";
import base from "./vite.config.js";

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): the flow machine's own tests
 * and the view, loader and embed tests that drive it. Not the size test: on a clone without
 * dist/ it builds the bundles, which would then hold Stryker's instrumented flow.ts.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, exclude: [...configDefaults.exclude, "test/size.test.ts"] },
});
