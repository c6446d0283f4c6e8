import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createPasswordHasher } from "../src/auth/passwords.js";
import { ConfigError, loadConfig, PRODUCTION_PASSWORD_HASHING } from "../src/config.js";

const SECRET = "a-production-secret-of-at-least-32-bytes!";
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("loadConfig", () => {
  test("defaults follow docs/design.md §4 and §2.8", () => {
    dir = mkdtempSync(join(tmpdir(), "windback-config-"));
    const config = loadConfig({ DATABASE_PATH: join(dir, "windback.db") });
    expect(config).toMatchObject({
      port: 8787,
      host: "127.0.0.1",
      nodeEnv: "development",
      publicUrl: "http://localhost:8787",
      trustProxy: false,
      logLevel: "info",
      rateLimits: {
        general: { max: 300, windowMs: 60_000 },
        auth: { max: 10, windowMs: 60_000 },
        cancelFlow: { max: 10, windowMs: 15_000 },
        cancelFlowKeyCeiling: { max: 600, windowMs: 15_000 },
        track: { max: 60, windowMs: 60_000 },
      },
      trackRetentionDays: 90,
      trackQuotaBytes: 100 * 1024 * 1024,
      registration: "open",
      bodyLimit: 102_400,
    });
    expect(loadConfig({ DATABASE_PATH: ":memory:" }).databasePath).toBe(":memory:");
    expect(loadConfig({ DATABASE_PATH: ":memory:", PORT: "9000" }).publicUrl).toBe(
      "http://localhost:9000",
    );
  });

  test("webhooks: the schedule of docs/design.md §4 by default, overridable", () => {
    expect(loadConfig({ DATABASE_PATH: ":memory:" }).webhooks).toEqual({
      allowPrivateTargets: false,
      timeoutMs: 10_000,
      retryScheduleMs: [
        0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
      ],
    });
    const config = loadConfig({
      DATABASE_PATH: ":memory:",
      WEBHOOK_RETRY_SCHEDULE_MS: " 0, 50,100 ",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      WEBHOOK_TIMEOUT_MS: "2000",
    });
    expect(config.webhooks).toEqual({
      allowPrivateTargets: true,
      timeoutMs: 2_000,
      retryScheduleMs: [0, 50, 100],
    });
  });

  test("rate limits are overridable by environment", () => {
    const config = loadConfig({
      DATABASE_PATH: ":memory:",
      RATE_LIMIT_MAX: "5",
      RATE_LIMIT_WINDOW_MS: "1000",
      AUTH_RATE_LIMIT_MAX: "2",
      AUTH_RATE_LIMIT_WINDOW_MS: "2000",
      CANCEL_FLOW_RATE_LIMIT_MAX: "100000",
      CANCEL_FLOW_RATE_LIMIT_WINDOW_MS: "3000",
      CANCEL_FLOW_KEY_CEILING_MAX: "700",
      CANCEL_FLOW_KEY_CEILING_WINDOW_MS: "4000",
      TRACK_RATE_LIMIT_MAX: "30",
      TRACK_RATE_LIMIT_WINDOW_MS: "5000",
      TRACK_RETENTION_DAYS: "7",
      TRACK_STORAGE_QUOTA_MB: "2",
      REGISTRATION: "closed",
    });
    expect(config.rateLimits).toEqual({
      general: { max: 5, windowMs: 1000 },
      auth: { max: 2, windowMs: 2000 },
      cancelFlow: { max: 100_000, windowMs: 3000 },
      cancelFlowKeyCeiling: { max: 700, windowMs: 4000 },
      track: { max: 30, windowMs: 5000 },
    });
    expect(config).toMatchObject({
      trackRetentionDays: 7,
      trackQuotaBytes: 2 * 1024 * 1024,
      registration: "closed",
    });
  });

  test.each([
    [{ PORT: "http" }, /PORT must be a whole number/],
    [{ PORT: "70000" }, /PORT must be between 0 and 65535/],
    [{ NODE_ENV: "staging" }, /NODE_ENV/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    [{ REGISTRATION: "invite" }, /REGISTRATION must be open or closed/],
    [{ TRACK_RETENTION_DAYS: "0" }, /TRACK_RETENTION_DAYS must be between 1/],
    [{ PUBLIC_URL: "ftp://x" }, /PUBLIC_URL/],
    [{ TRUST_PROXY: "maybe; rm -rf" }, /TRUST_PROXY/],
    [{ RATE_LIMIT_MAX: "-1" }, /RATE_LIMIT_MAX/],
    [{ CANCEL_FLOW_RATE_LIMIT_WINDOW_MS: "0" }, /CANCEL_FLOW_RATE_LIMIT_WINDOW_MS/],
    [{ JWT_SECRET: "too-short" }, /JWT_SECRET must be at least 32 bytes/],
    [{ NODE_ENV: "production" }, /JWT_SECRET is required when NODE_ENV=production/],
    [{ WEBHOOK_RETRY_SCHEDULE_MS: "0,5s" }, /WEBHOOK_RETRY_SCHEDULE_MS/],
    [{ WEBHOOK_RETRY_SCHEDULE_MS: "0,,5" }, /WEBHOOK_RETRY_SCHEDULE_MS/],
    [{ WEBHOOK_RETRY_SCHEDULE_MS: "999999999" }, /WEBHOOK_RETRY_SCHEDULE_MS/],
    [
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: "yes" },
      /WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false/,
    ],
    [{ WEBHOOK_TIMEOUT_MS: "10" }, /WEBHOOK_TIMEOUT_MS must be between/],
  ])("%j stops the start with a message naming it", (env, message) => {
    expect(() => loadConfig({ DATABASE_PATH: ":memory:", ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_PATH: ":memory:", ...env })).toThrow(message);
  });

  test("every problem is reported at once", () => {
    try {
      loadConfig({ PORT: "x", LOG_LEVEL: "y", DATABASE_PATH: ":memory:" });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  test("production with an adequate secret starts", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      JWT_SECRET: SECRET,
      DATABASE_PATH: ":memory:",
    });
    expect(new TextDecoder().decode(config.jwtSecret)).toBe(SECRET);
  });

  test("development without JWT_SECRET generates one secret in the data directory and keeps it", () => {
    dir = mkdtempSync(join(tmpdir(), "windback-config-"));
    const env = { DATABASE_PATH: join(dir, "data", "windback.db") };
    const first = loadConfig(env);
    const file = join(dir, "data", "jwt-secret");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.jwtSecret.byteLength).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, "utf8").length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(env).jwtSecret).toEqual(first.jwtSecret);
  });
});

describe("password hashing", () => {
  test("production uses argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1)", async () => {
    const config = loadConfig({ DATABASE_PATH: ":memory:" });
    expect(config.passwordHashing).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(PRODUCTION_PASSWORD_HASHING).toEqual(config.passwordHashing);
    const hasher = createPasswordHasher(config.passwordHashing);
    const hash = await hasher.hash("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, "correct horse battery staple")).toBe(true);
    expect(await hasher.verify(hash, "wrong")).toBe(false);
    expect(await hasher.verify("not a hash", "wrong")).toBe(false);
  });

  test("login for an unknown email costs about as much as a wrong password (dummy verification)", async () => {
    const hasher = createPasswordHasher(PRODUCTION_PASSWORD_HASHING);
    const hash = await hasher.hash("the real password");
    await hasher.verifyDummy("warm up the dummy hash");
    const once = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    // Interleaved rounds and medians: a busy neighbour (a parallel test file) skews both alike.
    const ratios: number[] = [];
    for (let round = 0; round < 9; round++) {
      const wrongPassword = await once(() => hasher.verify(hash, "a wrong password"));
      const unknownEmail = await once(() => hasher.verifyDummy("a wrong password"));
      ratios.push(unknownEmail / wrongPassword);
    }
    const median = ratios.sort((a, b) => a - b)[4] as number;
    // Without the dummy verification the unknown-email path is ~100x faster (ratio ~0.01).
    expect(median).toBeGreaterThan(0.4);
    expect(median).toBeLessThan(2.5);
  });
});

describe("scale-out settings (docs/design.md §13)", () => {
  test("DATABASE_URL and REDIS_URL are off by default and taken when well-formed", () => {
    const off = loadConfig({ DATABASE_PATH: ":memory:" });
    expect(off.databaseUrl).toBeNull();
    expect(off.redisUrl).toBeNull();
    expect(off.redisPrefix).toBe("windback:");
    const on = loadConfig({
      DATABASE_PATH: ":memory:",
      DATABASE_URL: "postgresql://app:pw@db.internal:5432/windback",
      REDIS_URL: "rediss://cache.internal:6380",
      REDIS_PREFIX: "shop-a:",
    });
    expect(on.databaseUrl).toBe("postgresql://app:pw@db.internal:5432/windback");
    expect(on.redisUrl).toBe("rediss://cache.internal:6380");
    expect(on.redisPrefix).toBe("shop-a:");
  });

  test("a URL of the wrong kind stops the start, without echoing it (it may hold a password)", () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_PATH: ":memory:",
        DATABASE_URL: "mysql://root:s3cret@db/windback",
        REDIS_URL: "not a url",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(message).not.toContain("s3cret");
  });
});
