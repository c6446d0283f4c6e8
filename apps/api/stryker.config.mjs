/**
 * Mutation testing (`pnpm test:mutation`, not part of `pnpm test`): Stryker changes one thing at a
 * time in the modules where a silent bug costs most (API-key and JWT verification, origin
 * normalisation, offer matching and validation, the churn-event service, the CSV export's cell
 * escaping) and runs the tests of vitest.mutation.config.ts against each change; a change no test
 * notices survives.
 * The HTML and JSON reports go to reports/mutation/.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  // STRYKER_VITEST_CONFIG=vitest.mutation-units.config.ts: the quick unit-test pass (that file says why).
  vitest: { configFile: process.env.STRYKER_VITEST_CONFIG ?? "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/auth/api-keys.ts",
    "src/auth/jwt.ts",
    "src/lib/origins.ts",
    "src/lib/offers.ts",
    "src/lib/csv.ts",
    "src/services/churn-events.ts",
  ],
  coverageAnalysis: "perTest",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // The machine running this is often shared: one worker, generous timeouts.
  concurrency: 1,
  timeoutMS: 60_000,
  dryRunTimeoutMinutes: 30,
  // The workspace's shared vitest config and aliases live above this package, which a sandbox
  // copy of the package cannot reach: mutate in place (Stryker restores the files afterwards).
  inPlace: true,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
