/**
 * `pnpm --filter @windback/bench exec tsx src/profile.ts [offers|submit|baseline]`: runs one
 * scenario against the built API (or `baseline`: the bare Fastify server of the benchmark) started
 * with `node --cpu-prof`, then prints where the process's CPU time went (self time by package or
 * file, and the top functions), as a share and in microseconds per answered request, so the API's
 * buckets can be set beside the baseline's. What guided docs/performance.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt, generateJwtSecret, tempDir } from "@windback/testkit";
import { BENCH_ORIGIN, createTenant, putDiscountOffer } from "./lib/api-setup.js";
import { runLoad } from "./lib/load.js";
import { startBaseline, startBenchApi, startMeasuredApi } from "./lib/processes.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const scenario = process.argv[2] ?? "offers";
const seconds = Number(process.env.BENCH_DURATION ?? 10);
ensureBuilt((m) => console.error(m));
const tmp = tempDir("windback-profile-");
try {
  const databasePath = join(tmp.path, "profile.db");
  const jwtSecret = generateJwtSecret();
  const setup = await startBenchApi({ databasePath, jwtSecret });
  const tenant = await createTenant(setup.url, "profile");
  await putDiscountOffer(setup.url, tenant);
  await setup.stop();
  const profileDir = join(tmp.path, "prof");
  const profilerArgs = ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  const api =
    scenario === "baseline"
      ? await startBaseline(profilerArgs)
      : await startMeasuredApi({
          databasePath,
          jwtSecret,
          logLevel: process.env.LOG_LEVEL ?? "info",
          logFile: join(tmp.path, "api.log"),
          nodeArgs: profilerArgs,
        });
  let n = 0;
  const headers = { "x-api-key": tenant.pub, origin: BENCH_ORIGIN };
  const load = (durationSeconds: number) =>
    runLoad({
      url: api.url,
      connections: 20,
      durationSeconds,
      requests: [
        scenario === "submit"
          ? {
              method: "POST",
              path: "/api/v1/cancel-flow/submit",
              headers,
              body: () =>
                JSON.stringify({
                  customer_email: `p-${++n}@bench.example`,
                  cancel_reason: "too_expensive",
                  mrr: 4900,
                }),
            }
          : scenario === "baseline"
            ? { path: "/" }
            : { path: "/api/v1/cancel-flow/offers?reason=too_expensive", headers },
      ],
    });
  // Warm: start-up (module loading, schema compilation) is not what a request costs.
  await load(2);
  const result = await load(seconds);
  const stopStarted = performance.now();
  await api.stop();
  const stopSeconds = (performance.now() - stopStarted) / 1000;
  // The main thread's profile (thread id 0 in `CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`):
  // under `--import tsx` the loader's thread writes one too.
  const file = readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) throw new Error("no profile written");
  summarize(
    JSON.parse(readFileSync(join(profileDir, file), "utf8")) as Profile,
    result.okRps,
    stopSeconds,
  );
} finally {
  tmp.remove();
}

function bucketOf(url: string, name: string): string {
  if (name === "(garbage collector)") return "GC";
  if (name === "(idle)" || name === "(program)") return name;
  if (url === "") return `native: ${name || "(anonymous)"}`;
  const pkg = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  if (url.startsWith("node:")) return url;
  const app = url.match(/apps\/api\/dist\/(.+)$/);
  return app ? `api: ${app[1]}` : url;
}

function summarize(profile: Profile, okRps: number, stopSeconds: number) {
  // Only the measured run: the samples of the profile's last `seconds - 0.5` s, which end with
  // the shutdown (`stopSeconds`, mostly idle and not counted), so they hold that much less load.
  const window = seconds - 0.5;
  const from = profile.endTime - window * 1e6;
  const selfTime = new Map<number, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t >= from) selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
  });
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    const bucket = bucketOf(url, functionName);
    if (bucket === "(idle)") continue;
    total += micros;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
    const fn = `${functionName || "(anonymous)"} ${bucket}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
  }
  const answered = okRps * Math.max(window - stopSeconds, 0.1);
  const pct = (micros: number) =>
    `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / answered).toFixed(1).padStart(6)} µs`;
  console.log(
    `${scenario}: ${okRps} req/s (2xx) under the profiler; busy CPU ${(total / 1e6).toFixed(1)} s, ` +
      `${(total / answered).toFixed(1)} µs per answered request`,
  );
  console.log("(share of the busy time, then microseconds per answered request)");
  console.log("\nself time by package / file");
  for (const [name, micros] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${pct(micros)}  ${name.slice(0, 120)}`);
  }
  console.log("\ntop functions (self time)");
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${pct(micros)}  ${name.slice(0, 120)}`);
  }
}
