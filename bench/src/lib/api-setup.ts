/** The few dashboard calls a benchmark or test needs to set up a tenant, over real HTTP. */

export const BENCH_ORIGIN = "https://app.bench.example";
export const BENCH_PASSWORD = "correct horse battery staple";

export interface Tenant {
  email: string;
  password: string;
  token: string;
  projectId: string;
  slug: string;
  pub: string;
  sk: string;
}

export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; key?: string; body?: unknown; origin?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers["x-api-key"] = options.key;
  if (options.origin) headers.origin = options.origin;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: hand the text back so the caller's message shows it.
  }
  return { status: res.status, body: body as T };
}

async function expectStatus<T>(
  what: string,
  expected: number[],
  call: Promise<{ status: number; body: T }>,
): Promise<T> {
  const res = await call;
  if (!expected.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  return res.body;
}

/**
 * Registers an account and creates fresh public and secret keys on its Default project; the
 * allowed origins are set to `origins` (the benchmark origin by default).
 */
export async function createTenant(
  base: string,
  label: string,
  origins: string[] = [BENCH_ORIGIN],
): Promise<Tenant> {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bench.example`;
  type Session = { data: { token: string } };
  const session = await expectStatus<Session>(
    "register",
    [201],
    api(base, "POST", "/api/v1/auth/register", {
      body: { name: label, email, password: BENCH_PASSWORD },
    }),
  );
  const token = session.data.token;
  type Key = { data: { key: string } };
  const pub = await expectStatus<Key>(
    "create public key",
    [201],
    api(base, "POST", "/api/v1/projects/default/api-keys", {
      token,
      body: { key_type: "public" },
    }),
  );
  const sk = await expectStatus<Key>(
    "create secret key",
    [201],
    api(base, "POST", "/api/v1/projects/default/api-keys", {
      token,
      body: { key_type: "secret" },
    }),
  );
  const project = await expectStatus<{ data: { id: string; slug: string } }>(
    "get project",
    [200],
    api(base, "GET", "/api/v1/projects/default", { token }),
  );
  if (origins.length > 0) {
    await expectStatus(
      "set allowed origins",
      [200],
      api(base, "PUT", "/api/v1/projects/default/allowed-origins", {
        token,
        body: { allowed_origins: origins },
      }),
    );
  }
  return {
    email,
    password: BENCH_PASSWORD,
    token,
    projectId: project.data.id,
    slug: project.data.slug,
    pub: pub.data.key,
    sk: sk.data.key,
  };
}

/** A discount offer for `too_expensive`, so `offers` and `submit` return a real offer. */
export async function putDiscountOffer(base: string, tenant: Tenant, reason = "too_expensive") {
  await expectStatus(
    "put retention offer",
    [200, 201],
    api(base, "PUT", `/api/v1/projects/${tenant.slug}/retention-offers/${reason}`, {
      token: tenant.token,
      body: {
        offer_type: "discount",
        title: "Stay for less",
        description: "Keep your plan at 30% off for the next three months.",
        cta_button_text: "Take 30% off",
        discount_percent: 30,
        discount_duration_months: 3,
        enabled: true,
      },
    }),
  );
}

/** True when the running API has the cancel-flow routes (issue 3). */
export async function hasCancelFlow(base: string): Promise<boolean> {
  const res = await api<{ paths?: Record<string, unknown> }>(base, "GET", "/api/v1/openapi.json");
  return Boolean(res.body?.paths?.["/api/v1/cancel-flow/submit"]);
}
