import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_SERVER_JS } from "./paths.js";

/** A port nobody listens on right now (the OS picks it; we release it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `windback-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

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

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  /** A cheap GET that answers 200 when the server is up. */
  healthPath: string;
  child: ChildProcess;
  /** Everything the child wrote to stderr and stdout so far (for failure messages). */
  output(): string;
  /** Graceful stop (SIGTERM), waiting for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** `kill -9` and wait until the process is gone. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

export async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

function spawnServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  healthPath: string,
): Promise<RunningServer> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once("exit", (code) => resolveExit(code));
  });
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    port,
    pid: child.pid ?? -1,
    healthPath,
    child,
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
  return waitForHttp(`${url}${healthPath}`, 20_000, child).then(
    () => server,
    async (error: unknown) => {
      await server.kill9();
      throw new Error(`server did not start: ${String(error)}\n${out}`);
    },
  );
}

export interface ApiProcessOptions {
  databasePath: string;
  port?: number;
  jwtSecret?: string;
  /** Extra or overriding environment (rate limits, LOG_LEVEL, …). */
  env?: Record<string, string>;
}

/** Rate limits high enough that a benchmark or soak never meets them. */
export const UNLIMITED_RATE_ENV = {
  RATE_LIMIT_MAX: "10000000",
  AUTH_RATE_LIMIT_MAX: "10000000",
  CANCEL_FLOW_RATE_LIMIT_MAX: "10000000",
};

export function generateJwtSecret(): string {
  return randomBytes(48).toString("base64url");
}

/** Starts the BUILT API (`node apps/api/dist/server.js`) as a child process on 127.0.0.1. */
export async function startApi(options: ApiProcessOptions): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_PATH: options.databasePath,
    JWT_SECRET: options.jwtSecret ?? generateJwtSecret(),
    LOG_LEVEL: "warn",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...UNLIMITED_RATE_ENV,
    ...options.env,
  };
  return spawnServer(process.execPath, [API_SERVER_JS], env, port, "/health");
}

/** The bare Fastify baseline (`{"ok":true}`), in its own process like the API. */
export async function startBaseline(): Promise<RunningServer> {
  const port = await freePort();
  const script = new URL("../baseline-server.ts", import.meta.url).pathname;
  return spawnServer(
    process.execPath,
    ["--import", "tsx", script],
    { PATH: process.env.PATH, PORT: String(port), NODE_ENV: "production" },
    port,
    "/",
  );
}
