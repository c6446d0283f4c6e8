/**
 * Verified customers (docs/design.md §11): the token table of issue 14. Each row mints a token the
 * way a merchant's server (or an attacker) would and checks both the answer and what storage holds.
 */
import { base64url, SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;
let secret: { id: string; secret: string };

const nowS = () => Math.floor(ctx.clock.now() / 1000);

async function createSecret(tenant: Tenant) {
  const res = await call(
    ctx,
    "POST",
    `/api/v1/projects/${tenant.slug}/customer-token-secrets`,
    bearer(tenant.account.token),
  );
  expect(res.statusCode).toBe(201);
  return res.json().data as { id: string; secret: string; created_at: string };
}

async function setVerification(tenant: Tenant, setting: "off" | "optional" | "required") {
  const res = await call(
    ctx,
    "PATCH",
    `/api/v1/projects/${tenant.slug}`,
    bearer(tenant.account.token),
    { customer_verification: setting },
  );
  expect(res.statusCode).toBe(200);
  expect(res.json().data.customer_verification).toBe(setting);
}

interface MintOptions {
  email?: string;
  claims?: Record<string, unknown>;
  iat?: number;
  exp?: number | null;
  kid?: string;
  key?: string;
  alg?: "HS256" | "HS512";
}

function mint(options: MintOptions = {}) {
  const iat = options.iat ?? nowS();
  const jwt = new SignJWT({ email: options.email ?? "alice@example.com", ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? "HS256", kid: options.kid ?? secret.id })
    .setIssuedAt(iat);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? iat + 3600);
  return jwt.sign(new TextEncoder().encode(options.key ?? secret.secret));
}

/** An unsigned token (`alg: none`), written by hand as jose refuses to make one. */
function unsigned(claims: Record<string, unknown>) {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: "none", kid: secret.id })}.${part(claims)}.`;
}

const submit = (body: Record<string, unknown>, key = t.pub) =>
  call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(key), {
    cancel_reason: "too_expensive",
    customer_email: "alice@example.com",
    ...body,
  });

async function events() {
  const res = await call(ctx, "GET", "/api/v1/projects/default/churn-events", apiKey(t.sk));
  expect(res.statusCode).toBe(200);
  return res.json().data as Array<Record<string, unknown>>;
}

beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
  secret = await createSecret(t);
  await setVerification(t, "required");
});

afterEach(async () => {
  await ctx.app.close();
});

describe("with customer_verification required, the token table", () => {
  test("a valid token → 200, and its claims replace the body's customer fields", async () => {
    const token = await mint({
      email: "Alice@Example.com",
      claims: { sub: "cus_42", plan: "Pro", mrr: 4900, subscription_id: "sub_42" },
    });
    const res = await submit({
      customer_token: token,
      customer_email: "mallory@example.com",
      plan_name: "Free",
      mrr: 99_999,
    });
    expect(res.statusCode).toBe(200);
    const [event] = await events();
    expect(event).toMatchObject({
      customer_email: "alice@example.com",
      plan_name: "Pro",
      mrr: 4900,
      provider_subscription_id: "sub_42",
    });
  });

  const refused: Array<[string, () => Promise<string> | string]> = [
    ["no token", () => ""],
    ["expired", () => mint({ iat: nowS() - 7200, exp: nowS() - 3600 })],
    ["exp missing", () => mint({ exp: null })],
    ["lifetime over 24 h", () => mint({ exp: nowS() + 24 * 3600 + 1 })],
    ["issued in the future", () => mint({ iat: nowS() + 3600, exp: nowS() + 7200 })],
    ["alg none", () => unsigned({ email: "alice@example.com", iat: nowS(), exp: nowS() + 60 })],
    ["HS512", () => mint({ alg: "HS512", key: secret.secret.repeat(2) })],
    ["a wrong secret", () => mint({ key: `wbct_${"x".repeat(43)}` })],
    ["an unknown kid", () => mint({ kid: "00000000-0000-4000-8000-000000000000" })],
    ["email missing", () => mint({ email: "" })],
    ["not a JWT", () => "not.a.jwt"],
  ];
  test.each(refused)("%s → 401 CUSTOMER_TOKEN_INVALID and nothing stored", async (_, make) => {
    const token = await make();
    const res = await submit(token === "" ? {} : { customer_token: token });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("CUSTOMER_TOKEN_INVALID");
    expect(await events()).toHaveLength(0);
  });

  test("a tampered payload (signature of another payload) → 401", async () => {
    const [header, , signature] = (await mint()).split(".");
    const forged = base64url.encode(
      JSON.stringify({ email: "bob@example.com", iat: nowS(), exp: nowS() + 60 }),
    );
    const res = await submit({ customer_token: `${header}.${forged}.${signature}` });
    expect(res.statusCode).toBe(401);
    expect(await events()).toHaveLength(0);
  });

  test("a revoked secret → 401; the other active secret still works (rotation)", async () => {
    const next = await createSecret(t);
    const oldToken = await mint();
    const revoke = await call(
      ctx,
      "DELETE",
      `/api/v1/projects/default/customer-token-secrets/${secret.id}`,
      bearer(t.account.token),
    );
    expect(revoke.statusCode).toBe(200);
    expect((await submit({ customer_token: oldToken })).statusCode).toBe(401);
    const fresh = await mint({ kid: next.id, key: next.secret });
    expect((await submit({ customer_token: fresh })).statusCode).toBe(200);
  });

  test("another project's secret → 401, even with that project's kid", async () => {
    const other = await createTenant(ctx, "Eve");
    const otherSecret = await createSecret(other);
    const token = await mint({ kid: otherSecret.id, key: otherSecret.secret });
    const res = await submit({ customer_token: token });
    expect(res.statusCode).toBe(401);
    expect(await events()).toHaveLength(0);
  });

  test("accept-offer and decline act only on the token's customer's events", async () => {
    const alice = await mint({ email: "alice@example.com" });
    const first = await submit({ customer_token: alice });
    expect(first.statusCode).toBe(200);
    const eventId = first.json().event_id as string;

    const bob = await mint({ email: "bob@example.com" });
    for (const path of ["accept-offer", "decline"]) {
      const res = await call(ctx, "POST", `/api/v1/cancel-flow/${path}`, apiKey(t.pub), {
        event_id: eventId,
        customer_token: bob,
        ...(path === "accept-offer" && {
          customer_email: "alice@example.com",
          cancel_reason: "too_expensive",
          offer_type: "discount",
        }),
      });
      expect(res.statusCode, path).toBe(404);
    }
    const [unchanged] = await events();
    expect(unchanged).toMatchObject({ id: eventId, status: "new", offer_declined: false });
    expect(unchanged?.offer_accepted_at).toBeNull();

    const own = await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), {
      event_id: eventId,
      customer_token: alice,
    });
    expect(own.statusCode).toBe(200);
  });

  test("a secret key needs no token (it speaks for the merchant's server)", async () => {
    expect((await submit({}, t.sk)).statusCode).toBe(200);
  });
});

describe("the other settings", () => {
  test("off: tokens are ignored, the body counts", async () => {
    await setVerification(t, "off");
    const token = await mint({ email: "alice@example.com" });
    const res = await submit({ customer_token: token, customer_email: "carol@example.com" });
    expect(res.statusCode).toBe(200);
    expect((await events())[0]?.customer_email).toBe("carol@example.com");
  });

  test("optional: no token is accepted, a valid one wins, an invalid one is refused", async () => {
    await setVerification(t, "optional");
    expect((await submit({ customer_email: "dave@example.com" })).statusCode).toBe(200);
    const valid = await mint({ email: "erin@example.com" });
    expect(
      (await submit({ customer_token: valid, customer_email: "x@example.com" })).statusCode,
    ).toBe(200);
    const expired = await mint({ iat: nowS() - 7200, exp: nowS() - 3600 });
    expect((await submit({ customer_token: expired })).statusCode).toBe(401);
    const emails = (await events()).map((event) => event.customer_email).sort();
    expect(emails).toEqual(["dave@example.com", "erin@example.com"]);
  });
});

describe("customer-token secrets", () => {
  test("shown once, listed masked, at most two active", async () => {
    await createSecret(t);
    const third = await call(
      ctx,
      "POST",
      "/api/v1/projects/default/customer-token-secrets",
      bearer(t.account.token),
    );
    expect(third.statusCode).toBe(409);
    const list = await call(
      ctx,
      "GET",
      "/api/v1/projects/default/customer-token-secrets",
      bearer(t.account.token),
    );
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(secret.secret);
    expect(list.json().data).toHaveLength(2);
  });

  test("keys cannot manage them: a secret key gets 403, a public key 401/403", async () => {
    for (const key of [t.sk, t.pub]) {
      const res = await call(
        ctx,
        "POST",
        "/api/v1/projects/default/customer-token-secrets",
        apiKey(key),
      );
      expect([401, 403]).toContain(res.statusCode);
    }
  });
});
