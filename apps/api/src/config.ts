import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** argon2id cost parameters. */
export interface PasswordHashingParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's recommended argon2id parameters (m=19 MiB, t=2, p=1). */
export const PRODUCTION_PASSWORD_HASHING: PasswordHashingParams = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export interface AppConfig {
  port: number;
  host: string;
  /** A file path, or `:memory:` for tests. */
  databasePath: string;
  /** `DATABASE_URL` (postgres://…): PostgreSQL instead of the SQLite file (docs/design.md §13). */
  databaseUrl?: string | null;
  /** `REDIS_URL` (redis://…): rate-limit counters and cache invalidation shared by every instance. */
  redisUrl?: string | null;
  /** `REDIS_PREFIX`: what every Redis key and channel of this deployment starts with. */
  redisPrefix?: string;
  /** At least 32 bytes. */
  jwtSecret: Uint8Array;
  nodeEnv: "development" | "production" | "test";
  publicUrl: string;
  trustProxy: boolean | number | string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  rateLimits: {
    general: RateLimitRule;
    auth: RateLimitRule;
    cancelFlow: RateLimitRule;
    /** All clients of one key together: a ceiling against floods from many addresses. */
    cancelFlowKeyCeiling: RateLimitRule;
    track: RateLimitRule;
  };
  /** /track: stored events are deleted after this many days (`TRACK_RETENTION_DAYS`). */
  trackRetentionDays: number;
  /** /track: what one project's stored events may take, in bytes (`TRACK_STORAGE_QUOTA_MB`). */
  trackQuotaBytes: number;
  /** `REGISTRATION=closed` refuses new accounts (403) and hides sign-up in the dashboard. */
  registration: "open" | "closed";
  passwordHashing: PasswordHashingParams;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Where the built widget lives (served as /widget.js and /embed; `WIDGET_DIST_DIR`); null disables those routes. */
  widgetDistDir: string | null;
  /** Where the built dashboard lives (served at /dashboard/); null when `DASHBOARD_ENABLED=false`. */
  dashboardDistDir: string | null;
  /** Outbound webhooks (docs/design.md §9). */
  webhooks: {
    /** Loopback and private targets are allowed (`WEBHOOK_ALLOW_PRIVATE_TARGETS`); metadata never is. */
    allowPrivateTargets: boolean;
    /** One attempt's time limit (`WEBHOOK_TIMEOUT_MS`). */
    timeoutMs: number;
    /** The delay before each attempt; its length is the number of attempts (`WEBHOOK_RETRY_SCHEDULE_MS`). */
    retryScheduleMs: number[];
  };
}

/** docs/design.md §4: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const MIN_SECRET_BYTES = 32;

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment (docs/design.md §4). Every bad value is reported at once, by name,
 * so a misconfigured deployment fails at start instead of at the first request.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];

  const nodeEnvRaw = env.NODE_ENV ?? "development";
  let nodeEnv: AppConfig["nodeEnv"] = "development";
  if (nodeEnvRaw === "development" || nodeEnvRaw === "production" || nodeEnvRaw === "test") {
    nodeEnv = nodeEnvRaw;
  } else {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);
  }

  const port = readInt(env, "PORT", 8787, 0, 65_535, problems);
  const host = env.HOST?.trim() || "127.0.0.1";
  const databasePath = env.DATABASE_PATH?.trim() || "./data/windback.db";
  const databaseUrl = readUrl(env, "DATABASE_URL", ["postgres:", "postgresql:"], problems);
  const redisUrl = readUrl(env, "REDIS_URL", ["redis:", "rediss:"], problems);
  const redisPrefix = env.REDIS_PREFIX?.trim() || "windback:";

  let publicUrl = `http://localhost:${port}`;
  if (env.PUBLIC_URL !== undefined && env.PUBLIC_URL !== "") {
    try {
      const url = new URL(env.PUBLIC_URL);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
      publicUrl = url.href.replace(/\/$/, "");
    } catch {
      problems.push(`PUBLIC_URL must be an http(s) URL (got "${env.PUBLIC_URL}")`);
    }
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);

  const logLevelRaw = env.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info");
  let logLevel: AppConfig["logLevel"] = "info";
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    logLevel = logLevelRaw as AppConfig["logLevel"];
  } else {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevelRaw}")`);
  }

  const rateLimits = {
    general: {
      max: readInt(env, "RATE_LIMIT_MAX", 300, 1, 10_000_000, problems),
      windowMs: readInt(env, "RATE_LIMIT_WINDOW_MS", 60_000, 1, 86_400_000, problems),
    },
    auth: {
      max: readInt(env, "AUTH_RATE_LIMIT_MAX", 10, 1, 10_000_000, problems),
      windowMs: readInt(env, "AUTH_RATE_LIMIT_WINDOW_MS", 60_000, 1, 86_400_000, problems),
    },
    cancelFlow: {
      max: readInt(env, "CANCEL_FLOW_RATE_LIMIT_MAX", 10, 1, 10_000_000, problems),
      windowMs: readInt(env, "CANCEL_FLOW_RATE_LIMIT_WINDOW_MS", 15_000, 1, 86_400_000, problems),
    },
    cancelFlowKeyCeiling: {
      max: readInt(env, "CANCEL_FLOW_KEY_CEILING_MAX", 600, 1, 10_000_000, problems),
      windowMs: readInt(env, "CANCEL_FLOW_KEY_CEILING_WINDOW_MS", 15_000, 1, 86_400_000, problems),
    },
    track: {
      max: readInt(env, "TRACK_RATE_LIMIT_MAX", 60, 1, 10_000_000, problems),
      windowMs: readInt(env, "TRACK_RATE_LIMIT_WINDOW_MS", 60_000, 1, 86_400_000, problems),
    },
  };
  const trackRetentionDays = readInt(env, "TRACK_RETENTION_DAYS", 90, 1, 36_500, problems);
  const trackQuotaMb = readInt(env, "TRACK_STORAGE_QUOTA_MB", 100, 1, 1_000_000, problems);
  const registrationRaw = env.REGISTRATION?.trim() || "open";
  if (registrationRaw !== "open" && registrationRaw !== "closed") {
    problems.push(`REGISTRATION must be open or closed (got "${registrationRaw}")`);
  }

  const dashboardRaw = env.DASHBOARD_ENABLED?.trim() || "true";
  if (dashboardRaw !== "true" && dashboardRaw !== "false") {
    problems.push(`DASHBOARD_ENABLED must be true or false (got "${dashboardRaw}")`);
  }
  const dashboardEnabled = dashboardRaw !== "false";

  const allowPrivateRaw = env.WEBHOOK_ALLOW_PRIVATE_TARGETS?.trim() || "false";
  if (allowPrivateRaw !== "true" && allowPrivateRaw !== "false") {
    problems.push(`WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false (got "${allowPrivateRaw}")`);
  }
  const webhooks = {
    allowPrivateTargets: allowPrivateRaw === "true",
    timeoutMs: readInt(env, "WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000, problems),
    retryScheduleMs: parseRetrySchedule(env.WEBHOOK_RETRY_SCHEDULE_MS, problems),
  };

  const jwtSecret = resolveJwtSecret(env.JWT_SECRET, nodeEnv, databasePath, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    host,
    databasePath,
    databaseUrl,
    redisUrl,
    redisPrefix,
    jwtSecret,
    nodeEnv,
    publicUrl,
    trustProxy,
    logLevel,
    rateLimits,
    trackRetentionDays,
    trackQuotaBytes: trackQuotaMb * 1024 * 1024,
    registration: registrationRaw === "closed" ? "closed" : "open",
    passwordHashing: { ...PRODUCTION_PASSWORD_HASHING },
    bodyLimit: 100 * 1024,
    widgetDistDir: env.WIDGET_DIST_DIR?.trim() || defaultDistDir("packages/widget/dist"),
    dashboardDistDir: dashboardEnabled
      ? env.DASHBOARD_DIST_DIR?.trim() || defaultDistDir("apps/dashboard/dist")
      : null,
    webhooks,
  };
}

/** An optional connection URL with one of `schemes`; never echoed back (it may hold a password). */
function readUrl(env: Env, name: string, schemes: string[], problems: string[]): string | null {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return null;
  let protocol = "";
  try {
    protocol = new URL(raw).protocol;
  } catch {
    // reported below
  }
  if (!schemes.includes(protocol)) {
    problems.push(`${name} must be a ${schemes.map((s) => `${s}//`).join(" or ")} URL`);
    return null;
  }
  return raw;
}

/** "0,5000,300000" → [0, 5000, 300000]: 1 to 20 delays, each at most 7 days. */
function parseRetrySchedule(raw: string | undefined, problems: string[]): number[] {
  if (raw === undefined || raw.trim() === "") return [...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS];
  const parts = raw.split(",").map((part) => part.trim());
  const valid =
    parts.length >= 1 &&
    parts.length <= 20 &&
    parts.every((part) => /^\d+$/.test(part) && Number(part) <= 7 * 86_400_000);
  if (!valid) {
    problems.push(
      `WEBHOOK_RETRY_SCHEDULE_MS must be 1 to 20 comma-separated delays in ms, each at most 604800000 (got "${raw}")`,
    );
    return [...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS];
  }
  return parts.map(Number);
}

function readInt(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be a whole number (got "${raw}")`);
    return fallback;
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    problems.push(`${name} must be between ${min} and ${max} (got ${value})`);
    return fallback;
  }
  return value;
}

function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  if (raw === undefined || raw.trim() === "" || raw === "false") return false;
  if (raw === "true") return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  // A comma-separated list of addresses/CIDRs, handed to Fastify as is.
  if (/^[0-9a-fA-F.:/,\s]+$/.test(raw)) return raw;
  problems.push(
    `TRUST_PROXY must be true, false, a hop count or a list of addresses (got "${raw}")`,
  );
  return false;
}

function resolveJwtSecret(
  raw: string | undefined,
  nodeEnv: AppConfig["nodeEnv"],
  databasePath: string,
  problems: string[],
): Uint8Array {
  if (raw !== undefined && raw !== "") {
    const bytes = new TextEncoder().encode(raw);
    if (bytes.byteLength < MIN_SECRET_BYTES) {
      problems.push(
        `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (got ${bytes.byteLength}); generate one with: openssl rand -base64 48`,
      );
    }
    return bytes;
  }
  if (nodeEnv === "production") {
    problems.push(
      "JWT_SECRET is required when NODE_ENV=production (at least 32 bytes; generate one with: openssl rand -base64 48)",
    );
    return new Uint8Array();
  }
  if (databasePath === ":memory:") return new Uint8Array(randomBytes(48));
  // Development: one random secret, kept beside the database so sessions survive restarts.
  const file = join(dirname(resolve(databasePath)), "jwt-secret");
  try {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
    }
    chmodSync(file, 0o600);
    return new TextEncoder().encode(readFileSync(file, "utf8").trim());
  } catch (error) {
    problems.push(`JWT_SECRET is unset and ${file} could not be created: ${String(error)}`);
    return new Uint8Array();
  }
}

/** A build in the monorepo; when it is missing its routes answer 503 until it is built. */
function defaultDistDir(path: string): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../..", path);
}
