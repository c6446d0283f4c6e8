/**
 * Sustained load: mixed traffic (offers, submit, stats, list, health) at a fixed rate well below
 * capacity against the built API for RELIABILITY_SOAK_SECONDS (60 by default). Zero errors, the
 * achieved rate within ±5 % of the target, an absolute p99 ceiling, the p99 of the last 20 s close
 * to that of the first 20 s, and RSS not growing (the slope of a least-squares line through every
 * sample after warm-up, as bytes per request).
 *
 * The latency bounds judge the API, not the machine: a separate witness process
 * (src/lib/host-probe.ts) notes when the host itself stalled (its own timer fired late, or its own
 * fsync on the same filesystem was slow), and requests in flight during such a stall are reported
 * but left out of the p99s. A stall of the API alone (a blocked event loop, GC, a leak) is not
 * seen by the witness and fails the bounds. At least half the requests must be judged.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { type ApiProcess, tempDir } from "@windback/testkit";
import { afterAll, expect, test } from "vitest";
import { BENCH_ORIGIN, createTenant, putDiscountOffer } from "../src/lib/api-setup.js";
import { type HostProbe, overlapsStall, startHostProbe } from "../src/lib/host-probe.js";
import { rssMb, startBenchApi } from "../src/lib/processes.js";
import { record } from "./summary.js";

const SECONDS = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 60);
const RATE = Number(process.env.RELIABILITY_SOAK_RATE ?? 150);
const WINDOW = Math.min(20, Math.floor(SECONDS / 3));
const WARMUP_S = Math.min(10, Math.floor(SECONDS / 6));
/** Generous: a shared 2-core machine, not a tuned server (RELIABILITY_SOAK_P99_MS to change it). */
const P99_CEILING_MS = Number(process.env.RELIABILITY_SOAK_P99_MS ?? 250);
/**
 * RSS growth allowed per request after warm-up. V8 grows the heap lazily within 60 s (about
 * 1.1 KB per request measured on an idle machine, with the final RSS flat against the peak), so
 * 2 KB; a real leak of a few KB per request still exceeds it.
 */
const MAX_RSS_BYTES_PER_REQUEST = 2048;

/** The slope (per second) of the least-squares line through `points`. */
function slope(points: { t: number; v: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanV = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.v - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const tmp = tempDir("windback-soak-");
let server: ApiProcess | undefined;
let probe: HostProbe | undefined;

afterAll(async () => {
  await probe?.stop();
  await server?.stop();
  tmp.remove();
});

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}
const p99 = (values: number[]) => percentile(values, 0.99);

test(`${SECONDS} s of mixed traffic at ${RATE} req/s`, {
  timeout: (SECONDS + 60) * 1000,
}, async () => {
  server = await startBenchApi({ databasePath: join(tmp.path, "soak.db"), startTimeoutMs: 60_000 });
  const tenant = await createTenant(server.url, "soak");
  await putDiscountOffer(server.url, tenant);
  const cf = { "x-api-key": tenant.pub, origin: BENCH_ORIGIN };
  let n = 0;

  probe = startHostProbe(tmp.path);
  const started = Date.now();
  const latencies: { t: number; ms: number; route: string; sentAt: number; doneAt: number }[] = [];
  const rss: { t: number; mb: number }[] = [];
  const pid = server.pid;
  const sampler = setInterval(() => {
    const mb = rssMb(pid);
    if (mb !== null) rss.push({ t: (Date.now() - started) / 1000, mb });
  }, 1000);

  // An open-loop paced sender: one request every 1000/RATE ms, whatever the previous ones are
  // doing (autocannon's overallRate sends each second's budget in a burst, which measures its own
  // queueing rather than the server's).
  const mix: {
    method: "GET" | "POST";
    path: string;
    headers: Record<string, string>;
    body?: () => string;
  }[] = [
    { method: "GET", path: "/api/v1/cancel-flow/offers?reason=too_expensive", headers: cf },
    {
      method: "POST",
      path: "/api/v1/cancel-flow/submit",
      headers: { ...cf, "content-type": "application/json" },
      body: () =>
        JSON.stringify({
          customer_email: `soak-${++n}@soak.example`,
          cancel_reason: "too_expensive",
          mrr: 2900,
        }),
    },
    { method: "GET", path: "/api/v1/projects/default/stats", headers: { "x-api-key": tenant.sk } },
    {
      method: "GET",
      path: "/api/v1/projects/default/churn-events?limit=20",
      headers: { "x-api-key": tenant.sk },
    },
    { method: "GET", path: "/health", headers: {} },
  ];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  const failures: string[] = [];
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const total = SECONDS * RATE;
  const base = server.url;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const spec = mix[i % mix.length] as (typeof mix)[number];
    const t0 = performance.now();
    const sentAt = Date.now();
    sent += 1;
    const p: Promise<void> = fetch(`${base}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      ...(spec.body && { body: spec.body() }),
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
        if (res.status >= 300) errors += 1;
        const doneAt = Date.now();
        latencies.push({
          t: (doneAt - started) / 1000,
          ms: performance.now() - t0,
          route: spec.path.split("?")[0] as string,
          sentAt,
          doneAt,
        });
      })
      .catch((error: unknown) => {
        errors += 1;
        // The first few, for the failure message.
        if (failures.length < 3)
          failures.push(
            `${spec.path}: ${String(error)} ${String((error as { cause?: unknown }).cause ?? "")}`,
          );
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  const result = {
    rps: Math.round((latencies.length / elapsed) * 10) / 10,
    requests: sent,
    errors,
    statusCodes,
  };
  clearInterval(sampler);
  await probe.stop();
  const stalls = probe.stalls();
  const witnessed = probe.samples();
  // Requests in flight while the host itself stalled are reported, not judged.
  const judged = latencies.filter((l) => !overlapsStall(stalls, l.sentAt, l.doneAt));

  const first = judged.filter((l) => l.t < WINDOW).map((l) => l.ms);
  const last = judged.filter((l) => l.t >= SECONDS - WINDOW).map((l) => l.ms);
  const p99First = p99(first);
  const p99Last = p99(last);
  const afterWarmup = rss.find((s) => s.t >= WARMUP_S)?.mb ?? rss[0]?.mb ?? 0;
  const finalRss = rss.at(-1)?.mb ?? 0;
  const peakRss = rss.reduce((m, s) => Math.max(m, s.mb), 0);
  const rssSlopeMbPerS = slope(
    rss.filter((s) => s.t >= WARMUP_S).map((s) => ({ t: s.t, v: s.mb })),
  );
  const rssBytesPerRequest = (rssSlopeMbPerS * 1024 * 1024) / RATE;
  const p99All = p99(judged.map((l) => l.ms));
  const summary = {
    seconds: SECONDS,
    target_rate: RATE,
    achieved_rps: result.rps,
    requests: result.requests,
    errors: result.errors,
    status_codes: result.statusCodes,
    p50_ms:
      Math.round(
        percentile(
          latencies.map((l) => l.ms),
          0.5,
        ) * 100,
      ) / 100,
    p99_by_route_ms: Object.fromEntries(
      mix.map((m) => {
        const route = m.path.split("?")[0] as string;
        const values = judged.filter((l) => l.route === route).map((l) => l.ms);
        return [route, Math.round(p99(values) * 100) / 100];
      }),
    ),
    // The witness: its samples, the host's own stalls, and the requests they left out.
    host_witness_samples: witnessed,
    host_stalls: {
      timer: stalls.filter((s) => s.kind === "timer").length,
      fsync: stalls.filter((s) => s.kind === "fsync").length,
      longest_ms: stalls.reduce((m, s) => Math.max(m, s.end - s.start), 0),
    },
    requests_judged: judged.length,
    requests_in_host_stalls: latencies.length - judged.length,
    p99_including_host_stalls_ms: Math.round(p99(latencies.map((l) => l.ms)) * 100) / 100,
    p99_first_window_ms: Math.round(p99First * 100) / 100,
    p99_last_window_ms: Math.round(p99Last * 100) / 100,
    window_s: WINDOW,
    rss_after_warmup_mb: Math.round(afterWarmup * 10) / 10,
    rss_final_mb: Math.round(finalRss * 10) / 10,
    rss_peak_mb: Math.round(peakRss * 10) / 10,
    rss_slope_mb_per_min: Math.round(rssSlopeMbPerS * 60 * 100) / 100,
    rss_bytes_per_request: Math.round(rssBytesPerRequest),
    p99_ms: Math.round(p99All * 100) / 100,
    // Other processes on the machine skew every latency here; this says how busy it was.
    load_average_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
  const slow = latencies.filter((l) => l.ms > 100);
  const slowJudged = judged.filter((l) => l.ms > 100);
  console.log(`[soak] ${JSON.stringify(summary)}`);
  console.log(
    `[soak] responses slower than 100 ms: ${slow.length} (${slowJudged.length} outside host stalls), at seconds ${[...new Set(slow.map((l) => Math.floor(l.t)))].join(",")}`,
  );
  if (stalls.length > 0)
    console.log(
      `[soak] host stalls (ms from start): ${stalls
        .slice(0, 20)
        .map((s) => `${s.kind} ${s.start - started}+${s.end - s.start}`)
        .join(", ")}`,
    );
  record("sustained_load", summary);

  expect(result.errors, `${JSON.stringify(result.statusCodes)} ${failures.join("; ")}`).toBe(0);
  expect(latencies.length).toBe(RATE * SECONDS);
  // The witness ran the whole time (a 10 ms timer, an fsync every 100 ms; a loaded host delays
  // both, which the stalls record, so the floors only catch a witness that died) …
  expect(witnessed.timer, "witness timer ticks").toBeGreaterThanOrEqual(SECONDS * 10);
  expect(witnessed.fsync, "witness fsyncs").toBeGreaterThanOrEqual(SECONDS);
  // … and the host was quiet enough for most of the run to judge the API.
  expect(judged.length, "requests outside host stalls").toBeGreaterThanOrEqual(
    latencies.length / 2,
  );
  // The rate asked for was the rate delivered (a stalled sender or server falls short).
  expect(Math.abs(result.rps - RATE) / RATE, `achieved ${result.rps} req/s`).toBeLessThanOrEqual(
    0.05,
  );
  expect(p99All, "p99 over the whole run (ms)").toBeLessThanOrEqual(P99_CEILING_MS);
  // Stable: within 2x of the first window, with 10 ms of slack for a 2-core machine's scheduling.
  expect(p99Last).toBeLessThanOrEqual(2 * p99First + 10);
  // Not growing: the final RSS within 1.5x of the RSS after warm-up, and the fitted slope small.
  expect(finalRss).toBeLessThanOrEqual(1.5 * afterWarmup);
  expect(rssBytesPerRequest, "RSS growth per request after warm-up (bytes)").toBeLessThanOrEqual(
    MAX_RSS_BYTES_PER_REQUEST,
  );
});
