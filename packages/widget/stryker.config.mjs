/**
 * Mutation testing of the widget's flow machine (`pnpm test:mutation`, not part of `pnpm test`):
 * Stryker changes one thing at a time in src/core/flow.ts, where a wrong transition silently
 * reports the wrong outcome to the host page, and runs the tests of vitest.mutation.config.ts
 * against each change; a change no test notices survives. Reports go to reports/mutation/.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: ["src/core/flow.ts"],
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // The machine running this is often shared: one worker, generous timeouts.
  concurrency: 1,
  timeoutMS: 60_000,
  dryRunTimeoutMinutes: 30,
  // vite.config.ts aliases the protocol package's sources outside this package, which a sandbox
  // copy of the package cannot reach: mutate in place (Stryker restores the file afterwards).
  inPlace: true,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
