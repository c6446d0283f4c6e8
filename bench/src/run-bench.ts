/**
 * `pnpm bench`: load scenarios against the built API (a child process) with a bare Fastify
 * baseline measured in the same run, growth of stats/list with data, and the widget's size and
 * time to interactive. Writes bench/results/latest.json and prints a markdown table. Never fails
 * on a timing: it measures, it does not judge.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import {
  createAdminClient,
  ensureBuilt,
  expectOk,
  generateJwtSecret,
  type ServiceProcess,
  tempDir,
} from "@windback/testkit";
import {
  BENCH_ORIGIN,
  createTenant,
  hasCancelFlow,
  putDiscountOffer,
  type Tenant,
} from "./lib/api-setup.js";
import { type LoadRequest, type LoadResult, runLoad } from "./lib/load.js";
import { envNumber, median } from "./lib/numbers.js";
import { RESULTS_DIR } from "./lib/paths.js";
import {
  cpuMicros,
  sampleRss,
  startBaseline,
  startBenchApi,
  startMeasuredApi,
} from "./lib/processes.js";
import { seedChurnEvents } from "./lib/seed.js";
import {
  chromiumPath,
  measureWidget,
  startHostPage,
  type WidgetTiming,
  widgetSizes,
} from "./lib/widget-bench.js";

const DURATION = envNumber("BENCH_DURATION", 5);
const GROWTH_DURATION = envNumber("BENCH_GROWTH_DURATION", DURATION);
const WARMUP = Math.min(2, Math.max(1, Math.round(DURATION / 5)));
const CONNECTIONS = envNumber("BENCH_CONNECTIONS", 20);
const LOGIN_CONNECTIONS = envNumber("BENCH_LOGIN_CONNECTIONS", 10);
const WIDGET_RUNS = envNumber("BENCH_WIDGET_RUNS", 20);
/** Rounds per scenario: baseline and API alternate, and the median ratio is reported. */
const ROUNDS = envNumber("BENCH_ROUNDS", 3);
/** Comma-separated parts of scenario names to run (e.g. "offers,submit"); all when empty. */
const ONLY = (process.env.BENCH_SCENARIOS ?? "")
  .split(",")
  .map((part) => part.trim().toLowerCase())
  .filter(Boolean);
/** `BENCH_QUICK=1`: the load scenarios only (no growth, no widget timings). */
const QUICK = process.env.BENCH_QUICK === "1";
const GROWTH_SIZES = [1_000, 10_000, 100_000];

const log = (message: string) => console.error(`[bench] ${message}`);

interface RoundRow {
  baseline_rps: number;
  /** 2xx per second at the default log level (info), and at warn. */
  rps: number;
  rps_warn: number;
  ratio: number;
  ratio_warn: number;
  /** The server process's CPU time per response, in µs (null where /proc cannot tell). */
  baseline_cpu_us: number | null;
  cpu_us: number | null;
  cpu_us_warn: number | null;
}

interface ScenarioRow {
  name: string;
  method: string;
  path: string;
  connections: number;
  /** Medians over the rounds, at the default log level (info); only 2xx responses count. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Non-2xx responses plus socket errors, over every round at info. */
  errors: number;
  rss_mb: number;
  baseline_rps: number;
  /** Median of the rounds' rps / baseline. */
  ratio: number;
  /** The same with LOG_LEVEL=warn. */
  rps_warn: number;
  p99_ms_warn: number;
  errors_warn: number;
  ratio_warn: number;
  /**
   * Medians of the server's CPU time per response (µs), at info and warn, and the baseline's:
   * what a request costs, less disturbed by a noisy machine than the throughput.
   */
  cpu_us: number | null;
  cpu_us_warn: number | null;
  baseline_cpu_us: number | null;
  status_codes: Record<string, number>;
  rounds: RoundRow[];
  note?: string;
}

interface GrowthRow {
  events: number;
  route: "stats" | "list";
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function addCodes(into: Record<string, number>, from: Record<string, number>) {
  for (const [code, count] of Object.entries(from)) into[code] = (into[code] ?? 0) + count;
}

/**
 * Waits until the server answers /health quickly twice in a row: requests still queued from the
 * previous run (a slow route keeps working after autocannon hangs up) must not count in the next.
 */
async function drain(server: ServiceProcess) {
  const deadline = Date.now() + 60_000;
  let quick = 0;
  while (quick < 2 && Date.now() < deadline) {
    const t0 = performance.now();
    try {
      await fetch(`${server.url}${server.healthPath}`, { signal: AbortSignal.timeout(30_000) });
    } catch {
      // A timeout still means "not idle yet".
    }
    quick = performance.now() - t0 < 20 ? quick + 1 : 0;
  }
}

async function measure(
  server: ServiceProcess,
  requests: LoadRequest[],
  connections: number,
  duration: number,
): Promise<LoadResult & { rss_mb: number; cpu_us: number | null }> {
  await runLoad({ url: server.url, requests, connections, durationSeconds: WARMUP });
  await drain(server);
  const rss = sampleRss(server.pid);
  const cpuBefore = cpuMicros(server.pid);
  const result = await runLoad({
    url: server.url,
    requests,
    connections,
    durationSeconds: duration,
  });
  const cpuAfter = cpuMicros(server.pid);
  const rssMb = round(rss.stop(), 1);
  await drain(server);
  const cpu_us =
    cpuBefore === null || cpuAfter === null || result.requests === 0
      ? null
      : round((cpuAfter - cpuBefore) / result.requests, 1);
  return { ...result, rss_mb: rssMb, cpu_us };
}

/** The median of the values /proc could give, or null when it gave none. */
function medianKnown(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : round(median(known), 1);
}

async function main() {
  const started = Date.now();
  const loadAtStart = round(loadavg()[0] ?? 0);
  if (loadAtStart > 1) {
    log(`WARNING: load average ${loadAtStart} before starting: other work will skew the numbers`);
  }
  ensureBuilt(log);
  const tmp = tempDir("windback-bench-");
  const databasePath = join(tmp.path, "bench.db");
  const jwtSecret = generateJwtSecret();
  const servers: ServiceProcess[] = [];
  const cleanup = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    tmp.remove();
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));

  try {
    // 1. Set up accounts, keys, origins and an offer through the API, then stop it.
    log(`setting up tenants in ${databasePath}`);
    const setup = await startBenchApi({ databasePath, jwtSecret });
    servers.push(setup);
    const cancelFlow = await hasCancelFlow(setup.url);
    const main = await createTenant(setup.url, "bench-main");
    if (cancelFlow) await putDiscountOffer(setup.url, main);
    const growthTenants = new Map<number, Tenant>();
    for (const size of GROWTH_SIZES) {
      growthTenants.set(size, await createTenant(setup.url, `bench-growth-${size}`));
    }
    await setup.stop();
    servers.length = 0;

    // 2. Seed the growth projects with a direct bulk insert (the API is stopped), unless no
    // scenario of this run reads them.
    const readsEvents =
      !QUICK || ONLY.length === 0 || ONLY.some((part) => /stats|churn|events/.test(part));
    for (const [size, tenant] of readsEvents ? growthTenants : new Map<number, Tenant>()) {
      const seconds = seedChurnEvents(databasePath, tenant.projectId, size, size);
      log(`seeded ${size} churn events in ${seconds.toFixed(1)} s`);
    }

    // 3. The measured servers, each in its own process: the API at the default log level
    // (info) and at warn, and the bare Fastify baseline. Logs go to a file, as in production.
    const logFile = join(tmp.path, "api.log");
    const apiServer = await startMeasuredApi({
      databasePath,
      jwtSecret,
      logLevel: "info",
      logFile,
    });
    servers.push(apiServer);
    const apiWarn = await startMeasuredApi({
      databasePath,
      jwtSecret,
      logLevel: "warn",
      logFile: join(tmp.path, "api-warn.log"),
    });
    servers.push(apiWarn);
    const baseline = await startBaseline();
    servers.push(baseline);
    log(
      `API pid ${apiServer.pid} (info) and ${apiWarn.pid} (warn); baseline pid ${baseline.pid}; ${ROUNDS} rounds of ${DURATION} s`,
    );

    const big = growthTenants.get(100_000) as Tenant;
    const runId = randomUUID().slice(0, 8);
    let submitCounter = 0;
    const scenarios: {
      name: string;
      request: LoadRequest;
      connections: number;
      needsCancelFlow?: boolean;
      note?: string;
    }[] = [
      {
        name: "GET /cancel-flow/offers",
        needsCancelFlow: true,
        connections: CONNECTIONS,
        request: {
          path: "/api/v1/cancel-flow/offers?reason=too_expensive",
          headers: { "x-api-key": main.pub, origin: BENCH_ORIGIN },
        },
        note: "public key + allowed Origin; an enabled discount offer",
      },
      {
        name: "POST /cancel-flow/submit",
        needsCancelFlow: true,
        connections: CONNECTIONS,
        request: {
          method: "POST",
          path: "/api/v1/cancel-flow/submit",
          headers: { "x-api-key": main.pub, origin: BENCH_ORIGIN },
          body: () => {
            submitCounter += 1;
            return JSON.stringify({
              customer_email: `c-${runId}-${submitCounter}@bench.example`,
              cancel_reason: "too_expensive",
              plan_name: "Pro",
              mrr: 4900,
            });
          },
        },
        note: "a unique customer per request: every request commits a row (synchronous=FULL)",
      },
      {
        name: "GET /stats (100k events)",
        needsCancelFlow: true,
        connections: CONNECTIONS,
        request: { path: "/api/v1/projects/default/stats", headers: { "x-api-key": big.sk } },
      },
      {
        name: "GET /churn-events?limit=20 (100k events)",
        needsCancelFlow: true,
        connections: CONNECTIONS,
        request: {
          path: "/api/v1/projects/default/churn-events?limit=20",
          headers: { "x-api-key": big.sk },
        },
      },
      {
        name: "POST /auth/login (argon2id m=19 MiB t=2 p=1)",
        connections: LOGIN_CONNECTIONS,
        request: {
          method: "POST",
          path: "/api/v1/auth/login",
          body: JSON.stringify({ email: main.email, password: main.password }),
        },
        note: "rps = logins/s",
      },
    ];

    const rows: ScenarioRow[] = [];
    const skipped: string[] = [];
    for (const scenario of scenarios) {
      if (scenario.needsCancelFlow && !cancelFlow) {
        skipped.push(`${scenario.name}: the cancel-flow routes (issue 3) are not in this build`);
        continue;
      }
      if (ONLY.length > 0 && !ONLY.some((part) => scenario.name.toLowerCase().includes(part))) {
        skipped.push(`${scenario.name}: not in BENCH_SCENARIOS`);
        continue;
      }
      log(`measuring ${scenario.name}: ${ROUNDS} rounds, ${scenario.connections} connections`);
      const rounds: RoundRow[] = [];
      const info: Awaited<ReturnType<typeof measure>>[] = [];
      const warn: Awaited<ReturnType<typeof measure>>[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate the order so a drift in machine load does not favour one side.
        const order =
          r % 2 === 0 ? (["base", "info", "warn"] as const) : (["warn", "info", "base"] as const);
        const got: Partial<Record<(typeof order)[number], Awaited<ReturnType<typeof measure>>>> =
          {};
        for (const which of order) {
          const server = which === "base" ? baseline : which === "info" ? apiServer : apiWarn;
          const request = which === "base" ? { path: "/" } : scenario.request;
          got[which] = await measure(server, [request], scenario.connections, DURATION);
        }
        const base = got.base as Awaited<ReturnType<typeof measure>>;
        const atInfo = got.info as Awaited<ReturnType<typeof measure>>;
        const atWarn = got.warn as Awaited<ReturnType<typeof measure>>;
        info.push(atInfo);
        warn.push(atWarn);
        rounds.push({
          baseline_rps: base.okRps,
          rps: atInfo.okRps,
          rps_warn: atWarn.okRps,
          ratio: round(atInfo.okRps / base.okRps, 3),
          ratio_warn: round(atWarn.okRps / base.okRps, 3),
          baseline_cpu_us: base.cpu_us,
          cpu_us: atInfo.cpu_us,
          cpu_us_warn: atWarn.cpu_us,
        });
        log(
          `  round ${r + 1}: baseline ${base.okRps}, info ${atInfo.okRps} (${rounds.at(-1)?.ratio}×), warn ${atWarn.okRps} (${rounds.at(-1)?.ratio_warn}×); non-2xx ${atInfo.non2xx}/${atWarn.non2xx}; CPU µs/request ${base.cpu_us} / ${atInfo.cpu_us} / ${atWarn.cpu_us}`,
        );
      }
      const statusCodes: Record<string, number> = {};
      for (const result of info) addCodes(statusCodes, result.statusCodes);
      rows.push({
        name: scenario.name,
        method: scenario.request.method ?? "GET",
        path: scenario.request.path,
        connections: scenario.connections,
        rps: round(median(info.map((x) => x.okRps)), 1),
        p50_ms: round(median(info.map((x) => x.p50_ms))),
        p99_ms: round(median(info.map((x) => x.p99_ms))),
        errors: info.reduce((sum, x) => sum + x.errors, 0),
        rss_mb: Math.max(...info.map((x) => x.rss_mb), ...warn.map((x) => x.rss_mb)),
        baseline_rps: round(median(rounds.map((x) => x.baseline_rps)), 1),
        ratio: round(median(rounds.map((x) => x.ratio)), 3),
        rps_warn: round(median(warn.map((x) => x.okRps)), 1),
        p99_ms_warn: round(median(warn.map((x) => x.p99_ms))),
        errors_warn: warn.reduce((sum, x) => sum + x.errors, 0),
        ratio_warn: round(median(rounds.map((x) => x.ratio_warn)), 3),
        cpu_us: medianKnown(rounds.map((x) => x.cpu_us)),
        cpu_us_warn: medianKnown(rounds.map((x) => x.cpu_us_warn)),
        baseline_cpu_us: medianKnown(rounds.map((x) => x.baseline_cpu_us)),
        status_codes: statusCodes,
        rounds,
        ...(scenario.note && { note: scenario.note }),
      });
    }

    // 4. Growth: the same two reads at 1k, 10k and 100k events (one project each).
    const growth: GrowthRow[] = [];
    if (QUICK) {
      skipped.push("growth: BENCH_QUICK=1");
    } else if (cancelFlow) {
      for (const [size, tenant] of growthTenants) {
        for (const route of ["stats", "list"] as const) {
          const path =
            route === "stats"
              ? "/api/v1/projects/default/stats"
              : "/api/v1/projects/default/churn-events?limit=20";
          log(`growth: ${route} at ${size} events`);
          const result = await measure(
            apiServer,
            [{ path, headers: { "x-api-key": tenant.sk } }],
            CONNECTIONS,
            GROWTH_DURATION,
          );
          growth.push({
            events: size,
            route,
            rps: result.okRps,
            p50_ms: result.p50_ms,
            p99_ms: result.p99_ms,
            errors: result.errors,
          });
        }
      }
    } else {
      skipped.push("growth: needs the churn-events and stats routes (issue 3)");
    }
    const apiPeakRss = rowsPeak(rows);

    // 5. The widget: sizes from the build, timings in Chromium against this API.
    const sizes = widgetSizes();
    let timing: WidgetTiming | null = null;
    if (QUICK) {
      skipped.push("widget timing: BENCH_QUICK=1");
    } else if (!sizes) {
      skipped.push("widget: packages/widget/dist/widget.js is not built");
    } else {
      const widgetServed = (await fetch(`${apiServer.url}/widget.js`)).ok;
      const browserPath = chromiumPath();
      if (!widgetServed) {
        skipped.push("widget timing: the API does not serve /widget.js in this build");
      } else if (!browserPath) {
        skipped.push("widget timing: no Chromium (set CHROMIUM_PATH)");
      } else {
        const host = await startHostPage(apiServer.url, main.pub);
        try {
          const admin = createAdminClient(apiServer.url, { token: main.token });
          const origins = await admin.allowedOrigins.set(main.slug, [BENCH_ORIGIN, host.origin]);
          expectOk(origins, "allow the widget host page's origin");
          log(`widget: ${WIDGET_RUNS} runs in ${browserPath}`);
          timing = await measureWidget({
            apiUrl: apiServer.url,
            publicKey: main.pub,
            hostOrigin: host.origin,
            runs: WIDGET_RUNS,
            executablePath: browserPath,
            log,
          });
        } catch (error) {
          skipped.push(`widget timing failed: ${String(error).split("\n")[0]}`);
        } finally {
          await host.close();
        }
      }
    }

    const results = {
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? "unknown",
        memory_gb: round(totalmem() / 1024 ** 3, 1),
        node: process.version,
        // Load from other processes skews every number; a quiet machine reads below ~0.5.
        load_average_at_start: loadAtStart,
        load_average_at_end: round(loadavg()[0] ?? 0),
        platform: `${process.platform}-${process.arch}`,
        date: new Date().toISOString(),
      },
      settings: {
        duration_s: DURATION,
        growth_duration_s: GROWTH_DURATION,
        warmup_s: WARMUP,
        connections: CONNECTIONS,
        rounds: ROUNDS,
        login_connections: LOGIN_CONNECTIONS,
        widget_runs: WIDGET_RUNS,
      },
      scenarios: rows,
      growth,
      widget: sizes
        ? {
            ...sizes,
            show_to_interactive_ms_cold: timing?.show_to_interactive_ms_cold ?? null,
            show_to_interactive_ms_warm: timing?.show_to_interactive_ms_warm ?? null,
            show_to_focus_ms_cold: timing?.show_to_focus_ms_cold ?? null,
            show_to_focus_ms_warm: timing?.show_to_focus_ms_warm ?? null,
            iframe_to_ready_ms_cold: timing?.iframe_to_ready_ms_cold ?? null,
            iframe_to_ready_ms_warm: timing?.iframe_to_ready_ms_warm ?? null,
            runs: timing?.runs ?? 0,
            chromium: timing?.chromium ?? null,
          }
        : null,
      api_peak_rss_mb: apiPeakRss,
      skipped,
      elapsed_s: Math.round((Date.now() - started) / 1000),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, "latest.json");
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(renderMarkdown(results));
    log(`wrote ${file}`);
  } finally {
    await cleanup();
  }
}

function rowsPeak(rows: ScenarioRow[]) {
  return rows.reduce((max, r) => Math.max(max, r.rss_mb), 0);
}

type Results = {
  machine: {
    cpus: number;
    cpu_model: string;
    node: string;
    date: string;
    load_average_at_start: number;
    load_average_at_end: number;
  };
  settings: { duration_s: number; connections: number; rounds: number };
  scenarios: ScenarioRow[];
  growth: GrowthRow[];
  widget: Record<string, unknown> | null;
  skipped: string[];
};

function renderMarkdown(r: Results): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `## Windback benchmark — ${m.date.slice(0, 10)}, ${m.cpus} cores (${m.cpu_model}), Node ${m.node}`,
  );
  lines.push("");
  lines.push(
    `Load average (1 min) at start / end: ${m.load_average_at_start} / ${m.load_average_at_end}.`,
  );
  lines.push("");
  lines.push(
    `Each scenario: ${r.settings.rounds} alternated rounds of ${r.settings.duration_s} s of autocannon (a separate process) after a warm-up, against the API at LOG_LEVEL=info (default) and at warn, and a bare Fastify \`{"ok":true}\` server, each in its own process. Medians; only 2xx responses count as req/s.`,
  );
  lines.push("");
  lines.push(
    "| scenario | req/s | p50 ms | p99 ms | non-2xx | peak RSS MB | baseline req/s | ratio | req/s (warn) | p99 ms (warn) | ratio (warn) | CPU µs/request: info / warn / baseline |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const cpu = (value: number | null) => (value === null ? "n/a" : String(value));
  for (const s of r.scenarios) {
    lines.push(
      `| ${s.name} | ${s.rps} | ${s.p50_ms} | ${s.p99_ms} | ${s.errors} | ${s.rss_mb} | ${s.baseline_rps} | ${s.ratio} | ${s.rps_warn} | ${s.p99_ms_warn} | ${s.ratio_warn} | ${cpu(s.cpu_us)} / ${cpu(s.cpu_us_warn)} / ${cpu(s.baseline_cpu_us)} |`,
    );
  }
  if (r.growth.length > 0) {
    lines.push("");
    lines.push("### Growth with data");
    lines.push("");
    lines.push(
      "| events | stats req/s | stats p50 ms | stats p99 ms | list req/s | list p50 ms | list p99 ms |",
    );
    lines.push("|---:|---:|---:|---:|---:|---:|---:|");
    for (const size of [...new Set(r.growth.map((g) => g.events))]) {
      const s = r.growth.find((g) => g.events === size && g.route === "stats");
      const l = r.growth.find((g) => g.events === size && g.route === "list");
      lines.push(
        `| ${size.toLocaleString("en-US")} | ${s?.rps} | ${s?.p50_ms} | ${s?.p99_ms} | ${l?.rps} | ${l?.p50_ms} | ${l?.p99_ms} |`,
      );
    }
  }
  if (r.widget) {
    const w = r.widget;
    const value = (key: string) => (w[key] === null || w[key] === undefined ? "n/a" : w[key]);
    lines.push("");
    lines.push("### Widget");
    lines.push("");
    lines.push("| measure | value |");
    lines.push("|---|---:|");
    lines.push(
      `| widget.js raw / gzip / brotli (bytes) | ${value("raw_bytes")} / ${value("gzip_bytes")} / ${value("brotli_bytes")} |`,
    );
    lines.push(
      `| ui.js (fetched by widget.js) raw / gzip / brotli (bytes) | ${value("ui_raw_bytes")} / ${value("ui_gzip_bytes")} / ${value("ui_brotli_bytes")} |`,
    );
    lines.push(
      `| embed.js raw / gzip / brotli (bytes) | ${value("embed_raw_bytes")} / ${value("embed_gzip_bytes")} / ${value("embed_brotli_bytes")} |`,
    );
    lines.push(
      `| show() → dialog interactive, cold (ms, median of ${value("runs")}) | ${value("show_to_interactive_ms_cold")} |`,
    );
    lines.push(
      `| show() → dialog interactive, warm (ms) | ${value("show_to_interactive_ms_warm")} |`,
    );
    lines.push(
      `| show() → focus in dialog, cold / warm (ms) | ${value("show_to_focus_ms_cold")} / ${value("show_to_focus_ms_warm")} |`,
    );
    lines.push(
      `| iframe inserted → ready message, cold / warm (ms) | ${value("iframe_to_ready_ms_cold")} / ${value("iframe_to_ready_ms_warm")} |`,
    );
  }
  if (r.skipped.length > 0) {
    lines.push("");
    lines.push("Skipped:");
    for (const s of r.skipped) lines.push(`- ${s}`);
  }
  return lines.join("\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
