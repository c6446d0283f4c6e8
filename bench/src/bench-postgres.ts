/**
 * The storage comparison of `pnpm bench` (also alone: `pnpm --filter @windback/bench bench:postgres`):
 * the hot scenarios on SQLite (one instance), PostgreSQL + Redis (one instance) and PostgreSQL +
 * Redis (two instances sharing the load), each next to the bare Fastify baseline measured in the
 * same run (its own process, rounds alternated with the subject), so every mode gets a ratio.
 * Only 2xx answers count as throughput. Writes bench/results/postgres.json and prints a markdown
 * table. Needs PostgreSQL and Redis (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, the local ones by
 * default): when either is unreachable it prints why and skips (exit 0), since `pnpm bench` runs
 * on laptops without them. Measures, never judges.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import {
  type ApiProcess,
  ensureBuilt,
  generateJwtSecret,
  type ServiceProcess,
} from "@windback/testkit";
import pg from "pg";
import { BENCH_ORIGIN, createTenant, putDiscountOffer, type Tenant } from "./lib/api-setup.js";
import { type LoadRequest, runLoad } from "./lib/load.js";
import { median } from "./lib/numbers.js";
import { RESULTS_DIR } from "./lib/paths.js";
import { startBaseline, startBenchApi } from "./lib/processes.js";

const DURATION = Number(process.env.BENCH_DURATION) || 5;
/** Rounds per scenario: baseline and subject alternate, the median ratio is reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 20;
const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const log = (message: string) => console.error(`[bench:postgres] ${message}`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const scenarios = (tenant: Tenant): { name: string; request: LoadRequest }[] => [
  {
    name: "GET /cancel-flow/offers",
    request: {
      path: "/api/v1/cancel-flow/offers?reason=too_expensive",
      headers: { "x-api-key": tenant.pub, origin: BENCH_ORIGIN },
    },
  },
  {
    name: "POST /cancel-flow/submit",
    request: {
      method: "POST",
      path: "/api/v1/cancel-flow/submit",
      headers: { "x-api-key": tenant.pub, origin: BENCH_ORIGIN },
      body: () =>
        JSON.stringify({
          customer_email: `${randomUUID()}@bench.example`,
          cancel_reason: "too_expensive",
          mrr: 4900,
        }),
    },
  },
  {
    name: "GET /stats",
    request: {
      path: `/api/v1/projects/default/stats`,
      headers: { "x-api-key": tenant.sk },
    },
  },
];

interface Row {
  mode: string;
  scenario: string;
  /** 2xx answers per second, all instances added up (median round). */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Non-2xx answers and socket errors over all rounds. */
  errors: number;
  /** The bare Fastify server's req/s in the same rounds (median). */
  baseline_rps: number;
  /** Median over the rounds of rps / the round's baseline. */
  ratio: number;
}

/**
 * Every scenario against `servers`, the connections split evenly and the rates added up, in
 * rounds alternated with the baseline (same connection count, same duration).
 */
async function measureMode(
  mode: string,
  servers: ApiProcess[],
  baseline: ServiceProcess,
): Promise<Row[]> {
  const primary = servers[0] as ApiProcess;
  const tenant = await createTenant(primary.url, mode.replace(/\W+/g, "-"));
  await putDiscountOffer(primary.url, tenant);
  const rows: Row[] = [];
  for (const { name, request } of scenarios(tenant)) {
    const per = Math.max(1, Math.round(CONNECTIONS / servers.length));
    const run = (seconds: number) =>
      Promise.all(
        servers.map((server) =>
          runLoad({
            url: server.url,
            requests: [request],
            connections: per,
            durationSeconds: seconds,
          }),
        ),
      );
    const runBaseline = (seconds: number) =>
      runLoad({
        url: baseline.url,
        requests: [{ path: "/" }],
        connections: CONNECTIONS,
        durationSeconds: seconds,
      });
    await run(2); // warm-up
    const rounds: { rps: number; base: number; p50: number; p99: number; errors: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const base = await runBaseline(DURATION);
      const results = await run(DURATION);
      const rps = results.reduce((sum, x) => sum + x.okRps, 0);
      rounds.push({
        rps,
        base: base.okRps,
        // The slowest instance's percentiles: what a client of the pair sees at worst.
        p50: Math.max(...results.map((x) => x.p50_ms)),
        p99: Math.max(...results.map((x) => x.p99_ms)),
        errors: results.reduce((sum, x) => sum + x.errors, 0),
      });
    }
    const row: Row = {
      mode,
      scenario: name,
      rps: round(median(rounds.map((x) => x.rps)), 0),
      p50_ms: median(rounds.map((x) => x.p50)),
      p99_ms: median(rounds.map((x) => x.p99)),
      errors: rounds.reduce((sum, x) => sum + x.errors, 0),
      baseline_rps: round(median(rounds.map((x) => x.base)), 0),
      ratio: round(median(rounds.map((x) => (x.base > 0 ? x.rps / x.base : 0)))),
    };
    log(
      `${mode} · ${name}: ${row.rps} req/s (${row.ratio}× baseline), p99 ${row.p99_ms} ms, ${row.errors} errors`,
    );
    rows.push(row);
  }
  return rows;
}

/** Why PostgreSQL or Redis cannot be used, or null when both answer. */
async function unavailable(): Promise<string | null> {
  try {
    await admin("SELECT 1");
  } catch (error) {
    return `PostgreSQL at ${PG_ADMIN_URL} is unreachable (${(error as Error).message})`;
  }
  const redis = new URL(REDIS_URL);
  const pong = await new Promise<string>((resolve) => {
    const socket = connect(Number(redis.port || 6379), redis.hostname);
    socket.setTimeout(2000, () => socket.destroy(new Error("timed out")));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.end();
      resolve(data.toString().trim());
    });
    socket.once("error", (error) => resolve(error.message));
  });
  return pong === "+PONG" ? null : `Redis at ${REDIS_URL} did not answer PING (${pong})`;
}

async function measureAll(rows: Row[], jwtSecret: string, baseline: ServiceProcess) {
  const sqlite = await startBenchApi({ jwtSecret, startTimeoutMs: 60_000 });
  try {
    rows.push(...(await measureMode("SQLite, 1 instance", [sqlite], baseline)));
  } finally {
    await sqlite.stop();
  }

  const database = `windback_bench_${randomBytes(5).toString("hex")}`;
  const prefix = `windback-bench-${randomBytes(4).toString("hex")}:`;
  await admin(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${database}`;
    const env = { DATABASE_URL: url.href, REDIS_URL, REDIS_PREFIX: prefix };
    const one = await startBenchApi({ jwtSecret, env, startTimeoutMs: 60_000 });
    try {
      rows.push(...(await measureMode("PostgreSQL + Redis, 1 instance", [one], baseline)));
      const two = await startBenchApi({ jwtSecret, env, startTimeoutMs: 60_000 });
      try {
        rows.push(...(await measureMode("PostgreSQL + Redis, 2 instances", [one, two], baseline)));
      } finally {
        await two.stop();
      }
    } finally {
      await one.stop();
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

async function main() {
  ensureBuilt(log);
  const reason = await unavailable();
  if (reason) {
    log(`skipped: ${reason}`);
    return;
  }
  const loadAtStart = round(loadavg()[0] ?? 0);
  if (loadAtStart > 1)
    log(`WARNING: load average ${loadAtStart}: other work will skew the numbers`);
  const rows: Row[] = [];
  const jwtSecret = generateJwtSecret();
  const baseline = await startBaseline();
  try {
    await measureAll(rows, jwtSecret, baseline);
  } finally {
    await baseline.stop();
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, "postgres.json");
  const meta = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAtStart,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    rounds: ROUNDS,
  };
  writeFileSync(file, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  console.log(
    "| Mode | Scenario | req/s (2xx) | p50 ms | p99 ms | errors | baseline req/s | ratio |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.scenario} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors} | ${r.baseline_rps} | ${r.ratio} |`,
    );
  }
  log(`written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
