import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export interface DemoCredentials {
  email: string;
  password: string;
  publicKey: string;
  secretKey: string;
}

export interface SeedOptions {
  /** Where the API can be reached from this process, e.g. http://127.0.0.1:8787. */
  apiUrl: string;
  /** Origins of the demo page that may use the public key. */
  allowedOrigins: string[];
  /** Where the demo account's password and raw keys are kept between runs (raw keys are shown once). */
  stateFile: string;
}

export const DEMO_EMAIL = "demo@acme.test";
export const DEMO_PROJECT = { name: "Acme", slug: "acme" };

/** The offers a new user sees: one per reason that has an obvious save. */
export const DEMO_OFFERS: Record<string, Record<string, unknown>> = {
  too_expensive: {
    offer_type: "discount",
    title: "Stay for 30% less",
    description: "Keep every dashboard and report for 30% off your next 3 months.",
    cta_button_text: "Claim 30% off",
    discount_percent: 30,
    discount_duration_months: 3,
    enabled: true,
  },
  not_using_enough: {
    offer_type: "pause",
    title: "Take a break instead",
    description: "Pause for 30 days: you won't be charged, and your dashboards stay as they are.",
    cta_button_text: "Pause for 30 days",
    pause_days: 30,
    enabled: true,
  },
  dont_need_anymore: {
    offer_type: "downgrade",
    title: "Keep the essentials on Starter",
    description: "Switch to Starter for $19 a month and keep your three most used dashboards.",
    cta_button_text: "Switch to Starter",
    downgrade_plan: "Starter",
    enabled: true,
  },
  technical_issues: {
    offer_type: "extension",
    title: "Let us make it right",
    description: "Get 14 extra days free while our engineers look at what went wrong.",
    cta_button_text: "Get 14 days free",
    extension_days: 14,
    enabled: true,
  },
};

async function call<T>(
  apiUrl: string,
  method: string,
  path: string,
  options: { token?: string; key?: string; body?: unknown; origin?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers["x-api-key"] = options.key;
  if (options.origin) headers.origin = options.origin;
  const res = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

function expectStatus(res: { status: number; body: unknown }, ok: number[], what: string) {
  if (!ok.includes(res.status)) {
    throw new Error(`Seeding failed at "${what}": HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
}

async function readState(file: string): Promise<Partial<DemoCredentials>> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Partial<DemoCredentials>;
  } catch {
    return {};
  }
}

/**
 * Creates (or finds) the demo account, its "Acme" project, keys, allowed origins and offers,
 * through the public API. Idempotent: a second run reuses the account and the keys it saved.
 */
export async function seedDemo(options: SeedOptions): Promise<DemoCredentials> {
  const { apiUrl } = options;
  const state = await readState(options.stateFile);
  const password = state.password ?? randomBytes(12).toString("base64url");

  let session = await call<{ data: { token: string } }>(apiUrl, "POST", "/auth/login", {
    body: { email: DEMO_EMAIL, password },
  });
  if (session.status === 401) {
    session = await call(apiUrl, "POST", "/auth/register", {
      body: { name: "Acme Demo", email: DEMO_EMAIL, password },
    });
    if (session.status === 409) {
      throw new Error(
        `The demo account exists but ${options.stateFile} does not hold its password; delete the data directory to start over.`,
      );
    }
  }
  expectStatus(session, [200, 201], "sign in");
  const token = session.body.data.token;

  let publicKey = state.publicKey;
  let secretKey = state.secretKey;
  const project = await call(apiUrl, "GET", `/projects/${DEMO_PROJECT.slug}`, { token });
  if (project.status === 404) {
    const created = await call<{ data: { raw_public_key: string; raw_secret_key: string } }>(
      apiUrl,
      "POST",
      "/projects",
      { token, body: { name: DEMO_PROJECT.name, support_email: "support@acme.test" } },
    );
    expectStatus(created, [201], "create project");
    publicKey = created.body.data.raw_public_key;
    secretKey = created.body.data.raw_secret_key;
  } else {
    expectStatus(project, [200], "find project");
    // Saved keys are checked, not trusted: a revoked key is replaced.
    const secretOk =
      secretKey !== undefined &&
      (await call(apiUrl, "GET", `/projects/${DEMO_PROJECT.slug}`, { key: secretKey })).status ===
        200;
    if (!secretOk) secretKey = await createKey(apiUrl, token, "secret");
    const publicOk =
      publicKey !== undefined &&
      (await call(apiUrl, "GET", "/cancel-flow/offers?reason=other", { key: publicKey })).status ===
        200;
    if (!publicOk) publicKey = await createKey(apiUrl, token, "public");
  }
  if (!publicKey || !secretKey) throw new Error("Seeding failed: no demo keys");

  const origins = await call(apiUrl, "PUT", `/projects/${DEMO_PROJECT.slug}/allowed-origins`, {
    token,
    body: { allowed_origins: options.allowedOrigins },
  });
  expectStatus(origins, [200], "allowed origins");
  for (const [reason, offer] of Object.entries(DEMO_OFFERS)) {
    const res = await call(
      apiUrl,
      "PUT",
      `/projects/${DEMO_PROJECT.slug}/retention-offers/${reason}`,
      {
        token,
        body: offer,
      },
    );
    expectStatus(res, [200, 201], `offer for ${reason}`);
  }

  const credentials = { email: DEMO_EMAIL, password, publicKey, secretKey };
  await mkdir(dirname(options.stateFile), { recursive: true });
  await writeFile(options.stateFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

async function createKey(apiUrl: string, token: string, keyType: "public" | "secret") {
  const res = await call<{ data: { key: string } }>(
    apiUrl,
    "POST",
    `/projects/${DEMO_PROJECT.slug}/api-keys`,
    { token, body: { key_type: keyType } },
  );
  expectStatus(res, [201], `create ${keyType} key`);
  return res.body.data.key;
}
