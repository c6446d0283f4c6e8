/**
 * Starts the real stack the way a self-hoster runs it: the built API as a child process on a
 * free port with a throwaway database, and the demo SaaS page in this process. Used by the
 * Playwright global setup, by tests that need an API of their own, and by the demo tour.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { waitForHealth } from "@windback/demo/health";
import { type DemoCredentials, seedDemo } from "@windback/demo/seed";
import { startDemoServer } from "@windback/demo/server";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const API_SERVER = join(ROOT, "apps/api/dist/server.js");
const WIDGET_BUNDLE = join(ROOT, "packages/widget/dist/widget.js");

/** Runs `pnpm build` once when a fresh clone has not been built yet. */
export function ensureBuilt(): void {
  if (existsSync(API_SERVER) && existsSync(WIDGET_BUNDLE)) return;
  console.log("[e2e] apps/api/dist or packages/widget/dist is missing: running pnpm build");
  execFileSync("pnpm", ["build"], { cwd: ROOT, stdio: "inherit" });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface ApiProcess {
  url: string;
  port: number;
  databasePath: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ApiOptions {
  databasePath: string;
  /** The cancel-flow budget per key; the real default (10 / 15 s) when omitted. */
  cancelFlowLimit?: number;
  port?: number;
}

const live = new Set<ChildProcess>();
// A crashed runner must not leave API processes behind.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startApi(options: ApiOptions): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_PATH: options.databasePath,
    PUBLIC_URL: url,
    JWT_SECRET: randomBytes(48).toString("base64url"),
    LOG_LEVEL: process.env.E2E_API_LOG_LEVEL ?? "warn",
    // Every test comes from 127.0.0.1: the per-IP budgets would otherwise be shared by the suite.
    RATE_LIMIT_MAX: "100000",
    AUTH_RATE_LIMIT_MAX: "1000",
  };
  if (options.cancelFlowLimit !== undefined) {
    env.CANCEL_FLOW_RATE_LIMIT_MAX = String(options.cancelFlowLimit);
  }
  const child = spawn(process.execPath, [API_SERVER], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  live.add(child);
  const exited = new Promise<void>((done) => {
    child.once("exit", () => {
      live.delete(child);
      done();
    });
  });
  await waitForHealth(url, child);
  return {
    url,
    port,
    databasePath: options.databasePath,
    child,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface DemoServer {
  /** `http://localhost:PORT`, the origin a customer's browser sees. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDemo(apiUrl: string, publicKey: string, port = 0): Promise<DemoServer> {
  const { server, url } = await startDemoServer({ apiUrl, publicKey, port, host: "127.0.0.1" });
  return { url, port: Number(new URL(url).port), close: () => closeServer(server) };
}

/**
 * Seeds the demo account on `api` with a demo page's origins as the allowed ones, then serves
 * that page. The port is reserved first: the page needs the key, the key's project the origin.
 */
export async function seedAndServe(
  api: { url: string },
  stateDir: string,
): Promise<{ demo: DemoServer; credentials: DemoCredentials }> {
  const port = await freePort();
  const credentials = await seedDemo({
    apiUrl: api.url,
    allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    stateFile: join(stateDir, "demo-account.json"),
  });
  const demo = await startDemo(api.url, credentials.publicKey, port);
  return { demo, credentials };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // Browsers keep connections alive; they must not hold the shutdown.
    server.closeAllConnections();
  });
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Stack {
  apiUrl: string;
  /** The allowed demo page. */
  demoUrl: string;
  /** The same demo page on an origin that is NOT in the project's allowed origins. */
  otherUrl: string;
  credentials: DemoCredentials;
  stop(): Promise<void>;
}

/**
 * One API, the demo on an allowed origin and a second copy on a disallowed one, seeded with
 * the demo account. The demo servers start first so their ports are known when seeding.
 */
export async function startStack(options: { cancelFlowLimit?: number } = {}): Promise<Stack> {
  ensureBuilt();
  const dir = tempDir("windback-e2e-");
  const api = await startApi({
    databasePath: join(dir.path, "windback.db"),
    ...(options.cancelFlowLimit !== undefined && { cancelFlowLimit: options.cancelFlowLimit }),
  });
  const stoppers: Array<() => Promise<void>> = [() => api.stop()];
  try {
    const { demo, credentials } = await seedAndServe(api, dir.path);
    stoppers.push(demo.close);
    const other = await startDemo(api.url, credentials.publicKey);
    stoppers.push(other.close);
    return {
      apiUrl: api.url,
      demoUrl: demo.url,
      otherUrl: other.url,
      credentials,
      async stop() {
        await Promise.all(stoppers.map((stop) => stop()));
        dir.remove();
      },
    };
  } catch (error) {
    await Promise.all(stoppers.map((stop) => stop()));
    dir.remove();
    throw error;
  }
}
