/**
 * `pnpm --filter @windback/bench exec tsx src/submit-ceiling.ts`: how many submits per second the
 * churn-event service and its SQLite storage allow on this machine with nothing else in the way
 * (no HTTP, no validation, no authentication, no rate limits, no request log), set beside the bare
 * Fastify baseline measured in the same run. The ratio it prints is a ceiling for the submit
 * scenario of `pnpm bench`: the HTTP path can only add to each submit's cost, so a ceiling below
 * the goal shows the goal is out of reach with this storage on this machine (docs/performance.md).
 *
 * The service is the built API's own (apps/api/dist), fed the way the route feeds it: `CONCURRENCY`
 * submits in flight (as many as the bench's connections), unique customers, the group commit of
 * `synchronous=FULL` batching whatever is in flight.
 */
import { join } from "node:path";
import { API_DIST, ensureBuilt, generateJwtSecret, tempDir } from "@windback/testkit";
import { runLoad } from "./lib/load.js";
import { envNumber, median } from "./lib/numbers.js";
import { startBaseline } from "./lib/processes.js";

const SECONDS = envNumber("BENCH_DURATION", 5);
const CONCURRENCY = envNumber("BENCH_CONNECTIONS", 20);
const ROUNDS = envNumber("BENCH_ROUNDS", 3);

/** The parts of the built API this script drives (it is plain JavaScript in dist/). */
interface BuiltApi {
  buildServer(opts: { config: unknown }): Promise<{
    inject(request: {
      method: string;
      url: string;
      payload?: unknown;
      headers?: Record<string, string>;
    }): Promise<{ statusCode: number; json(): { data?: { token?: string; id?: string } } }>;
    services: {
      churnEvents: {
        submit(projectId: string, body: Record<string, unknown>, caller: unknown): Promise<unknown>;
      };
    };
    close(): Promise<void>;
  }>;
}
interface BuiltConfig {
  loadConfig(env: Record<string, string>): unknown;
}

ensureBuilt((m) => console.error(m));
const { buildServer } = (await import(join(API_DIST, "app.js"))) as BuiltApi;
const { loadConfig } = (await import(join(API_DIST, "config.js"))) as BuiltConfig;

const tmp = tempDir("windback-ceiling-");
const baseline = await startBaseline();
try {
  const config = loadConfig({
    NODE_ENV: "production",
    DATABASE_PATH: join(tmp.path, "ceiling.db"),
    JWT_SECRET: generateJwtSecret(),
    PUBLIC_URL: "http://127.0.0.1:1",
    LOG_LEVEL: "warn",
  });
  const app = await buildServer({ config });
  const registered = await app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { name: "Ceiling", email: "ceiling@bench.example", password: "correct horse battery" },
  });
  const project = await app.inject({
    method: "GET",
    url: "/api/v1/projects/default",
    headers: { authorization: `Bearer ${registered.json().data?.token}` },
  });
  const projectId = project.json().data?.id;
  if (!projectId)
    throw new Error(`register ${registered.statusCode}, project ${project.statusCode}`);
  // A browser with the public key: the caller the widget's submit has.
  const caller = { client: "address:127.0.0.1", vouch: { by: "nobody" }, livemode: true };
  let customer = 0;

  /** Submits per second over `SECONDS`, `CONCURRENCY` at a time. */
  async function storageRound(): Promise<number> {
    const started = performance.now();
    const until = started + SECONDS * 1000;
    let done = 0;
    const worker = async () => {
      while (performance.now() < until) {
        await app.services.churnEvents.submit(
          projectId as string,
          {
            customer_email: `c-${++customer}@bench.example`,
            cancel_reason: "too_expensive",
            mrr: 0,
          },
          caller,
        );
        done++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // Over the time actually taken: the submits in flight at the deadline finish after it.
    return done / ((performance.now() - started) / 1000);
  }

  const rows: { baseline: number; storage: number; ratio: number }[] = [];
  await storageRound(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const base = await runLoad({
      url: baseline.url,
      requests: [{ path: "/" }],
      connections: CONCURRENCY,
      durationSeconds: SECONDS,
    });
    const storage = await storageRound();
    rows.push({ baseline: base.okRps, storage, ratio: storage / base.okRps });
  }
  await app.close();

  console.log("| round | baseline req/s | service + storage submits/s | ceiling ratio |");
  console.log("| ----- | -------------: | --------------------------: | ------------: |");
  rows.forEach((row, i) => {
    console.log(
      `| ${i + 1} | ${Math.round(row.baseline)} | ${Math.round(row.storage)} | ${row.ratio.toFixed(3)} |`,
    );
  });
  const ceiling = median(rows.map((row) => row.ratio));
  console.log(`\nmedian ceiling: ${ceiling.toFixed(3)}× of the bare server`);
} finally {
  await baseline.stop();
  tmp.remove();
}
