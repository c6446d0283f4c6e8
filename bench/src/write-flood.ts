/**
 * `pnpm --filter @windback/bench exec tsx src/write-flood.ts`: GET /health latency while
 * cancel-flow submits flood the API (each a durable write), to see how long the event loop is held
 * by commits. `BENCH_API_SERVER_JS` measures another build (e.g. before a change) on the same data.
 */
import { join } from "node:path";
import { ensureBuilt, generateJwtSecret, tempDir } from "@windback/testkit";
import { BENCH_ORIGIN, createTenant } from "./lib/api-setup.js";
import { healthUnderWriteFlood } from "./lib/flood.js";
import { startBenchApi, startMeasuredApi } from "./lib/processes.js";

const seconds = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
ensureBuilt((m) => console.error(m));
const tmp = tempDir("windback-flood-");
try {
  const databasePath = join(tmp.path, "flood.db");
  const jwtSecret = generateJwtSecret();
  const setup = await startBenchApi({ databasePath, jwtSecret });
  const tenant = await createTenant(setup.url, "flood");
  await setup.stop();
  const api = await startMeasuredApi({
    databasePath,
    jwtSecret,
    logLevel: process.env.LOG_LEVEL ?? "info",
    logFile: join(tmp.path, "api.log"),
    ...(process.env.BENCH_API_SERVER_JS && { serverJs: process.env.BENCH_API_SERVER_JS }),
  });
  try {
    let n = 0;
    const result = await healthUnderWriteFlood({
      url: api.url,
      connections,
      durationSeconds: seconds,
      write: {
        method: "POST",
        path: "/api/v1/cancel-flow/submit",
        headers: { "x-api-key": tenant.pub, origin: BENCH_ORIGIN },
        body: () =>
          JSON.stringify({
            customer_email: `flood-${++n}@bench.example`,
            cancel_reason: "too_expensive",
            mrr: 4900,
          }),
      },
    });
    console.log(
      JSON.stringify({ server: process.env.BENCH_API_SERVER_JS ?? "this tree", ...result }),
    );
  } finally {
    await api.stop();
  }
} finally {
  tmp.remove();
}
