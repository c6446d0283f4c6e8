import { buildServer } from "../src/app.js";
import type { AppConfig } from "../src/config.js";
import type { Clock } from "../src/lib/clock.js";
import type { SqliteDatabase } from "../src/storage/sqlite/database.js";
import { createSqliteStorage, type SqliteStorage } from "../src/storage/sqlite/index.js";

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private ms = Date.parse("2026-01-15T12:00:00.000Z")) {}
  now() {
    return this.ms;
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

export const TEST_JWT_SECRET = new TextEncoder().encode(
  "test-secret-that-is-at-least-32-bytes-long!!",
);

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    databasePath: ":memory:",
    jwtSecret: TEST_JWT_SECRET,
    nodeEnv: "test",
    publicUrl: "http://localhost:8787",
    trustProxy: false,
    logLevel: "silent",
    rateLimits: {
      general: { max: 10_000, windowMs: 60_000 },
      auth: { max: 10_000, windowMs: 60_000 },
      cancelFlow: { max: 10_000, windowMs: 15_000 },
      cancelFlowKeyCeiling: { max: 100_000, windowMs: 15_000 },
      track: { max: 10_000, windowMs: 60_000 },
    },
    trackRetentionDays: 90,
    trackQuotaBytes: 100 * 1024 * 1024,
    registration: "open",
    // Cheap parameters keep the suite fast; production parameters are asserted in config.test.ts.
    passwordHashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    bodyLimit: 100 * 1024,
    widgetDistDir: null,
    dashboardDistDir: null,
    // Loopback receivers and a short schedule: webhook tests run against 127.0.0.1 in seconds.
    webhooks: { allowPrivateTargets: true, timeoutMs: 2_000, retryScheduleMs: [0, 50, 100] },
    ...overrides,
  };
}

export interface TestContext {
  app: Awaited<ReturnType<typeof buildServer>>;
  storage: SqliteStorage;
  /** The SQLite connection behind `storage`, for tests that look at rows or hold locks. */
  db: SqliteDatabase;
  clock: TestClock;
}

export async function buildTestApp(overrides: Partial<AppConfig> = {}): Promise<TestContext> {
  const clock = new TestClock();
  const storage = createSqliteStorage(":memory:");
  const app = await buildServer({ config: testConfig(overrides), clock, storage });
  await app.ready();
  return { app, storage, db: storage.db, clock };
}

export interface Account {
  token: string;
  userId: string;
  email: string;
  password: string;
}

let counter = 0;
export async function registerAccount(ctx: TestContext, name = "Jane"): Promise<Account> {
  counter += 1;
  const email = `user${counter}-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  const res = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { name, email, password },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { token: body.data.token, userId: body.data.user.id, email, password };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKey = (key: string) => ({ "x-api-key": key });

/** Creates a key of the given type on a project and returns the raw key. */
export async function createKey(
  ctx: TestContext,
  token: string,
  keyType: "public" | "secret",
  slug = "default",
): Promise<{ id: string; key: string }> {
  const res = await ctx.app.inject({
    method: "POST",
    url: `/api/v1/projects/${slug}/api-keys`,
    headers: bearer(token),
    payload: { key_type: keyType },
  });
  if (res.statusCode !== 201) throw new Error(`create key failed: ${res.statusCode} ${res.body}`);
  return { id: res.json().data.id, key: res.json().data.key };
}

/** An account with its default project's fresh public and secret keys. */
export interface Tenant {
  account: Account;
  slug: string;
  pub: string;
  sk: string;
}

export async function createTenant(ctx: TestContext, name = "Jane"): Promise<Tenant> {
  const account = await registerAccount(ctx, name);
  const pub = await createKey(ctx, account.token, "public");
  const sk = await createKey(ctx, account.token, "secret");
  return { account, slug: "default", pub: pub.key, sk: sk.key };
}

/** `inject` with JSON, for the cancel-flow tests. */
export async function call(
  ctx: TestContext,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS",
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) {
  return ctx.app.inject({
    method,
    url,
    headers,
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}
