/**
 * The built API loaded into this process (for `inject()` fuzzing and fault injection that needs
 * the database handle). Typed by a minimal local interface so this package typechecks without
 * a build; the modules are imported from apps/api/dist at run time.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { API_DIST } from "@windback/testkit";
import type Database from "better-sqlite3";
import Fastify from "fastify";

export interface InjectOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export interface ApiApp {
  inject(options: InjectOptions): Promise<InjectResponse>;
  ready(): Promise<unknown>;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<unknown>;
}

/** The subset of AppConfig this package touches; the rest comes from the API's loadConfig. */
interface ApiConfig {
  passwordHashing: { memoryCost: number; timeCost: number; parallelism: number };
  [key: string]: unknown;
}

/** The API's SQLite storage; `db` is its connection, where the fault tests inject faults. */
export interface SqliteStorage {
  db: Database.Database;
  close(): Promise<void>;
}

/** A route's declared policy (`config.auth`, `config.browser`; apps/api/src/plugins/route-policy.ts). */
export interface RoutePolicy {
  auth: "none" | readonly ("account" | "secret" | "public")[];
  /** Called by the widget from merchants' pages: the origin guard applies. */
  browser: boolean;
}

interface ApiModules {
  /** The whole service as a Fastify plugin (what buildServer registers). */
  windbackApp: (app: never, opts: never) => Promise<void>;
  /** A storage passed in is the caller's to close. */
  buildServer(options: { config: ApiConfig; storage?: SqliteStorage }): Promise<ApiApp>;
  loadConfig(env: Record<string, string | undefined>): ApiConfig;
  openStorage(path: string, options?: { busyTimeoutMs?: number }): SqliteStorage;
}

export async function loadApi(): Promise<ApiModules> {
  const load = (file: string) => import(pathToFileURL(join(API_DIST, file)).href);
  const [app, config, sqlite] = await Promise.all([
    load("app.js"),
    load("config.js"),
    load("storage/sqlite/index.js"),
  ]);
  return {
    windbackApp: app.windbackApp,
    buildServer: app.buildServer,
    loadConfig: config.loadConfig,
    openStorage: sqlite.createSqliteStorage,
  };
}

/**
 * A config from the API's own loader (env as in production, rate limits raised) with cheap
 * argon2 parameters, so a fuzzer's thousands of logins do not dominate the run.
 */
export function testConfig(
  api: ApiModules,
  databasePath: string,
  env: Record<string, string> = {},
) {
  const config = api.loadConfig({
    NODE_ENV: "test",
    DATABASE_PATH: databasePath,
    JWT_SECRET: "reliability-suite-secret-that-is-at-least-32-bytes",
    LOG_LEVEL: "silent",
    RATE_LIMIT_MAX: "10000000",
    AUTH_RATE_LIMIT_MAX: "10000000",
    CANCEL_FLOW_RATE_LIMIT_MAX: "10000000",
    CANCEL_FLOW_KEY_CEILING_MAX: "10000000",
    TRACK_RATE_LIMIT_MAX: "10000000",
    ...env,
  });
  config.passwordHashing = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
  return config;
}

/** Registers an account through `inject` and returns its token, keys and project. */
export async function injectTenant(app: ApiApp, label: string) {
  const json = async (res: Promise<InjectResponse>, expected: number, what: string) => {
    const r = await res;
    if (r.statusCode !== expected) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
    return JSON.parse(r.body);
  };
  const headers = { "content-type": "application/json" };
  const email = `${label}-${Math.random().toString(36).slice(2)}@reliability.example`;
  const session = await json(
    app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      headers,
      payload: JSON.stringify({ name: label, email, password: "correct horse battery staple" }),
    }),
    201,
    "register",
  );
  const token: string = session.data.token;
  const auth = { ...headers, authorization: `Bearer ${token}` };
  const key = async (keyType: string) =>
    (
      await json(
        app.inject({
          method: "POST",
          url: "/api/v1/projects/default/api-keys",
          headers: auth,
          payload: JSON.stringify({ key_type: keyType }),
        }),
        201,
        `create ${keyType} key`,
      )
    ).data as { id: string; key: string };
  const pub = await key("public");
  const sk = await key("secret");
  return { email, token, pub: pub.key, pubId: pub.id, sk: sk.key, skId: sk.id };
}

/**
 * Every route's declared policy, keyed "METHOD /path/{param}" (the OpenAPI form), read the way
 * the auth-matrix test reads it: an `onRoute` hook on a probe instance the app registers into.
 */
export async function routePolicies(
  api: ApiModules,
  config: ApiConfig,
): Promise<Map<string, RoutePolicy>> {
  const policies = new Map<string, RoutePolicy>();
  const probe = Fastify();
  probe.addHook("onRoute", (route) => {
    const declared = route.config as { auth?: RoutePolicy["auth"]; browser?: unknown } | undefined;
    if (declared?.auth === undefined) return;
    const path = route.url.replace(/:(\w+)/g, "{$1}");
    for (const method of [route.method].flat()) {
      policies.set(`${method} ${path}`, {
        auth: declared.auth,
        browser: Boolean(declared.browser),
      });
    }
  });
  await probe.register(api.windbackApp as never, { config } as never);
  await probe.ready();
  await probe.close();
  return policies;
}
