/**
 * What a merchant's server does for verified customers (docs/design.md §11): mint a short-lived
 * HS256 token for the signed-in customer, with the project's customer-token secret. The page
 * hands it to `Windback.show({ customerToken })`; its claims are what the API records.
 */
import { createHash } from "node:crypto";
import { SignJWT } from "jose";
import type { DemoTokenSecret } from "./seed.js";

/** Well under the API's 24 h cap: a page asks again when its token is near the end. */
const TOKEN_LIFETIME_S = 10 * 60;

/** Acme's record of the signed-in customer (the demo has one plan for everyone). */
function demoCustomer(email: string) {
  return {
    email,
    // Acme's own customer id, stable per email.
    sub: `cus_${createHash("sha256").update(email).digest("hex").slice(0, 14)}`,
    name: "Ada Lovelace",
    subscription_id: "sub_demo_4242",
    plan: "Pro",
    mrr: 4900,
    currency: "usd",
    provider: "stripe",
  };
}

export async function mintCustomerToken(
  secret: DemoTokenSecret,
  email: string,
  now = Date.now(),
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + TOKEN_LIFETIME_S;
  const token = await new SignJWT(demoCustomer(email))
    .setProtectedHeader({ alg: "HS256", kid: secret.id, typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret.secret));
  return { token, expiresAt: exp * 1000 };
}
