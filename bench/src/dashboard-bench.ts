/**
 * The dashboard's two heavy reads (docs/design.md §8, issue 12 "Fast"): `stats/timeseries` over
 * 90 days at 10 k, 100 k and 1 M events (p50 should stay flat: it reads the daily rollup the
 * triggers keep, not the events), and the CSV export of 1 M rows (streamed: the API's peak RSS
 * should not grow with the rows). Part of `pnpm bench`; alone: `pnpm --filter @windback/bench
 * exec tsx src/dashboard-bench.ts`. Writes bench/results/dashboard.json.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureBuilt, generateJwtSecret, tempDir } from "@windback/testkit";
import { createTenant, type Tenant } from "./lib/api-setup.js";
import { RESULTS_DIR } from "./lib/paths.js";
import { rssMb, sampleRss, startBenchApi } from "./lib/processes.js";
import { seedChurnEventsFast } from "./lib/seed-fast.js";

// BENCH_DASHBOARD_SIZES=10000,100000 for a quicker run (the 1 M seed takes minutes).
const SIZES = (process.env.BENCH_DASHBOARD_SIZES ?? "10000,100000,1000000")
  .split(",")
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Number(process.env.BENCH_TIMESERIES_RUNS) || 50;
const log = (message: string) => console.error(`[bench:dashboard] ${message}`);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface DashboardBenchResult {
  timeseries: { events: number; p50_ms: number; p99_ms: number; points: number; runs: number }[];
  csv: {
    rows: number;
    bytes: number;
    seconds: number;
    rows_per_s: number;
    rss_before_mb: number | null;
    rss_peak_mb: number;
  } | null;
  seed_seconds: Record<string, number>;
}

export async function runDashboardBench(): Promise<DashboardBenchResult> {
  ensureBuilt(log);
  const tmp = tempDir("windback-bench-dashboard-");
  const databasePath = join(tmp.path, "bench.db");
  const jwtSecret = generateJwtSecret();
  const tenants = new Map<number, Tenant>();
  const seedSeconds: Record<string, number> = {};
  let api = await startBenchApi({ databasePath, jwtSecret, startTimeoutMs: 90_000 });
  try {
    for (const size of SIZES) tenants.set(size, await createTenant(api.url, `dash-${size}`, []));
    await api.stop();
    // A direct bulk insert (the API is stopped), the rollups rebuilt once per project.
    for (const [size, tenant] of tenants) {
      seedSeconds[size] = round(seedChurnEventsFast(databasePath, tenant.projectId, size, size), 1);
      log(`seeded ${size} events in ${seedSeconds[size]} s`);
    }
    api = await startBenchApi({ databasePath, jwtSecret, startTimeoutMs: 90_000 });

    const now = Date.now();
    const range = `from=${day(now - 89 * 86_400_000)}&to=${day(now + 86_400_000)}&interval=day`;
    const timeseries: DashboardBenchResult["timeseries"] = [];
    for (const [size, tenant] of tenants) {
      const url = `${api.url}/api/v1/projects/${tenant.slug}/stats/timeseries?${range}`;
      const headers = { Authorization: `Bearer ${tenant.sk}` };
      let points = 0;
      const times: number[] = [];
      for (let i = 0; i < RUNS + 5; i++) {
        const t0 = performance.now();
        const res = await fetch(url, { headers });
        const body = (await res.json()) as { data: { points: unknown[] } };
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`timeseries answered ${res.status}`);
        points = body.data.points.length;
        if (i >= 5) times.push(ms); // the first five warm up the process and the page cache
      }
      times.sort((a, b) => a - b);
      const row = {
        events: size,
        p50_ms: round(percentile(times, 50)),
        p99_ms: round(percentile(times, 99)),
        points,
        runs: RUNS,
      };
      timeseries.push(row);
      log(`timeseries 90 days at ${size} events: p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms`);
    }

    const biggest = tenants.get(SIZES[SIZES.length - 1] as number) as Tenant;
    const rssBefore = rssMb(api.pid);
    const sampler = sampleRss(api.pid, 50);
    const t0 = performance.now();
    const res = await fetch(`${api.url}/api/v1/projects/${biggest.slug}/churn-events.csv`, {
      headers: { Authorization: `Bearer ${biggest.sk}` },
    });
    if (res.status !== 200 || !res.body) throw new Error(`CSV answered ${res.status}`);
    // Counted as it arrives, never held: the client must not be what uses the memory.
    let bytes = 0;
    let newlines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) newlines += 1;
    }
    const seconds = (performance.now() - t0) / 1000;
    const peak = sampler.stop();
    const rows = newlines - 1; // the header row
    const csv = {
      rows,
      bytes,
      seconds: round(seconds),
      rows_per_s: Math.round(rows / seconds),
      rss_before_mb: rssBefore === null ? null : round(rssBefore, 1),
      rss_peak_mb: round(peak, 1),
    };
    log(
      `CSV of ${rows} rows (${(bytes / 1e6).toFixed(0)} MB) in ${csv.seconds} s; API RSS ${csv.rss_before_mb} MB before, peak ${csv.rss_peak_mb} MB`,
    );
    const result = { timeseries, csv, seed_seconds: seedSeconds };
    writeFileSync(join(RESULTS_DIR, "dashboard.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(markdown(result));
    return result;
  } finally {
    await api.stop();
    tmp.remove();
  }
}

function markdown(r: DashboardBenchResult): string {
  const lines = [
    "",
    "### Dashboard reads",
    "",
    "| events | stats/timeseries, 90 days, p50 (ms) | p99 (ms) |",
    "| --- | --- | --- |",
    ...r.timeseries.map((t) => `| ${t.events} | ${t.p50_ms} | ${t.p99_ms} |`),
  ];
  if (r.csv) {
    lines.push(
      "",
      `CSV export: ${r.csv.rows} rows, ${(r.csv.bytes / 1e6).toFixed(0)} MB in ${r.csv.seconds} s (${r.csv.rows_per_s} rows/s); API RSS ${r.csv.rss_before_mb} MB before, peak ${r.csv.rss_peak_mb} MB.`,
    );
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runDashboardBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
