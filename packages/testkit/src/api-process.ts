import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { API_SERVER_JS, REPO_ROOT } from "./paths.js";
import { freePort } from "./ports.js";
import { type ServiceProcess, spawnService } from "./processes.js";
import { type TempDir, tempDir } from "./temp-dir.js";

/** Per-IP and per-key budgets (requests per window); the API's own default where omitted. */
export interface RateLimits {
  /** `RATE_LIMIT_MAX`, per IP. */
  general?: number;
  /** `AUTH_RATE_LIMIT_MAX`, register and login per IP. */
  auth?: number;
  /** `CANCEL_FLOW_RATE_LIMIT_MAX`, per key and client. */
  cancelFlow?: number;
  /** `CANCEL_FLOW_KEY_CEILING_MAX`, per key whatever the client. */
  cancelFlowKeyCeiling?: number;
  /** `TRACK_RATE_LIMIT_MAX`, per key. */
  track?: number;
}

/**
 * Every request of a suite comes from 127.0.0.1, so the per-IP budgets would be shared by all
 * of its tests: these are raised by default. The per-key cancel-flow budget stays the real one.
 */
export const TEST_RATE_LIMITS: RateLimits = { general: 100_000, auth: 1000 };

/** High enough that a benchmark or a soak never meets a limit. */
export const UNLIMITED_RATE_LIMITS: Required<RateLimits> = {
  general: 10_000_000,
  auth: 10_000_000,
  cancelFlow: 10_000_000,
  cancelFlowKeyCeiling: 10_000_000,
  track: 10_000_000,
};

export interface StartApiOptions {
  /** The SQLite file; a new one in a temp dir (deleted by `stop()`) when omitted. */
  databasePath?: string;
  /** A free port when omitted. */
  port?: number;
  /** Random (48 bytes) when omitted; pass the same one to keep tokens valid across restarts. */
  jwtSecret?: string;
  /** `test` by default; the benchmarks measure `production`. */
  nodeEnv?: "test" | "production" | "development";
  /** `LOG_LEVEL`; `warn` by default. */
  logLevel?: string;
  /** {@link TEST_RATE_LIMITS} by default. */
  rateLimits?: RateLimits;
  /** Anything else the API reads (wins over everything above). */
  env?: Record<string, string>;
  /** `capture` (default) keeps the output for `output()` and error messages. */
  output?: "capture" | "inherit";
  startTimeoutMs?: number;
  /**
   * A command the API runs under, which ends by exec'ing its arguments (the fault tests run it
   * under `prlimit --fsize=…` for a real full disk): the process keeps its pid.
   */
  wrapper?: readonly string[];
}

export interface ApiProcess extends ServiceProcess {
  databasePath: string;
  jwtSecret: string;
  /**
   * Stops this process (SIGTERM; `kill9()` first for a crash) and starts a new one on the same
   * database, port and JWT secret, so URLs and tokens held by the caller keep working. Use the
   * process it returns from then on.
   */
  restart(): Promise<ApiProcess>;
}

export function generateJwtSecret(): string {
  return randomBytes(48).toString("base64url");
}

/**
 * Starts the BUILT API (`node apps/api/dist/server.js`) as a child process on 127.0.0.1, and
 * resolves once `/health` answers. The child is killed if this process exits first.
 */
export async function startApi(options: StartApiOptions = {}): Promise<ApiProcess> {
  if (!existsSync(API_SERVER_JS)) {
    throw new Error(`${API_SERVER_JS} is missing: run pnpm build first`);
  }
  const scratch = options.databasePath === undefined ? tempDir("windback-api-") : undefined;
  try {
    return await launch(options, {
      databasePath: options.databasePath ?? join(scratch?.path ?? "", "windback.db"),
      jwtSecret: options.jwtSecret ?? generateJwtSecret(),
      port: options.port ?? (await freePort()),
      scratch,
    });
  } catch (error) {
    scratch?.remove();
    throw error;
  }
}

interface Instance {
  databasePath: string;
  jwtSecret: string;
  port: number;
  /** The throwaway database's directory, removed by `stop()`; none for a caller's database. */
  scratch: TempDir | undefined;
}

async function launch(options: StartApiOptions, instance: Instance): Promise<ApiProcess> {
  const { databasePath, jwtSecret, port, scratch } = instance;
  const limits = { ...TEST_RATE_LIMITS, ...options.rateLimits };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: options.nodeEnv ?? "test",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: databasePath,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: options.logLevel ?? "warn",
    ...(limits.general !== undefined && { RATE_LIMIT_MAX: String(limits.general) }),
    ...(limits.auth !== undefined && { AUTH_RATE_LIMIT_MAX: String(limits.auth) }),
    ...(limits.cancelFlow !== undefined && {
      CANCEL_FLOW_RATE_LIMIT_MAX: String(limits.cancelFlow),
    }),
    ...(limits.cancelFlowKeyCeiling !== undefined && {
      CANCEL_FLOW_KEY_CEILING_MAX: String(limits.cancelFlowKeyCeiling),
    }),
    ...(limits.track !== undefined && { TRACK_RATE_LIMIT_MAX: String(limits.track) }),
    ...options.env,
  };
  const [command = process.execPath, ...wrapperArgs] = options.wrapper ?? [];
  const service = await spawnService({
    command,
    args: options.wrapper ? [...wrapperArgs, process.execPath, API_SERVER_JS] : [API_SERVER_JS],
    env,
    cwd: REPO_ROOT,
    port,
    ...(options.output && { output: options.output }),
    ...(options.startTimeoutMs !== undefined && { startTimeoutMs: options.startTimeoutMs }),
  });
  // After restart() the database belongs to the new process: this one must not delete it.
  let handedOver = false;
  return {
    ...service,
    databasePath,
    jwtSecret,
    async stop(signal, graceMs) {
      await service.stop(signal, graceMs);
      if (!handedOver) scratch?.remove();
    },
    async restart() {
      await service.stop();
      handedOver = true;
      return launch(options, instance);
    },
  };
}
