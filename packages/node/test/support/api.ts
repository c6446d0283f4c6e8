/**
 * A real Windback API for the SDK's tests: the API app built in-process (as the API's own tests
 * build it) on an in-memory SQLite database, listening on 127.0.0.1 on a free port, so the SDK
 * talks to it over HTTP with its real fetch.
 */
import { buildServer } from "../../../../apps/api/src/app.js";
import type { AppConfig } from "../../../../apps/api/src/config.js";
import { createSqliteStorage } from "../../../../apps/api/src/storage/sqlite/index.js";
import { TestClock, testConfig } from "../../../../apps/api/test/helpers.js";

export interface TestApi {
  baseUrl: string;
  clock: TestClock;
  app: Awaited<ReturnType<typeof buildServer>>;
  close(): Promise<void>;
}

/** Starts the API; the clock starts at the real now (customer tokens are minted with it). */
export async function startTestApi(overrides: Partial<AppConfig> = {}): Promise<TestApi> {
  const clock = new TestClock(Date.now());
  const storage = createSqliteStorage(":memory:");
  const app = await buildServer({ config: testConfig(overrides), clock, storage });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    clock,
    app,
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}

/** An account's default project with a live secret key (and a public one), set up as a merchant would in the dashboard. */
export interface Merchant {
  token: string;
  slug: string;
  sk: string;
  pub: string;
}

let counter = 0;

async function inject(
  api: TestApi,
  method: "POST" | "PATCH",
  url: string,
  token: string | null,
  payload: object,
) {
  const res = await api.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { data: Record<string, unknown> };
}

export async function createMerchant(
  api: TestApi,
  mode: "live" | "test" = "live",
): Promise<Merchant> {
  counter += 1;
  const registered = await inject(api, "POST", "/auth/register", null, {
    name: "Merchant",
    email: `merchant${counter}-${Date.now()}@example.com`,
    password: "correct horse battery staple",
  });
  const token = String(registered.data.token);
  const key = async (key_type: "public" | "secret") =>
    String(
      (await inject(api, "POST", "/projects/default/api-keys", token, { key_type, mode })).data.key,
    );
  return { token, slug: "default", sk: await key("secret"), pub: await key("public") };
}

/** A customer-token secret (`POST /projects/:slug/customer-token-secrets`, sessions only). */
export async function createTokenSecret(
  api: TestApi,
  merchant: Merchant,
): Promise<{ id: string; secret: string }> {
  const { data } = await inject(
    api,
    "POST",
    `/projects/${merchant.slug}/customer-token-secrets`,
    merchant.token,
    {},
  );
  return { id: String(data.id), secret: String(data.secret) };
}
