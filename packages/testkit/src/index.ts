/**
 * Helpers shared by the e2e suite, the benchmarks and reliability suite, the demo's `pnpm start`
 * and the API's own tests: free ports, temp dirs, the built API as a child process, health
 * checks and a typed client of the API's routes.
 */
export * from "./admin-client.js";
export * from "./api-process.js";
export * from "./build.js";
export * from "./health.js";
export * from "./paths.js";
export * from "./ports.js";
export * from "./processes.js";
export * from "./temp-dir.js";
