/**
 * Starts the real stack the way a self-hoster runs it: the built API as a child process on a
 * free port with a throwaway database (@windback/testkit), and the demo SaaS page in this
 * process. Used by the Playwright global setup, by tests that need an API of their own, and by
 * the demo tour.
 */
import type { Server } from "node:http";
import { join } from "node:path";
import {
  type CustomerVerification,
  type DemoCredentials,
  type DemoTokenSecret,
  seedDemo,
} from "@windback/demo/seed";
import { startDemoServer } from "@windback/demo/server";
import {
  type ApiProcess,
  ensureBuilt,
  freePort,
  REPO_ROOT,
  startApi as startTestApi,
  tempDir,
} from "@windback/testkit";

export { type ApiProcess, freePort, tempDir };
export const ROOT = REPO_ROOT;

export interface ApiOptions {
  databasePath: string;
  /** The cancel-flow budget per key; the real default (10 / 15 s) when omitted. */
  cancelFlowLimit?: number;
  port?: number;
  /** More environment for the API (docs/design.md §4). */
  env?: Record<string, string>;
}

/** The built API for a browser test: its log (warn and up) goes to the runner's output. */
export function startApi(options: ApiOptions): Promise<ApiProcess> {
  return startTestApi({
    databasePath: options.databasePath,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.cancelFlowLimit !== undefined && {
      rateLimits: { cancelFlow: options.cancelFlowLimit },
    }),
    ...(options.env && { env: options.env }),
    logLevel: process.env.E2E_API_LOG_LEVEL ?? "warn",
    output: "inherit",
    // A shared, busy machine can take longer than the default 20 s to start Node.
    startTimeoutMs: 60_000,
  });
}

export interface DemoServer {
  /** `http://localhost:PORT`, the origin a customer's browser sees. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The demo page; with the project's token secret it mints its customers' tokens. */
export async function startDemo(
  apiUrl: string,
  publicKey: string,
  port = 0,
  customerTokenSecret?: DemoTokenSecret,
): Promise<DemoServer> {
  const { server, url } = await startDemoServer({
    apiUrl,
    publicKey,
    port,
    host: "127.0.0.1",
    ...(customerTokenSecret && { customerTokenSecret }),
  });
  return { url, port: Number(new URL(url).port), close: () => closeServer(server) };
}

/**
 * Seeds the demo account on `api` with a demo page's origins as the allowed ones, then serves
 * that page. The port is reserved first: the page needs the key, the key's project the origin.
 */
export async function seedAndServe(
  api: { url: string },
  stateDir: string,
  customerVerification?: CustomerVerification,
): Promise<{ demo: DemoServer; credentials: DemoCredentials }> {
  const port = await freePort();
  const credentials = await seedDemo({
    apiUrl: api.url,
    allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    stateFile: join(stateDir, "demo-account.json"),
    ...(customerVerification && { customerVerification }),
  });
  const demo = await startDemo(
    api.url,
    credentials.publicKey,
    port,
    credentials.customerTokenSecret,
  );
  return { demo, credentials };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // Browsers keep connections alive; they must not hold the shutdown.
    server.closeAllConnections();
  });
}

/**
 * Outbound webhooks in the browser tests (docs/webhooks.md): the test's receiver listens on
 * 127.0.0.1, which the SSRF guard refuses unless private targets are allowed; and the automatic
 * retry after a failure waits 10 minutes, so what the delivery log shows after "Redeliver" is
 * Redeliver's doing (the default schedule would retry by itself after about 5 s).
 */
const WEBHOOK_TEST_ENV = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
  WEBHOOK_RETRY_SCHEDULE_MS: "0,600000",
};

export interface Stack {
  apiUrl: string;
  /** The allowed demo page. */
  demoUrl: string;
  /** The same demo page on an origin that is NOT in the project's allowed origins. */
  otherUrl: string;
  credentials: DemoCredentials;
  /** The API's SQLite file (the demo tour adds history to it with the API's seed CLI). */
  databasePath: string;
  stop(): Promise<void>;
}

/**
 * One API, the demo on an allowed origin and a second copy on a disallowed one, seeded with
 * the demo account. The demo servers start first so their ports are known when seeding.
 */
export async function startStack(options: { cancelFlowLimit?: number } = {}): Promise<Stack> {
  ensureBuilt((message) => console.log(`[e2e] ${message}`));
  const dir = tempDir("windback-e2e-");
  const databasePath = join(dir.path, "windback.db");
  const api = await startApi({
    databasePath,
    ...(options.cancelFlowLimit !== undefined && { cancelFlowLimit: options.cancelFlowLimit }),
    env: WEBHOOK_TEST_ENV,
  });
  const stoppers: Array<() => Promise<void>> = [() => api.stop()];
  try {
    const { demo, credentials } = await seedAndServe(api, dir.path);
    stoppers.push(demo.close);
    const other = await startDemo(
      api.url,
      credentials.publicKey,
      0,
      credentials.customerTokenSecret,
    );
    stoppers.push(other.close);
    return {
      apiUrl: api.url,
      demoUrl: demo.url,
      otherUrl: other.url,
      credentials,
      databasePath,
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
