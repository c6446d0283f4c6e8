import { readFileSync } from "node:fs";
import {
  API_SERVER_JS,
  type ApiProcess,
  freePort,
  REPO_ROOT,
  type ServiceProcess,
  type StartApiOptions,
  spawnService,
  startApi,
  UNLIMITED_RATE_LIMITS,
} from "@windback/testkit";

/** Resident set size of a process in MiB, from /proc (Linux). `peak` reads VmHWM instead of VmRSS. */
export function rssMb(pid: number, peak = false): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = status.match(peak ? /^VmHWM:\s+(\d+) kB/m : /^VmRSS:\s+(\d+) kB/m);
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads) a process has used so far, in microseconds, from
 * /proc/<pid>/stat (Linux; null elsewhere or once the process is gone). The difference over a
 * load run divided by the requests answered is the CPU a request costs, which a noisy machine
 * disturbs far less than the requests per second.
 */
export function cpuMicros(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces and ")": the fields after it start past its last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs`; `stop()` returns the highest value seen. */
export function sampleRss(pid: number, intervalMs = 100) {
  const samples: { t: number; mb: number }[] = [];
  const started = Date.now();
  const take = () => {
    const mb = rssMb(pid);
    if (mb !== null) samples.push({ t: Date.now() - started, mb });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop(): number {
      clearInterval(timer);
      take();
      return samples.reduce((max, s) => Math.max(max, s.mb), 0);
    },
  };
}

const START_TIMEOUT_MS = 90_000;

/**
 * The built API as a self-hoster runs it (NODE_ENV=production), with rate limits a benchmark or
 * a soak never meets; its output is kept for failure messages.
 */
export function startBenchApi(options: StartApiOptions = {}): Promise<ApiProcess> {
  return startApi({
    nodeEnv: "production",
    rateLimits: UNLIMITED_RATE_LIMITS,
    // A loaded machine can take this long to start Node and open the database.
    startTimeoutMs: START_TIMEOUT_MS,
    ...options,
  });
}

/**
 * The built API as the measured process: like {@link startBenchApi}, at `logLevel`, with its log
 * lines appended to `logFile` by the shell instead of piped through this process (which also runs
 * autocannon: parsing the API's request logs here would slow the load generator, not the API).
 */
export async function startMeasuredApi(options: {
  databasePath: string;
  jwtSecret: string;
  logLevel: string;
  logFile: string;
  /** Another build's `server.js` (to compare before and after a change); this tree's by default. */
  serverJs?: string;
  /** Options for node itself (`--cpu-prof`). */
  nodeArgs?: string[];
}): Promise<ServiceProcess> {
  const port = await freePort();
  const limits = UNLIMITED_RATE_LIMITS;
  return spawnService({
    command: "/bin/sh",
    // exec: the shell becomes the API, so the pid sampled for RSS is the API's.
    args: [
      "-c",
      'log="$1"; shift; exec "$@" >>"$log" 2>&1',
      "sh",
      options.logFile,
      process.execPath,
      ...(options.nodeArgs ?? []),
      options.serverJs ?? API_SERVER_JS,
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_PATH: options.databasePath,
      JWT_SECRET: options.jwtSecret,
      LOG_LEVEL: options.logLevel,
      RATE_LIMIT_MAX: String(limits.general),
      AUTH_RATE_LIMIT_MAX: String(limits.auth),
      CANCEL_FLOW_RATE_LIMIT_MAX: String(limits.cancelFlow),
      CANCEL_FLOW_KEY_CEILING_MAX: String(limits.cancelFlowKeyCeiling),
      TRACK_RATE_LIMIT_MAX: String(limits.track),
    },
    cwd: REPO_ROOT,
    port,
    startTimeoutMs: START_TIMEOUT_MS,
  });
}

/**
 * The bare Fastify baseline (`{"ok":true}` on `/`), in its own process like the API; `nodeArgs`
 * are options for node itself (`--cpu-prof`).
 */
export async function startBaseline(nodeArgs: string[] = []): Promise<ServiceProcess> {
  const port = await freePort();
  const script = new URL("../baseline-server.ts", import.meta.url).pathname;
  return spawnService({
    command: process.execPath,
    args: [...nodeArgs, "--import", "tsx", script],
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: "production" },
    port,
    health: { path: "/", name: "The baseline server" },
    startTimeoutMs: START_TIMEOUT_MS,
  });
}
