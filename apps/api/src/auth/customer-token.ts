/**
 * Customer tokens (docs/design.md §11): the merchant's server mints an HS256 JWT for the customer
 * on its cancel page with one of the project's secrets (the secret string itself is the HMAC key,
 * so any JWT library can mint it; its id is the header's `kid`). Verified here with jose, the
 * algorithm pinned, `exp`, `iat` and `email` required, lifetime at most 24 hours.
 */
import { randomBytes } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { isEmail, normalizeEmail } from "../lib/email.js";
import type { CustomerTokenSecretsRepository } from "../storage/types.js";

const CUSTOMER_TOKEN_SECRET_PREFIX = "wbct_";
/** Two, so a secret can be rotated without a moment when no token verifies. */
export const MAX_ACTIVE_CUSTOMER_TOKEN_SECRETS = 2;
const CUSTOMER_TOKEN_MAX_LIFETIME_S = 24 * 60 * 60;
/** Clocks of the merchant's server and ours may differ a little. */
const CLOCK_TOLERANCE_S = 60;

export function newCustomerTokenSecret(): string {
  return `${CUSTOMER_TOKEN_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function maskCustomerTokenSecret(secret: string): string {
  return `${CUSTOMER_TOKEN_SECRET_PREFIX}••••••••${secret.slice(-4)}`;
}

/** What a valid token says about the customer; these replace the request body's fields. */
export interface CustomerClaims {
  email: string;
  /** The merchant's own customer id. */
  id?: string;
  name?: string;
  subscriptionId?: string;
  plan?: string;
  /** Integer cents. */
  mrr?: number;
  currency?: string;
  provider?: string;
  tenureDays?: number;
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined;
const whole = (value: unknown, max: number): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max
    ? value
    : undefined;

/**
 * The token's claims if it is valid for this project at `now`, else null: malformed, another
 * algorithm, an unknown or revoked `kid` (another project's secret is unknown here), a bad
 * signature, expired, issued in the future, living longer than 24 h, or no valid `email`.
 */
export async function verifyCustomerToken(
  token: string,
  projectId: string,
  secrets: CustomerTokenSecretsRepository,
  now: number,
): Promise<CustomerClaims | null> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "HS256") return null;
    kid = header.kid;
  } catch {
    return null;
  }
  if (typeof kid !== "string" || kid.length > 100) return null;
  const secret = await secrets.findActive(projectId, kid);
  if (!secret) return null;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret.secret), {
      algorithms: ["HS256"],
      requiredClaims: ["exp", "iat", "email"],
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const { exp, iat } = payload as { exp: number; iat: number };
    if (iat > now / 1000 + CLOCK_TOLERANCE_S) return null;
    if (exp - iat > CUSTOMER_TOKEN_MAX_LIFETIME_S) return null;
    const email = typeof payload.email === "string" ? normalizeEmail(payload.email) : "";
    if (!isEmail(email)) return null;
    const claims: CustomerClaims = { email };
    const set = <K extends keyof CustomerClaims>(key: K, value: CustomerClaims[K] | undefined) => {
      if (value !== undefined) claims[key] = value;
    };
    set("id", text(payload.sub, 200));
    set("name", text(payload.name, 200));
    set("subscriptionId", text(payload.subscription_id, 200));
    set("plan", text(payload.plan, 200));
    set("mrr", whole(payload.mrr, 10_000_000_000));
    set("currency", text(payload.currency, 3));
    set("provider", text(payload.provider, 50));
    set("tenureDays", whole(payload.tenure_days, 36_500));
    return claims;
  } catch {
    return null;
  }
}
