import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type {
  CreatedCustomerTokenSecret,
  CustomerTokenSecret,
  OfferBody,
  Project,
} from "@windback/protocol";
import { type AdminClient, type ApiResponse, createAdminClient, expectOk } from "@windback/testkit";

/** A customer-token secret (docs/design.md §11): the demo server signs its customers' tokens. */
export interface DemoTokenSecret {
  /** The `kid` of the tokens it signs. */
  id: string;
  /** `wbct_…`; the HMAC key is this string's UTF-8 bytes. */
  secret: string;
}

export interface DemoCredentials {
  email: string;
  password: string;
  publicKey: string;
  secretKey: string;
  customerTokenSecret: DemoTokenSecret;
}

export type CustomerVerification = "off" | "optional" | "required";

export interface SeedOptions {
  /** Where the API can be reached from this process, e.g. http://127.0.0.1:8787. */
  apiUrl: string;
  /** Origins of the demo page that may use the public key. */
  allowedOrigins: string[];
  /** Where the demo account's password and raw keys are kept between runs (raw keys are shown once). */
  stateFile: string;
  /** The project's `customer_verification`; the demo requires a token (default `required`). */
  customerVerification?: CustomerVerification;
}

export const DEMO_EMAIL = "demo@acme.test";
export const DEMO_PROJECT = { name: "Acme", slug: "acme" };

/** The offers a new user sees: one per reason that has an obvious save. */
export const DEMO_OFFERS: Record<string, OfferBody> = {
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

/** The body of a call that answered one of `ok`; throws with what the API said otherwise. */
const expectStatus = <T>(res: ApiResponse<T>, ok: number[], what: string): T =>
  expectOk(res, `Seeding failed at "${what}"`, ok);

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
  const anonymous = createAdminClient(options.apiUrl);
  const state = await readState(options.stateFile);
  const password = state.password ?? randomBytes(12).toString("base64url");

  let session = await anonymous.login({ email: DEMO_EMAIL, password });
  if (session.status === 401) {
    session = await anonymous.register({ name: "Acme Demo", email: DEMO_EMAIL, password });
    if (session.status === 409) {
      throw new Error(
        `The demo account exists but ${options.stateFile} does not hold its password; delete the data directory to start over.`,
      );
    }
  }
  const { token } = expectStatus(session, [200, 201], "sign in").data;
  const admin = anonymous.as({ token });
  const slug = DEMO_PROJECT.slug;

  let publicKey = state.publicKey;
  let secretKey = state.secretKey;
  const project = await admin.projects.get(slug);
  if (project.status === 404) {
    const created = await admin.projects.create({
      name: DEMO_PROJECT.name,
      support_email: "support@acme.test",
    });
    const { data } = expectStatus(created, [201], "create project");
    publicKey = data.raw_public_key;
    secretKey = data.raw_secret_key;
  } else {
    expectStatus(project, [200], "find project");
    // Saved keys are checked, not trusted: a revoked key is replaced.
    const secretOk =
      secretKey !== undefined &&
      (await anonymous.as({ key: secretKey }).projects.get(slug)).status === 200;
    if (!secretOk) secretKey = await createKey(admin, "secret");
    const publicOk =
      publicKey !== undefined &&
      (await anonymous.as({ key: publicKey }).cancelFlow.offers("other")).status === 200;
    if (!publicOk) publicKey = await createKey(admin, "public");
  }
  if (!publicKey || !secretKey) throw new Error("Seeding failed: no demo keys");

  const origins = await admin.allowedOrigins.set(slug, options.allowedOrigins);
  expectStatus(origins, [200], "allowed origins");
  for (const [reason, offer] of Object.entries(DEMO_OFFERS)) {
    expectStatus(await admin.offers.put(slug, reason, offer), [200, 201], `offer for ${reason}`);
  }

  const customerTokenSecret = await ensureTokenSecret(admin, state.customerTokenSecret);
  const verification = options.customerVerification ?? "required";
  const updated = await admin.request<{ data: Project }>("PATCH", `/api/v1/projects/${slug}`, {
    body: { customer_verification: verification },
  });
  expectStatus(updated, [200], "customer verification");

  const credentials = {
    email: DEMO_EMAIL,
    password,
    publicKey,
    secretKey,
    customerTokenSecret,
  };
  await mkdir(dirname(options.stateFile), { recursive: true });
  await writeFile(options.stateFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

async function createKey(admin: AdminClient, keyType: "public" | "secret") {
  const res = await admin.apiKeys.create(DEMO_PROJECT.slug, keyType);
  return expectStatus(res, [201], `create ${keyType} key`).data.key;
}

const SECRETS_PATH = `/api/v1/projects/${DEMO_PROJECT.slug}/customer-token-secrets`;

/**
 * The saved customer-token secret when it is still active, else a new one (secrets are shown
 * once). With two active already, the older is revoked first: a project keeps at most two.
 */
async function ensureTokenSecret(
  admin: AdminClient,
  saved: DemoTokenSecret | undefined,
): Promise<DemoTokenSecret> {
  const listed = await admin.request<{ data: CustomerTokenSecret[] }>("GET", SECRETS_PATH);
  const active = expectStatus(listed, [200], "list customer-token secrets").data.filter(
    (secret) => secret.revoked_at === null,
  );
  if (saved && active.some((secret) => secret.id === saved.id)) return saved;
  if (active.length >= 2) {
    const oldest = [...active].sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
    if (oldest) {
      const path = `${SECRETS_PATH}/${encodeURIComponent(oldest.id)}`;
      expectStatus(await admin.request("DELETE", path), [200, 204], "revoke an old secret");
    }
  }
  const created = await admin.request<{ data: CreatedCustomerTokenSecret }>("POST", SECRETS_PATH);
  const { id, secret } = expectStatus(created, [201], "create a customer-token secret").data;
  return { id, secret };
}
