/**
 * The customer fields a cancellation carries, in every name they go by. This one table drives
 * each mapping: widget options → submit body, `/embed` query → options, frame `options`
 * messages → options, and the API's request schemas (their lengths and ranges).
 *
 * @example
 * ```ts
 * for (const field of CUSTOMER_FIELDS) body[field.wire] = options[field.option];
 * ```
 */

/** `text`: a string of at most `max` characters; `integer`: a whole number from 0 to `max`. */
export type CustomerFieldKind = "text" | "integer";

export interface CustomerField {
  /** Name in `Windback.show(options)` and `WindbackFrame.mount(container, options)`. */
  readonly option: CustomerOption;
  /** Name in the JSON body of `POST /cancel-flow/submit` and `POST …/churn-events`. */
  readonly wire: string;
  /** Name in the `/embed` iframe URL's query string. */
  readonly query: string;
  readonly kind: CustomerFieldKind;
  /** Shortest text (1 when absent), or smallest integer (0). */
  readonly min?: number;
  /** Longest text, or largest integer. */
  readonly max: number;
}

export type CustomerOption =
  | "customerEmail"
  | "customerName"
  | "subscriptionId"
  | "planName"
  | "mrr"
  | "currency"
  | "provider"
  | "tenureDays";

/** What a browser may say about the customer; every field is a claim unless a token vouches for it. */
export type CustomerOptions = {
  [K in CustomerOption]?: K extends "mrr" | "tenureDays" ? number : string;
};

/** The largest MRR, in cents, that any caller may send (100 M in the currency's major unit). */
export const MRR_MAX_CENTS = 10_000_000_000;

export const CUSTOMER_FIELDS = [
  {
    option: "customerEmail",
    wire: "customer_email",
    query: "email",
    kind: "text",
    min: 3,
    max: 254,
  },
  { option: "customerName", wire: "customer_name", query: "name", kind: "text", max: 200 },
  {
    option: "subscriptionId",
    wire: "provider_subscription_id",
    query: "subscription_id",
    kind: "text",
    max: 200,
  },
  { option: "planName", wire: "plan_name", query: "plan", kind: "text", max: 200 },
  { option: "mrr", wire: "mrr", query: "mrr", kind: "integer", max: MRR_MAX_CENTS },
  { option: "currency", wire: "currency", query: "currency", kind: "text", min: 3, max: 3 },
  { option: "provider", wire: "provider", query: "provider", kind: "text", min: 1, max: 50 },
  { option: "tenureDays", wire: "tenure_days", query: "tenure_days", kind: "integer", max: 36_500 },
] as const satisfies readonly CustomerField[];

/** Wire names of the customer fields. */
export type CustomerWireField = (typeof CUSTOMER_FIELDS)[number]["wire"];

/**
 * A value for `field` taken from outside (a query string, a message), or undefined when it does
 * not fit: wrong type, too long, not a whole number in range. Never throws.
 */
export function customerFieldValue(
  field: CustomerField,
  value: unknown,
): string | number | undefined {
  if (field.kind === "integer") {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= field.max ? n : undefined;
  }
  return typeof value === "string" && value.length >= (field.min ?? 1) && value.length <= field.max
    ? value
    : undefined;
}
