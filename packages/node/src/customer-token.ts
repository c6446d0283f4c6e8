import { SignJWT } from "jose";

/** The longest lifetime the API accepts for a customer token (docs/design.md §11). */
export const CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

/** Who the cancel page is for, as your server knows it. */
export interface CustomerTokenCustomer {
  email: string;
  /** Your own customer id (the token's `sub`). */
  id: string;
  name?: string;
  subscriptionId: string;
  plan: string;
  /** Monthly recurring revenue in integer cents. */
  mrr: number;
  /** ISO 4217 (`usd` when omitted, by the API). */
  currency?: string;
  /** The billing provider (`custom` when omitted, by the API). */
  provider?: string;
  tenureDays?: number;
}

export interface CreateCustomerTokenOptions {
  /** The customer-token secret's id (`POST /projects/:slug/customer-token-secrets` → `id`): the `kid`. */
  secretId: string;
  /** The secret itself (`wbct_…`), shown once when it was created. */
  secret: string;
  customer: CustomerTokenCustomer;
  /**
   * Seconds, or a duration such as `"15m"`, `"1h"`, `"24h"` (s, m, h, d). At most 24 hours; keep
   * it short, a page load's worth.
   */
  expiresIn: number | string;
  /** Issue time, for tests; now when omitted. */
  now?: Date;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function lifetimeSeconds(expiresIn: number | string): number {
  if (typeof expiresIn === "number") {
    if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
      throw new TypeError("expiresIn must be a positive whole number of seconds");
    }
    return expiresIn;
  }
  const match = /^\s*(\d+)\s*([smhd])\s*$/.exec(expiresIn);
  if (!match?.[1] || !match[2]) {
    throw new TypeError(`expiresIn "${expiresIn}" is not a duration such as "15m" or "1h"`);
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2]] ?? 0);
}

/**
 * Mints the customer token the cancel page hands to the widget (`Windback.show({customerToken})`,
 * or `&token=` for the iframe): an HS256 JWT signed with one of the project's customer-token
 * secrets, whose claims the API trusts over what the browser sends (docs/design.md §11).
 *
 * @example
 * ```ts
 * const token = await createCustomerToken({
 *   secretId: process.env.WINDBACK_TOKEN_SECRET_ID!,
 *   secret: process.env.WINDBACK_TOKEN_SECRET!,
 *   customer: { email: "ada@example.com", id: "cus_123", subscriptionId: "sub_456", plan: "Pro", mrr: 4900 },
 *   expiresIn: "1h",
 * });
 * ```
 */
export async function createCustomerToken(options: CreateCustomerTokenOptions): Promise<string> {
  const { secretId, secret, customer } = options;
  if (!secretId) throw new TypeError("secretId is required (the customer-token secret's id)");
  if (!secret) throw new TypeError("secret is required (the customer-token secret, wbct_…)");
  if (!customer?.email) throw new TypeError("customer.email is required");
  if (!Number.isInteger(customer.mrr) || customer.mrr < 0) {
    throw new TypeError("customer.mrr must be a whole number of cents, 0 or more");
  }
  if (
    customer.tenureDays !== undefined &&
    (!Number.isInteger(customer.tenureDays) || customer.tenureDays < 0)
  ) {
    throw new TypeError("customer.tenureDays must be a whole number of days, 0 or more");
  }
  const lifetime = lifetimeSeconds(options.expiresIn);
  // The API refuses longer-lived tokens; failing here says why instead of a 401 in the browser.
  if (lifetime > CUSTOMER_TOKEN_MAX_LIFETIME_SECONDS) {
    throw new RangeError(
      "expiresIn must be at most 24 hours (the API refuses longer-lived tokens)",
    );
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, string | number> = {
    email: customer.email,
    subscription_id: customer.subscriptionId,
    plan: customer.plan,
    mrr: customer.mrr,
  };
  if (customer.name !== undefined) claims.name = customer.name;
  if (customer.currency !== undefined) claims.currency = customer.currency;
  if (customer.provider !== undefined) claims.provider = customer.provider;
  if (customer.tenureDays !== undefined) claims.tenure_days = customer.tenureDays;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: secretId })
    .setSubject(customer.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(new TextEncoder().encode(secret));
}
