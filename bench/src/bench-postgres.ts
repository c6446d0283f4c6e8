/**
 * `pnpm --filter @windback/bench bench:postgres`: the hot scenarios of `pnpm bench` on SQLite (one
 * instance), PostgreSQL (one instance) and PostgreSQL + Redis (two instances behind the load
 * generator), in one run on one machine, so the numbers sit side by side. Writes
 * bench/results/postgres.json and prints a markdown table. Needs PostgreSQL and Redis
 * (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, the local ones by default); measures, never judges.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { type ApiProcess, ensureBuilt, generateJwtSecret } from "@windback/testkit";
import pg from "pg";
import { BENCH_ORIGIN, createTenant, putDiscountOffer, type Tenant } from "./lib/api-setup.js";
import { type LoadRequest, runLoad } from "./lib/load.js";
import { RESULTS_DIR } from "./lib/paths.js";
import { startBenchApi } from "./lib/processes.js";

const DURATION = Number(process.env.BENCH_DURATION) || 10;
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
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** Every scenario against `servers`, the connections split evenly, the rates added up. */
async function measureMode(mode: string, servers: ApiProcess[]): Promise<Row[]> {
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
    await run(2); // warm-up
    const results = await run(DURATION);
    const row: Row = {
      mode,
      scenario: name,
      rps: round(
        results.reduce((sum, r) => sum + r.rps, 0),
        0,
      ),
      // The slowest instance's percentiles: what a client of the pair sees at worst.
      p50_ms: Math.max(...results.map((r) => r.p50_ms)),
      p99_ms: Math.max(...results.map((r) => r.p99_ms)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
    };
    log(`${mode} · ${name}: ${row.rps} req/s, p99 ${row.p99_ms} ms, ${row.errors} errors`);
    rows.push(row);
  }
  return rows;
}

async function main() {
  ensureBuilt(log);
  const loadAtStart = round(loadavg()[0] ?? 0);
  if (loadAtStart > 1)
    log(`WARNING: load average ${loadAtStart}: other work will skew the numbers`);
  const rows: Row[] = [];
  const jwtSecret = generateJwtSecret();

  const sqlite = await startBenchApi({ jwtSecret, startTimeoutMs: 60_000 });
  try {
    rows.push(...(await measureMode("SQLite, 1 instance", [sqlite])));
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
      rows.push(...(await measureMode("PostgreSQL + Redis, 1 instance", [one])));
      const two = await startBenchApi({ jwtSecret, env, startTimeoutMs: 60_000 });
      try {
        rows.push(...(await measureMode("PostgreSQL + Redis, 2 instances", [one, two])));
      } finally {
        await two.stop();
      }
    } finally {
      await one.stop();
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
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
  };
  writeFileSync(file, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  console.log("| Mode | Scenario | req/s | p50 ms | p99 ms | errors |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.scenario} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors} |`,
    );
  }
  log(`written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
