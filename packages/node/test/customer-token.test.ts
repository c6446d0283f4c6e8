import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCustomerToken, Windback } from "../src/index.js";
import {
  createMerchant,
  createTokenSecret,
  type Merchant,
  startTestApi,
  type TestApi,
} from "./support/api.js";

let api: TestApi;
let merchant: Merchant;
let windback: Windback;
let secret: { id: string; secret: string };

const customer = {
  email: "Ada@Example.com",
  id: "cus_123",
  name: "Ada Lovelace",
  subscriptionId: "sub_456",
  plan: "Pro",
  mrr: 4900,
  currency: "eur",
  provider: "stripe",
  tenureDays: 400,
};

beforeAll(async () => {
  api = await startTestApi();
  merchant = await createMerchant(api);
  windback = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl, project: merchant.slug });
  secret = await createTokenSecret(api, merchant);
  const project = await windback.project.update({ customer_verification: "required" });
  expect(project.customer_verification).toBe("required");
});

afterAll(async () => {
  await api?.close();
});

/**
 * What the widget does on the cancel page: a submission with the project's public key and the
 * token the merchant's server minted (tokens are checked on public-key requests; a secret key
 * speaks for its own server). The body names someone else: only the token may say who it is.
 */
async function submit(customer_token?: string) {
  const response = await fetch(`${api.baseUrl}/api/v1/cancel-flow/submit`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": merchant.pub },
    body: JSON.stringify({
      customer_email: "mallory@example.com",
      cancel_reason: "too_expensive",
      mrr: 1,
      ...(customer_token !== undefined && { customer_token }),
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const refused = { status: 401, body: expect.objectContaining({ code: "CUSTOMER_TOKEN_INVALID" }) };

describe("createCustomerToken", () => {
  test("an HS256 JWT with the secret's id as kid and the §11 claims", async () => {
    const now = new Date("2026-12-02T10:00:00Z");
    const token = await createCustomerToken({
      secretId: secret.id,
      secret: secret.secret,
      customer,
      expiresIn: "1h",
      now,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT", kid: secret.id });
    expect(decodeJwt(token)).toEqual({
      email: "Ada@Example.com",
      sub: "cus_123",
      name: "Ada Lovelace",
      subscription_id: "sub_456",
      plan: "Pro",
      mrr: 4900,
      currency: "eur",
      provider: "stripe",
      tenure_days: 400,
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 3600,
    });
  });

  test("the API accepts it, and its claims replace the body's customer", async () => {
    const token = await createCustomerToken({
      secretId: secret.id,
      secret: secret.secret,
      customer,
      expiresIn: 600,
    });
    const answer = await submit(token);
    expect(answer).toMatchObject({ status: 200, body: { success: true } });
    const event = await windback.churnEvents.get(String(answer.body.event_id));
    expect(event).toMatchObject({
      customer_email: "ada@example.com",
      customer_name: "Ada Lovelace",
      provider_subscription_id: "sub_456",
      plan_name: "Pro",
      mrr: 4900,
      currency: "eur",
      provider: "stripe",
      tenure_days: 400,
      mrr_verified: true,
      source: "cancel_flow",
    });
  });

  test("without a token, with an expired one or another secret's, the API refuses", async () => {
    expect(await submit()).toMatchObject(refused);

    const expired = await createCustomerToken({
      secretId: secret.id,
      secret: secret.secret,
      customer,
      expiresIn: "1h",
      now: new Date(Date.now() - 2 * 3600 * 1000),
    });
    expect(await submit(expired)).toMatchObject(refused);

    const forged = await createCustomerToken({
      secretId: secret.id,
      secret: `wbct_${"x".repeat(43)}`,
      customer,
      expiresIn: "1h",
    });
    expect(await submit(forged)).toMatchObject(refused);

    // A token of another project's secret names a kid this project does not have.
    const other = await createMerchant(api);
    const otherSecret = await createTokenSecret(api, other);
    const foreign = await createCustomerToken({
      secretId: otherSecret.id,
      secret: otherSecret.secret,
      customer,
      expiresIn: "1h",
    });
    expect(await submit(foreign)).toMatchObject(refused);

    // The same expired token one moment before it expired was fine: the refusal is the clock's.
    const fresh = await createCustomerToken({
      secretId: secret.id,
      secret: secret.secret,
      customer: { ...customer, email: "fresh@example.com" },
      expiresIn: "1h",
      now: new Date(Date.now() - 3000 * 1000),
    });
    expect(await submit(fresh)).toMatchObject({ status: 200 });
  });

  test("lifetimes over 24 hours and bad input are refused before any request", async () => {
    const base = { secretId: secret.id, secret: secret.secret, customer };
    await expect(createCustomerToken({ ...base, expiresIn: "25h" })).rejects.toThrow(RangeError);
    await expect(createCustomerToken({ ...base, expiresIn: 86_401 })).rejects.toThrow(/24 hours/);
    await expect(createCustomerToken({ ...base, expiresIn: "24h" })).resolves.toMatch(/^ey/);
    await expect(createCustomerToken({ ...base, expiresIn: "soon" })).rejects.toThrow(TypeError);
    await expect(createCustomerToken({ ...base, expiresIn: -5 })).rejects.toThrow(TypeError);
    await expect(
      createCustomerToken({ ...base, customer: { ...customer, mrr: 49.5 }, expiresIn: "1h" }),
    ).rejects.toThrow(/cents/);
    await expect(createCustomerToken({ ...base, secret: "", expiresIn: "1h" })).rejects.toThrow(
      /secret/,
    );
  });
});
