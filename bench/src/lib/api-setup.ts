/** The few dashboard calls a benchmark or test needs to set up a tenant, over real HTTP. */
import { createAdminClient, expectOk } from "@windback/testkit";

export const BENCH_ORIGIN = "https://app.bench.example";
const BENCH_PASSWORD = "correct horse battery staple";

export interface Tenant {
  email: string;
  password: string;
  token: string;
  projectId: string;
  slug: string;
  pub: string;
  sk: string;
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
  const anonymous = createAdminClient(base);
  const { token } = expectOk(
    await anonymous.register({ name: label, email, password: BENCH_PASSWORD }),
    "register",
    [201],
  ).data;
  const admin = anonymous.as({ token });
  const pub = expectOk(await admin.apiKeys.create("default", "public"), "create public key", [201]);
  const sk = expectOk(await admin.apiKeys.create("default", "secret"), "create secret key", [201]);
  const project = expectOk(await admin.projects.get("default"), "get project", [200]);
  if (origins.length > 0) {
    expectOk(await admin.allowedOrigins.set("default", origins), "set allowed origins", [200]);
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
  const admin = createAdminClient(base, { token: tenant.token });
  const offer = await admin.offers.put(tenant.slug, reason, {
    offer_type: "discount",
    title: "Stay for less",
    description: "Keep your plan at 30% off for the next three months.",
    cta_button_text: "Take 30% off",
    discount_percent: 30,
    discount_duration_months: 3,
    enabled: true,
  });
  expectOk(offer, "put retention offer", [200, 201]);
}

/** True when the running API has the cancel-flow routes (issue 3). */
export async function hasCancelFlow(base: string): Promise<boolean> {
  const res = await createAdminClient(base).request<{ paths?: Record<string, unknown> }>(
    "GET",
    "/api/v1/openapi.json",
  );
  return res.ok && Boolean(res.body.paths?.["/api/v1/cancel-flow/submit"]);
}
