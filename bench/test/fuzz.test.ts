/**
 * Fuzzing every route the API documents (discovered from /api/v1/openapi.json, so new routes are
 * covered without touching this file) with fast-check. Each request carries, most of the time, a
 * credential the route's declared policy accepts (`config.auth`, read from the app itself) and a
 * body built from the route's JSON schema with plausible values (real ids harvested from earlier
 * answers), then mutated some of the time; the rest of the time a wrong, absent or other tenant's
 * credential and hostile bodies, query strings and headers. Guarantees:
 * - no answer is a 5xx, every error is `{error, code}` JSON, nothing hangs;
 * - every route answers 2xx and 4xx at least FLOOR times each, except the commented NEVER_2XX and
 *   NEVER_4XX lists;
 * - `GET /health` answers 200 within LIVENESS_BOUND_MS every LIVENESS_EVERY requests, during the run;
 * - malformed HTTP on a raw socket gets a well-formed 4xx reply (or, where listed, a clean close).
 * The seed is fixed and printed: `RELIABILITY_SEED=<n>` reproduces a run.
 */
import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { CANCEL_REASON_ALIASES, CANCEL_REASONS } from "@windback/protocol";
import { type ApiProcess, tempDir } from "@windback/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type ApiApp,
  type InjectOptions,
  loadApi,
  type RoutePolicy,
  routePolicies,
  testConfig,
} from "../src/lib/in-process.js";
import { startBenchApi } from "../src/lib/processes.js";
import { startWebhookReceiver } from "../src/lib/webhook-receiver.js";
import { record } from "./summary.js";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_261_128);
const SCALE = Number(process.env.RELIABILITY_FUZZ_SCALE ?? 1);
const RUNS = {
  valid: Math.round(4000 * SCALE),
  bodies: Math.round(3000 * SCALE),
  queries: Math.round(1500 * SCALE),
  headers: Math.round(1500 * SCALE),
  http: Math.round(600 * SCALE),
};
const REQUEST_TIMEOUT_MS = 10_000;
/** A liveness probe every this many fuzzed requests. */
const LIVENESS_EVERY = 100;
/**
 * What a probe may take. In-process a probe takes ~1 ms; the bound is generous because the
 * machine running the suite may be shared (2 cores), and what it catches is a stuck event loop or
 * a wedged database, which takes seconds or forever.
 */
const LIVENESS_BOUND_MS = 2000;

/**
 * Routes that cannot answer 2xx under fuzzing, each with the reason. The run fails if any other
 * route never answers 2xx, and also if a route listed here does (the entry is stale then).
 */
const NEVER_2XX: Record<string, string> = {};
/**
 * Routes that may never answer 4xx under fuzzing, each with the reason. Every other route must
 * have refused something (a wrong credential, a bad body or parameter) at least FLOOR times.
 */
const NEVER_4XX: Record<string, string> = {
  "GET /api/v1/auth/registration":
    "public and takes no input (no credential, parameter or body): there is nothing to refuse",
};
/** How often every route must have succeeded and failed (fewer in a scaled-down local run). */
const FLOOR = SCALE >= 1 ? 3 : 1;

type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" | "HEAD";
interface Route {
  method: Method;
  path: string; // OpenAPI form: /api/v1/projects/{slug}
  key: string; // "POST /api/v1/projects/{slug}"
  query: { name: string; schema: JsonSchema; required?: boolean }[];
  bodySchema: JsonSchema | null;
  policy: RoutePolicy;
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  format?: string;
  pattern?: string;
}

// Every canonical reason id and every accepted alias.
const REASONS = [...CANCEL_REASONS, ...Object.keys(CANCEL_REASON_ALIASES)];
const ALLOWED_ORIGIN = "https://app.fuzz.example";
const PASSWORD = "correct horse battery staple";
const STRIPE_SECRET = "whsec_fuzz_0123456789abcdef";
const OFFER = { offer_type: "pause", title: "Pause", cta_button_text: "Pause", pause_days: 30 };

// ---- targets: the in-process app and the built server over HTTP ---------------------------

interface Reply {
  status: number;
  body: string;
  /** The session cookie (`name=value`) the answer set, if any. */
  cookie?: string;
}

/** `name=value` of the dashboard's session cookie in a Set-Cookie header. */
function sessionCookieOf(header: string | string[] | number | undefined): string | undefined {
  const lines = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return lines.map((l) => l.split(";", 1)[0] ?? "").find((c) => c.startsWith("windback_session="));
}
type Sender = (options: InjectOptions) => Promise<Reply>;

interface Tenant {
  email: string;
  token: string;
  pub: string;
  pubId: string;
  sk: string;
  skId: string;
  /** A dashboard session cookie, made on first use (and again after a logout took it). */
  cookie?: string;
}

/**
 * What a target knows: its tenants (main, another tenant, a throwaway victim for calls that would
 * lock the main one out) and ids harvested from its answers, by resource.
 */
interface Target {
  name: string;
  send: Sender;
  main: Tenant;
  other: Tenant;
  victim: Tenant | null;
  pools: Map<string, string[]>;
  customerToken: string;
  webhookUrl: string;
  /** The dashboard's own origin: a cookie-authenticated change must come from it. */
  ownOrigin: string;
  requests: number;
}

const POOL_SIZE = 40;
function pool(t: Target, name: string): string[] {
  let ids = t.pools.get(name);
  if (!ids) {
    ids = [];
    t.pools.set(name, ids);
  }
  return ids;
}
function remember(t: Target, name: string, id: unknown) {
  if (typeof id !== "string" || id === "") return;
  const ids = pool(t, name);
  if (ids.includes(id)) return;
  ids.push(id);
  if (ids.length > POOL_SIZE) ids.shift();
}

/** The JSON of a 2xx answer; anything else fails the set-up. */
async function json(send: Sender, options: InjectOptions) {
  const res = await send(options);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${options.method} ${options.url}: ${res.status} ${res.body.slice(0, 300)}`);
  }
  return JSON.parse(res.body);
}

let tenantCounter = 0;
/** Registers an account and makes a public and a secret key, through `send`. */
async function newTenant(send: Sender, label: string): Promise<Tenant> {
  tenantCounter += 1;
  const email = `${label}-${tenantCounter}@fuzz.example`;
  const headers = { "content-type": "application/json" };
  const session = await json(send, {
    method: "POST",
    url: "/api/v1/auth/register",
    headers,
    payload: JSON.stringify({ name: label, email, password: PASSWORD }),
  });
  const token: string = session.data.token;
  const auth = { ...headers, authorization: `Bearer ${token}` };
  const key = async (keyType: string) =>
    (
      await json(send, {
        method: "POST",
        url: "/api/v1/projects/default/api-keys",
        headers: auth,
        payload: JSON.stringify({ key_type: keyType }),
      })
    ).data as { id: string; key: string };
  const pub = await key("public");
  const sk = await key("secret");
  return { email, token, pub: pub.key, pubId: pub.id, sk: sk.key, skId: sk.id };
}

/** A customer token (docs/design.md §11) as a merchant's server mints it: HS256 with `kid`. */
function customerToken(secretId: string, secret: string, email: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: "HS256", typ: "JWT", kid: secretId })}.${b64({ email, iat: now, exp: now + 3600 })}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** The state every route needs to be able to succeed: origins, offers, ids of each kind. */
async function setUpTarget(
  name: string,
  send: Sender,
  webhookUrl: string,
  ownOrigin: string,
): Promise<Target> {
  const main = await newTenant(send, `${name}-main`);
  const other = await newTenant(send, `${name}-other`);
  const t: Target = {
    name,
    send,
    main,
    other,
    victim: null,
    pools: new Map(),
    customerToken: "",
    webhookUrl,
    ownOrigin,
    requests: 0,
  };
  const call = (method: string, url: string, body: unknown) =>
    json(send, {
      method,
      url,
      headers: { "content-type": "application/json", authorization: `Bearer ${main.token}` },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
  await call("PUT", "/api/v1/projects/default/allowed-origins", {
    allowed_origins: [ALLOWED_ORIGIN],
  });
  for (const reason of CANCEL_REASONS) {
    await call("PUT", `/api/v1/projects/default/retention-offers/${reason}`, OFFER);
  }
  await call("PUT", "/api/v1/projects/default/integrations/stripe", {
    webhook_secret: STRIPE_SECRET,
  });
  const secret = await call("POST", "/api/v1/projects/default/customer-token-secrets", {});
  t.customerToken = customerToken(secret.data.id, secret.data.secret, "token@fuzz.example");
  const event = await call("POST", "/api/v1/projects/default/churn-events", {
    customer_email: "seed@fuzz.example",
    mrr_cents: 1000,
  });
  remember(t, "churn-events", event.data.id);
  if (!webhookUrl) return t;
  const endpoint = await call("POST", "/api/v1/projects/default/webhook-endpoints", {
    url: webhookUrl,
  });
  remember(t, "webhook-endpoints", endpoint.data.id);
  const hook = `/api/v1/projects/default/webhook-endpoints/${endpoint.data.id}`;
  await call("POST", `${hook}/test`, {});
  // The worker attempts the test message soon after; its attempt is what redeliver takes. Bounded.
  for (let i = 0; i < 100 && pool(t, "deliveries").length === 0; i++) {
    for (const d of (await call("GET", `${hook}/deliveries`, undefined)).data) {
      remember(t, "deliveries", `${endpoint.data.id}|${d.id}`);
    }
    if (pool(t, "deliveries").length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  return t;
}

// ---- routes and their policies --------------------------------------------------------------

function discoverRoutes(
  doc: { paths: Record<string, Record<string, Record<string, unknown>>> },
  policies: Map<string, RoutePolicy>,
): Route[] {
  const found: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const key = `${method.toUpperCase()} ${path}`;
      const policy = policies.get(key);
      if (!policy) throw new Error(`${key} is documented but declares no config.auth`);
      const parameters = (op.parameters ?? []) as {
        in: string;
        name: string;
        schema: JsonSchema;
      }[];
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> })
        ?.content;
      found.push({
        method: method.toUpperCase() as Method,
        path,
        key,
        query: parameters.filter((p) => p.in === "query"),
        bodySchema: content?.["application/json"]?.schema ?? null,
        policy,
      });
    }
  }
  return found;
}

// ---- credentials ----------------------------------------------------------------------------

type Credential =
  | "none"
  | "jwt"
  | "cookie"
  | "sk"
  | "pub"
  | "pub-bearer"
  | "other-jwt"
  | "other-sk"
  | "other-pub"
  | "bad-jwt"
  | "bad-key"
  | "bad-scheme"
  | "jwt-and-key";
const ALL_CREDENTIALS: Credential[] = [
  "none",
  "jwt",
  "cookie",
  "sk",
  "pub",
  "pub-bearer",
  "other-jwt",
  "other-sk",
  "other-pub",
  "bad-jwt",
  "bad-key",
  "bad-scheme",
  "jwt-and-key",
];
/** A dashboard session is a bearer JWT or the session cookie (same row, plugins/route-policy.ts). */
const KIND_CREDENTIALS: Record<"account" | "secret" | "public", Credential[]> = {
  account: ["jwt", "cookie"],
  secret: ["sk"],
  public: ["pub"],
};

/** The credentials the route's declared policy accepts, for the main tenant. */
function accepted(route: Route): Credential[] {
  return route.policy.auth === "none"
    ? ["none"]
    : route.policy.auth.flatMap((k) => KIND_CREDENTIALS[k]);
}

/** Mostly one the route accepts; one time in five a wrong, absent or other tenant's credential. */
function credentialArb(route: Route): fc.Arbitrary<Credential> {
  const good = accepted(route);
  const wrong = ALL_CREDENTIALS.filter((c) => !good.includes(c));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...good) },
    { weight: 1, arbitrary: fc.constantFrom(...wrong) },
  );
}

function credentialHeaders(c: Credential, t: Target, tenant: Tenant): Record<string, string> {
  switch (c) {
    case "none":
      return {};
    case "jwt":
      return { authorization: `Bearer ${tenant.token}` };
    case "cookie":
      // From the dashboard's own origin, as the dashboard sends it (a change needs it: CSRF).
      return { cookie: tenant.cookie ?? "", origin: t.ownOrigin };
    case "sk":
      return { "x-api-key": tenant.sk };
    case "pub":
      return { "x-api-key": tenant.pub };
    case "pub-bearer":
      return { authorization: `Bearer ${tenant.pub}` };
    case "other-jwt":
      return { authorization: `Bearer ${t.other.token}` };
    case "other-sk":
      return { "x-api-key": t.other.sk };
    case "other-pub":
      return { "x-api-key": t.other.pub };
    case "bad-jwt":
      return { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." };
    case "bad-key":
      return { "x-api-key": `sk_${"A".repeat(43)}` };
    case "bad-scheme":
      return { authorization: "Basic dXNlcjpwYXNz" };
    case "jwt-and-key":
      return { authorization: `Bearer ${tenant.token}`, "x-api-key": tenant.pub };
  }
}

/**
 * Calls that would lock the main tenant out (its password, its live keys) go to a throwaway
 * tenant, replaced once such a call succeeded on it.
 */
const VICTIM = /^POST .*(\/change-password|\/api-keys\/rotate)$/;

// ---- bodies ---------------------------------------------------------------------------------

const word = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789 -"),
    minLength: min,
    maxLength: max,
  });

/** Plausible values by property name: what a route needs to get past its handler's checks. */
function fieldHint(t: Target, route: Route, name: string): fc.Arbitrary<unknown> | null {
  const register = route.path.endsWith("/register");
  switch (name) {
    case "email":
      return register
        ? fc.integer({ min: 1, max: 2 ** 30 }).map((n) => `new-${n}@fuzz.example`)
        : fc.constant(t.main.email);
    case "password":
    case "current_password":
      return fc.constant(PASSWORD);
    case "new_password":
      return fc.constant("another long password 42");
    case "name":
      return word(1, 30).map((s) => `n${s}`);
    case "customer_email":
      return fc.oneof(
        fc.constantFrom("a@fuzz.example", "b@fuzz.example", "token@fuzz.example"),
        fc.integer({ min: 1, max: 2 ** 30 }).map((n) => `c-${n}@fuzz.example`),
      );
    case "cancel_reason":
      // On a retention offer it must match the path; elsewhere an offer exists for each reason.
      return route.path.includes("retention-offers")
        ? null
        : fc.constantFrom(...CANCEL_REASONS.filter((r) => r !== "other"), "switched_to_competitor");
    case "offer_type":
      return fc.constant("pause");
    case "event_id": {
      const ids = pool(t, "churn-events");
      return ids.length > 0 ? fc.constantFrom(...ids) : null;
    }
    case "customer_token":
      return fc.constant(t.customerToken);
    case "url":
      return t.webhookUrl ? fc.constant(t.webhookUrl) : null;
    case "webhook_secret":
      return fc.constant(STRIPE_SECRET);
    case "allowed_origins":
      // The main project must keep accepting the fuzzer's own origin.
      return fc.constantFrom([ALLOWED_ORIGIN], [ALLOWED_ORIGIN, "https://shop.fuzz.example"]);
    case "customer_verification":
      // "required" would refuse every later cancel-flow call without a token.
      return fc.constantFrom("off", "optional");
    case "support_email":
      return fc.constantFrom("support@fuzz.example", null);
    case "event_types":
      return fc.constantFrom(["webhook.test"], ["churn_event.created", "churn_event.lost"], null);
    case "currency":
      return fc.constantFrom("usd", "eur");
    case "occurred_at":
    case "from":
    case "to":
      return fc.constant(new Date().toISOString());
    default:
      return null;
  }
}

/** A value inside the schema's bounds. */
function validFromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant("x");
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const nonNull = variants.filter((v) => v.type !== "null");
    return validFromSchema(nonNull[0] ?? variants[0], depth + 1);
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return fc.record(
        Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([k, s]) => [
            k,
            validFromSchema(s, depth + 1),
          ]),
        ),
        { requiredKeys: schema.required ?? [] },
      );
    case "array": {
      const items = schema.items;
      const minLength = Math.max(schema.minItems ?? 0, 0);
      if (items?.enum) return fc.subarray(items.enum, { minLength: Math.max(minLength, 1) });
      return fc.array(validFromSchema(items, depth + 1), {
        minLength,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    }
    case "integer":
    case "number":
      return fc.integer({
        min: schema.minimum ?? 0,
        max: Math.min(schema.maximum ?? 100_000, 2 ** 31),
      });
    case "boolean":
      return fc.boolean();
    case "string":
      if (schema.format === "uuid") return fc.uuid();
      return word(Math.max(schema.minLength ?? 0, 1), Math.min(schema.maxLength ?? 40, 40));
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Track events (the schema is a union the document only describes). */
const trackBody = fc.oneof(
  fc.record(
    {
      event: fc.constantFrom("cancel_page_viewed", "offer_shown", "custom_event"),
      customer_email: fc.constant("a@fuzz.example"),
    },
    { requiredKeys: ["event"] },
  ),
  fc.constant({ events: [{ event: "cancel_page_viewed" }, { event: "offer_shown" }] }),
);

/** A Stripe event the integration handles; the request is signed in `buildRequest`. */
const stripeBody = fc.integer({ min: 1, max: 2 ** 30 }).map((n) => ({
  id: `evt_fuzz_${n}`,
  object: "event",
  type: "customer.subscription.deleted",
  livemode: true,
  created: Math.floor(Date.now() / 1000),
  data: {
    object: {
      id: `sub_fuzz_${n}`,
      object: "subscription",
      customer: `cus_fuzz_${n}`,
      status: "canceled",
      metadata: { email: `stripe-${n}@fuzz.example` },
      items: { object: "list", data: [] },
    },
  },
}));

/** A body the route should accept: from its schema, with field hints where they exist. */
function plausibleBody(t: Target, route: Route): fc.Arbitrary<unknown> | null {
  if (route.path.startsWith("/webhooks/stripe/")) return stripeBody;
  if (route.path === "/api/v1/track") return trackBody;
  if (route.path.includes("retention-offers/{reason}") && route.method === "PUT") {
    return fc
      .record({ description: word(0, 40), enabled: fc.constant(true) }, { requiredKeys: [] })
      .map((extra) => ({ ...OFFER, ...extra }));
  }
  const schema = route.bodySchema;
  if (!schema) return route.method === "POST" ? fc.constant({}) : null;
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const record = fc.record(
    Object.fromEntries(props.map(([k, s]) => [k, fieldHint(t, route, k) ?? validFromSchema(s)])),
    { requiredKeys: [...required] },
  );
  if (route.path.endsWith("/accept-offer")) {
    // Without event_id the customer's latest event is taken; a pooled id is usually another
    // customer's or reason's event, which the route rightly refuses.
    return record.map((o) => {
      const { event_id: _id, ...rest } = o;
      return rest;
    });
  }
  // PATCH bodies need at least one property.
  return record.filter(
    (o) => Object.keys(o).length >= Math.max(required.size, 1) || props.length === 0,
  );
}

/** One mutation of a plausible body: a field dropped, added, of the wrong type or out of bounds. */
function mutate(value: unknown, schema: JsonSchema | null): fc.Arbitrary<unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fc.jsonValue({ maxDepth: 2 });
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const pick = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant("unknown_field");
  return fc.oneof(
    pick.map((k) => {
      const { [k]: _dropped, ...rest } = obj;
      return rest;
    }),
    fc.jsonValue({ maxDepth: 1 }).map((v) => ({ ...obj, unknown_field: v })),
    fc
      .tuple(pick, fc.constantFrom<unknown>(null, 12345, -1, 1.5, "str", "", [], {}, true, 2 ** 53))
      .map(([k, v]) => ({ ...obj, [k]: v })),
    pick.map((k) => {
      const max = schema?.properties?.[k]?.maxLength ?? 5000;
      return { ...obj, [k]: "x".repeat(max + 1) };
    }),
    fc.constantFrom(null, [], "text", 42).map((v) => v as unknown),
  );
}

/** Four in five plausible; the rest one mutation away. */
function validBodyArb(t: Target, route: Route): fc.Arbitrary<string | Buffer | null> {
  const plausible = plausibleBody(t, route);
  if (!plausible) return fc.constant(null);
  return fc
    .oneof(
      { weight: 4, arbitrary: plausible },
      { weight: 1, arbitrary: plausible.chain((v) => mutate(v, route.bodySchema)) },
    )
    .map((v) => JSON.stringify(v) as string);
}

// ---- paths and query strings ------------------------------------------------------------------

const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "..",
    "%2e%2e",
    "%00",
    "null",
    "undefined",
    "0",
    "-1",
    "a".repeat(250),
    "%F0%9F%92%A9",
    "%E0%A4%A",
  ),
);

/** Mostly a real value from the pool, sometimes another tenant's, unknown or junk. */
function fromPool(ids: string[], others: fc.Arbitrary<string>): fc.Arbitrary<string> {
  if (ids.length === 0) return others;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: others },
  );
}

function pathParamsArb(t: Target, route: Route): fc.Arbitrary<Record<string, string>> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const arbs: Record<string, fc.Arbitrary<string>> = {};
  const resource = route.path.match(/\/([\w-]+)\/\{id\}/)?.[1] ?? "";
  for (const name of names) {
    switch (name) {
      case "slug":
        // Deleting "default" would take the main project away; other slugs come from POST /projects.
        arbs.slug =
          route.key === "DELETE /api/v1/projects/{slug}"
            ? fromPool(pool(t, "projects"), fc.oneof(fc.constant("no-such-project"), junk))
            : fc.oneof(
                { weight: 8, arbitrary: fc.constant("default") },
                {
                  weight: 1,
                  arbitrary: fromPool(pool(t, "projects"), fc.constant("no-such-project")),
                },
                { weight: 1, arbitrary: junk },
              );
        break;
      case "id":
        arbs.id = fromPool(
          pool(t, resource),
          fc.oneof(fc.constant(t.other.pubId), fc.uuid(), junk),
        );
        break;
      case "delivery_id":
        break; // with id, below
      case "reason":
        arbs.reason = fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...REASONS) },
          { weight: 1, arbitrary: junk },
        );
        break;
      case "public_key":
        arbs.public_key = fc.oneof(
          { weight: 6, arbitrary: fc.constant(t.main.pub) },
          {
            weight: 1,
            arbitrary: fc.oneof(fc.constant(t.other.pub), fc.constant(t.main.sk), junk),
          },
        );
        break;
      default:
        arbs[name] = junk;
    }
  }
  const params = fc.record(arbs) as fc.Arbitrary<Record<string, string>>;
  if (!names.includes("delivery_id")) return params;
  // An attempt of that endpoint: pairs "endpoint|attempt" from the deliveries listings.
  const pairs = pool(t, "deliveries");
  return fc
    .tuple(
      params,
      fromPool(
        pairs,
        fc.tuple(fc.uuid(), fc.uuid()).map(([a, b]) => `${a}|${b}`),
      ),
    )
    .map(([p, pair]) => {
      const [id = "", delivery = ""] = pair.split("|");
      return { ...p, id, delivery_id: delivery };
    });
}

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name] ?? "x";
    // Junk is percent-encoded unless it already is an escape we want to send as is.
    return /^[\w.%-]*$/.test(value) ? value : encodeURIComponent(value);
  });
}

/** A plausible value for a query parameter: hints by name, else from its schema. */
function queryValue(q: Route["query"][number]): fc.Arbitrary<string> {
  const day = 24 * 60 * 60 * 1000;
  switch (q.name) {
    case "from":
      return fc
        .integer({ min: 1, max: 90 })
        .map((d) => new Date(Date.now() - d * day).toISOString());
    case "to":
      return fc.constant(new Date(Date.now() + day).toISOString());
    case "reason":
      return fc.constantFrom(...REASONS);
    case "q":
      return fc.constantFrom("fuzz", "a@fuzz.example", "");
    default:
      return validFromSchema(q.schema).map(String);
  }
}

/**
 * Query parameters the route declares: the required ones always, others sometimes; four in five
 * values plausible, the rest out of range or of the wrong kind.
 */
const validQueryArb = (route: Route): fc.Arbitrary<[string, string][]> =>
  fc
    .tuple(
      ...route.query.map((q) => {
        const pair = fc
          .oneof(
            { weight: 4, arbitrary: queryValue(q) },
            {
              weight: 1,
              arbitrary: fc.oneof(
                fc.integer({ min: -5, max: 150 }).map(String),
                fc.constantFrom(...REASONS, "new", "lost", "dark", "de", "2026-13-45"),
                fc.string({ maxLength: 20 }),
              ),
            },
          )
          .map((v): [string, string] | null => [q.name, v]);
        return q.required ? pair : fc.option(pair, { freq: 2, nil: null });
      }),
    )
    .map((pairs) => pairs.filter((p): p is [string, string] => p !== null));

// ---- hostile inputs ------------------------------------------------------------------------------

const hostileQueryArb = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom(
        "limit",
        "offset",
        "status",
        "reason",
        "key",
        "__proto__",
        "constructor",
        "__proto__[polluted]",
        "limit[]",
        "a[b][c]",
      ),
      fc.string({ maxLength: 12 }),
    ),
    fc.oneof(
      fc.constantFrom(
        "-1",
        "1e309",
        "NaN",
        "Infinity",
        "0x10",
        "99999999999999999999",
        "",
        "%",
        "%E0%A4%A",
        "%00",
        "true",
        "[]",
        "{}",
      ),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.integer({ min: 1000, max: 20_000 }).map((n) => "z".repeat(n)),
    ),
  ),
  { maxLength: 6 },
);

function queryString(pairs: [string, string][]): string {
  if (pairs.length === 0) return "";
  return `?${pairs
    .map(([k, v]) => {
      // Keep deliberate escapes ("%E0%A4%A", "%") raw so the server sees malformed encoding.
      const enc = (s: string) => (/^[%\w\-.[\]]*$/.test(s) ? s : encodeURIComponent(s));
      return `${enc(k)}=${enc(v)}`;
    })
    .join("&")}`;
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/octet-stream",
  "",
  "*/*",
  "application/json;;;",
];

/** Hostile bodies: raw text or bytes, each a different way to trip a parser or a handler. */
const hostileBodyArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null"),
  fc.constantFrom(
    "{",
    "}",
    '{"a":}',
    "nul",
    "",
    " ",
    '{"a":1,}',
    "\u0000",
    "NaN",
    "[1,2",
    '"unterminated',
    "{'single':1}",
    "1e309",
    "-0",
    "null",
    "true",
    "[]",
    "{}",
  ),
  // Deep nesting, arrays and objects.
  fc.integer({ min: 10, max: 5000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`),
  fc.integer({ min: 10, max: 3000 }).map((d) => `${'{"a":'.repeat(d)}1${"}".repeat(d)}`),
  // Prototype pollution keys, at the top and nested, next to otherwise valid fields.
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true},"customer_email":"a@b.co","cancel_reason":"other"}',
    '{"constructor":{"prototype":{"polluted":true}},"email":"a@b.co","password":"xxxxxxxxxx"}',
    '{"a":{"__proto__":{"x":1}},"name":"n"}',
    '{"__proto__":null}',
    '{"events":[{"event":"x","properties":{"__proto__":{"y":1}}}]}',
  ),
  // Huge strings (the body limit is 100 KB; up to ~200 KB is sent).
  fc.integer({ min: 10_000, max: 200_000 }).map((n) =>
    JSON.stringify({
      customer_email: `${"a".repeat(n)}@b.co`,
      cancel_reason: "other",
      name: "n",
      email: "e@x.co",
      password: "p".repeat(10),
    }),
  ),
  fc
    .integer({ min: 1000, max: 5000 })
    .map((n) =>
      JSON.stringify({ events: Array.from({ length: n % 300 }, (_, i) => ({ event: `e${i}` })) }),
    ),
  // Invalid UTF-8 inside otherwise valid JSON.
  fc.constantFrom(
    Buffer.concat([
      Buffer.from('{"customer_email":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('@x.co","cancel_reason":"other"}'),
    ]),
    Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]),
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // a BOM before {}
    Buffer.from([0x80, 0x81, 0x82]),
  ),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  // Wrong types for every known field.
  fc
    .record(
      {
        customer_email: fc.jsonValue({ maxDepth: 1 }),
        cancel_reason: fc.jsonValue({ maxDepth: 1 }),
        email: fc.jsonValue({ maxDepth: 1 }),
        password: fc.jsonValue({ maxDepth: 1 }),
        key_type: fc.jsonValue({ maxDepth: 1 }),
        allowed_origins: fc.jsonValue({ maxDepth: 2 }),
        mrr: fc.jsonValue({ maxDepth: 1 }),
        event_id: fc.jsonValue({ maxDepth: 1 }),
        events: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

const headerValue = fc.oneof(
  fc.constantFrom(
    "null",
    ALLOWED_ORIGIN,
    "https://evil.example",
    "http://localhost",
    "file://",
    "https://app.fuzz.example/path",
    "HTTPS://APP.FUZZ.EXAMPLE",
    "https://app.fuzz.example:443",
  ),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  }),
  fc.integer({ min: 1000, max: 8000 }).map((n) => "h".repeat(n)),
);
const extraHeadersArb = fc.dictionary(
  fc.constantFrom(
    "origin",
    "x-forwarded-for",
    "accept",
    "accept-encoding",
    "accept-language",
    "x-api-key",
    "authorization",
    "x-requested-with",
    "if-none-match",
    "range",
    "x-http-method-override",
    "cookie",
  ),
  headerValue,
  { maxKeys: 4 },
);

// ---- sending, checking, counting --------------------------------------------------------------

interface FuzzRequest {
  route: Route;
  path: Record<string, string>;
  query: [string, string][];
  credential: Credential;
  headers: Record<string, string>;
  contentType: string | null;
  body: string | Buffer | null;
  methodOverride: Method | null;
}

interface RouteStats {
  requests: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
}
const perRoute = new Map<string, RouteStats>();
const stats = {
  requests: 0,
  byStatus: new Map<number, number>(),
  liveness: { probes: 0, maxMs: 0 },
  raw: 0,
};
let routes: Route[] = [];

function count(status: number, routeKey: string | null) {
  stats.requests += 1;
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
  if (routeKey === null) return;
  const row = perRoute.get(routeKey) ?? { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0 };
  row.requests += 1;
  if (status >= 200 && status < 300) row.ok += 1;
  else if (status >= 400 && status < 500) row.clientErrors += 1;
  else if (status >= 500) row.serverErrors += 1;
  perRoute.set(routeKey, row);
}

/** `GET /health` must answer 200 within the bound, in the middle of the run. */
async function livenessProbe(t: Target) {
  const started = performance.now();
  const res = await t.send({ method: "GET", url: "/health" });
  const ms = performance.now() - started;
  stats.liveness.probes += 1;
  stats.liveness.maxMs = Math.max(stats.liveness.maxMs, ms);
  expect(res.status, `${t.name}: /health after ${t.requests} requests: ${res.body}`).toBe(200);
  expect(ms, `${t.name}: /health took ${Math.round(ms)} ms`).toBeLessThan(LIVENESS_BOUND_MS);
}

async function buildRequest(t: Target, r: FuzzRequest): Promise<InjectOptions> {
  let tenant = t.main;
  if (VICTIM.test(r.route.key) && ["jwt", "cookie", "sk", "jwt-and-key"].includes(r.credential)) {
    t.victim ??= await newTenant(t.send, `${t.name}-victim`);
    tenant = t.victim;
  }
  if (r.credential === "cookie" && !tenant.cookie) {
    const res = await t.send({
      method: "POST",
      url: "/api/v1/auth/session",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: tenant.email, password: PASSWORD }),
    });
    if (!res.cookie) throw new Error(`${t.name}: no session cookie: ${res.status} ${res.body}`);
    tenant.cookie = res.cookie;
  }
  const headers: Record<string, string> = {
    ...credentialHeaders(r.credential, t, tenant),
    ...r.headers,
  };
  // An override that names another documented operation on the path would be that operation
  // (DELETE /projects/default would take the main project away): those keep the route's method.
  const override = r.methodOverride;
  const method =
    override && !routes.some((o) => o.key === `${override} ${r.route.path}`)
      ? override
      : r.route.method;
  const hasBody = r.body !== null && method !== "GET" && method !== "HEAD";
  if (r.contentType !== null && hasBody) headers["content-type"] = r.contentType;
  // Stripe's calls are signed as Stripe signs (t=…,v1=HMAC of "t.body"); a wrong credential
  // stands for an unsigned or wrongly signed call.
  if (r.route.path.startsWith("/webhooks/stripe/") && hasBody && r.credential === "none") {
    const ts = Math.floor(Date.now() / 1000);
    const v1 = createHmac("sha256", STRIPE_SECRET)
      .update(`${ts}.`)
      .update(r.body as string | Buffer)
      .digest("hex");
    headers["stripe-signature"] = `t=${ts},v1=${v1}`;
  }
  return {
    method,
    url: `${fillPath(r.route.path, r.path)}${queryString(r.query)}`,
    headers,
    ...(hasBody && { payload: r.body as string | Buffer }),
  };
}

/** Ids in a 2xx answer, kept for later requests' paths and bodies. */
function harvest(t: Target, r: FuzzRequest, url: string, body: string) {
  let parsed: { data?: unknown; event_id?: unknown } | null = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  if (r.route.method === "DELETE") return;
  const data = parsed?.data as Record<string, unknown> | Record<string, unknown>[] | undefined;
  const items = Array.isArray(data) ? data : data ? [data] : [];
  const path = r.route.path;
  const ids = items.map((i) => i?.id);
  if (/\/webhook-endpoints$/.test(path)) for (const id of ids) remember(t, "webhook-endpoints", id);
  if (/\/api-keys$/.test(path) && r.route.method === "POST") remember(t, "api-keys", ids[0]);
  if (/\/customer-token-secrets$/.test(path) && r.route.method === "POST") {
    remember(t, "customer-token-secrets", ids[0]);
  }
  if (/\/churn-events$/.test(path)) for (const id of ids) remember(t, "churn-events", id);
  if (path === "/api/v1/cancel-flow/submit") remember(t, "churn-events", parsed?.event_id);
  if (r.route.key === "POST /api/v1/projects") {
    remember(t, "projects", (items[0]?.project as { slug?: string } | undefined)?.slug);
  }
  if (path.endsWith("/deliveries")) {
    const endpoint = url.match(/webhook-endpoints\/([^/?]+)\/deliveries/)?.[1];
    for (const id of ids)
      if (typeof id === "string") remember(t, "deliveries", `${endpoint}|${id}`);
  }
}

async function send(t: Target, r: FuzzRequest): Promise<void> {
  const options = await buildRequest(t, r);
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    t.send(options),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`hang: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
        REQUEST_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  // A method override is another operation than the route's: it counts overall only.
  count(res.status, options.method === r.route.method ? r.route.key : null);
  const where = `${t.name}: ${options.method} ${options.url.slice(0, 200)}`;
  expect(res.status, `${where} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 200 && res.status < 300) {
    harvest(t, r, options.url, res.body);
    if (tenantWasSpent(r)) t.victim = null;
    // A logout with the cookie ended that session: the next cookie request logs in again.
    if (r.route.key === "DELETE /api/v1/auth/session" && r.credential === "cookie") {
      t.main.cookie = undefined;
    }
  }
  if (res.status >= 400 && options.method !== "HEAD") {
    let body: { error?: unknown; code?: unknown } | null = null;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = null;
    }
    expect(
      body,
      `${where} → ${res.status} non-JSON error: ${res.body.slice(0, 200)}`,
    ).not.toBeNull();
    expect(typeof body?.error, `${where} → ${res.body.slice(0, 200)}`).toBe("string");
    // Node's HTTP parser refuses oversized headers (431) and unparsable requests (400) before
    // Fastify routes anything; Fastify's client-error handler answers those as
    // {error, message, statusCode}, without `code`. Only over a real socket, only those two.
    const parserLevel =
      t.name === "http" &&
      (res.status === 431 || res.status === 400) &&
      (body as { statusCode?: unknown } | null)?.statusCode === res.status;
    if (!parserLevel) {
      expect(typeof body?.code, `${where} → ${res.body.slice(0, 200)}`).toBe("string");
    }
  }
  t.requests += 1;
  if (t.requests % LIVENESS_EVERY === 0) await livenessProbe(t);
}

const tenantWasSpent = (r: FuzzRequest) => VICTIM.test(r.route.key);

const requestArb = (
  t: Target,
  parts: {
    body: (route: Route) => fc.Arbitrary<string | Buffer | null>;
    query: (route: Route) => fc.Arbitrary<[string, string][]>;
    headers: (route: Route) => fc.Arbitrary<Record<string, string>>;
    contentType: fc.Arbitrary<string | null>;
    credential?: (route: Route) => fc.Arbitrary<Credential>;
    methodOverride?: fc.Arbitrary<Method | null>;
  },
): fc.Arbitrary<FuzzRequest> =>
  fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      path: pathParamsArb(t, route),
      query: parts.query(route),
      credential: (parts.credential ?? credentialArb)(route),
      headers: parts.headers(route),
      contentType: parts.contentType,
      body: parts.body(route),
      methodOverride: parts.methodOverride ?? fc.constant(null),
    }),
  );

/** The widget's routes from a page: mostly the allowed origin, sometimes none or a foreign one. */
const originArb = (route: Route): fc.Arbitrary<Record<string, string>> =>
  route.policy.browser
    ? fc.oneof(
        { weight: 4, arbitrary: fc.constant({ origin: ALLOWED_ORIGIN }) },
        { weight: 1, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc.constantFrom({ origin: "https://evil.example" }, { origin: "null" }),
        },
      )
    : fc.constant({});

const fuzzOptions = (numRuns: number, offset: number) => ({
  seed: SEED + offset,
  numRuns,
  // A failure is reported as found; shrinking thousands of large inputs would blow the budget.
  endOnFailure: true,
});

// ---- the in-process app -------------------------------------------------------------------------

const tmp = tempDir("windback-fuzz-");
let app: ApiApp;
let local: Target;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  const api = await loadApi();
  receiver = await startWebhookReceiver();
  // Webhook deliveries go to a receiver on 127.0.0.1: loopback only.
  const env = { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" };
  const policies = await routePolicies(api, testConfig(api, join(tmp.path, "probe.db"), env));
  const config = testConfig(api, join(tmp.path, "fuzz.db"), env);
  app = await api.buildServer({ config });
  await app.ready();
  const inject: Sender = async (options) => {
    const res = await app.inject(options);
    const cookie = sessionCookieOf(res.headers["set-cookie"]);
    return { status: res.statusCode, body: res.body, ...(cookie && { cookie }) };
  };
  local = await setUpTarget(
    "in-process",
    inject,
    receiver.url,
    new URL(String(config.publicUrl)).origin,
  );
  const doc = JSON.parse((await app.inject({ method: "GET", url: "/api/v1/openapi.json" })).body);
  routes = discoverRoutes(doc, policies);
  console.log(`[fuzz] seed ${SEED}; ${routes.length} routes from openapi.json`);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  tmp.remove();
});

describe("fuzzing every documented route", () => {
  test(`valid-looking requests with the credentials each route accepts (${RUNS.valid})`, async () => {
    const arb = requestArb(local, {
      body: (route) => validBodyArb(local, route),
      query: validQueryArb,
      headers: originArb,
      contentType: fc.constant("application/json"),
    });
    await fc.assert(
      fc.asyncProperty(arb, (r) => send(local, r)),
      fuzzOptions(RUNS.valid, 1),
    );
  });

  test(`hostile bodies and content types (${RUNS.bodies})`, async () => {
    const arb = requestArb(local, {
      body: () => hostileBodyArb,
      query: () => fc.constant([]),
      headers: originArb,
      contentType: fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.constant(null)),
    });
    await fc.assert(
      fc.asyncProperty(arb, (r) => send(local, r)),
      fuzzOptions(RUNS.bodies, 2),
    );
  });

  test(`hostile query strings (${RUNS.queries})`, async () => {
    const arb = requestArb(local, {
      body: (route) => validBodyArb(local, route),
      query: () => hostileQueryArb,
      headers: originArb,
      contentType: fc.constant("application/json"),
    });
    await fc.assert(
      fc.asyncProperty(arb, (r) => send(local, r)),
      fuzzOptions(RUNS.queries, 3),
    );
  });

  test(`hostile headers, any credential and methods (${RUNS.headers})`, async () => {
    const arb = requestArb(local, {
      body: (route) => validBodyArb(local, route),
      query: validQueryArb,
      headers: () => extraHeadersArb,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      credential: () => fc.constantFrom(...ALL_CREDENTIALS),
      methodOverride: fc.option(
        fc.constantFrom<Method>("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
        { freq: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, (r) => send(local, r)),
      fuzzOptions(RUNS.headers, 4),
    );
  });

  test("a normal request still works afterwards", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/submit",
      headers: {
        "content-type": "application/json",
        "x-api-key": local.main.pub,
        origin: ALLOWED_ORIGIN,
      },
      payload: JSON.stringify({
        customer_email: "after-fuzz@fuzz.example",
        cancel_reason: "too_expensive",
      }),
    });
    expect(res.statusCode).toBe(200);
    const statsRes = await app.inject({
      method: "GET",
      url: "/api/v1/stats",
      headers: { "x-api-key": local.main.sk },
    });
    expect(statsRes.statusCode).toBe(200);
  });
});

// ---- the built server over real sockets -------------------------------------------------------

/**
 * Malformed HTTP on a raw socket, and what each must get: a well-formed reply with that status,
 * or (`orClose`) a close without a reply, which is what Node's parser does to bytes it cannot
 * read as a request at all. A hang (no reply, no close within the bound) is a failure.
 */
const RAW_CASES: { name: string; text: string; status: number; orClose?: true }[] = [
  {
    name: "a plain request line",
    text: "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    status: 200,
  },
  { name: "an unknown method and protocol", text: "BREW /coffee HTCPCP/1.0\r\n\r\n", status: 400 },
  {
    name: "a negative Content-Length",
    text: "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    status: 400,
  },
  {
    name: "a malformed chunk size",
    text: "POST /api/v1/cancel-flow/submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    status: 400,
  },
  {
    name: "a body shorter than its Content-Length, then EOF",
    text: 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{"email":',
    status: 400,
    orClose: true,
  },
  {
    name: "a 20 KB request line",
    text: `GET /api/v1/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 431,
  },
  {
    name: "control bytes in a header value",
    text: "GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\u0002\r\n\r\n",
    status: 400,
  },
  { name: "binary garbage", text: "\u0000\u0001\u0002\u0003\r\n\r\n", status: 400 },
  {
    name: "both Content-Length and Transfer-Encoding (request smuggling)",
    text: "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    status: 400,
  },
  { name: "HTTP/1.1 without Host", text: "GET /health HTTP/1.1\r\n\r\n", status: 400 },
];
const RAW_TIMEOUT_MS = 5000;

interface RawReply {
  status: number | null;
  closed: boolean;
  bytes: number;
}

function rawExchange(port: number, text: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply and no close in ${RAW_TIMEOUT_MS} ms`));
    }, RAW_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      const head = Buffer.concat(chunks).toString("latin1");
      const status = head.match(/^HTTP\/1\.[01] (\d{3}) /)?.[1];
      resolve({ status: status ? Number(status) : null, closed: true, bytes: head.length });
    };
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", finish);
    socket.on("close", finish);
    socket.end(text);
  });
}

describe("fuzzing the built server over real sockets", () => {
  const dir = tempDir("windback-fuzz-http-");
  let server: ApiProcess;
  let remote: Target;
  const closedWithoutAnswer: string[] = [];

  function rawHttp(options: InjectOptions): Promise<Reply> {
    return new Promise((resolveReply, reject) => {
      const body = options.payload;
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: server.port,
          method: options.method,
          path: options.url,
          headers: {
            ...options.headers,
            ...(body !== undefined && { "content-length": String(Buffer.byteLength(body)) }),
          },
          timeout: REQUEST_TIMEOUT_MS,
          // A fresh connection each time: a pooled socket the server has just closed (after a 431
          // or 413) would fail the next request with "socket hang up" on the client side.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const cookie = sessionCookieOf(res.headers["set-cookie"]);
            resolveReply({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              ...(cookie && { cookie }),
            });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  beforeAll(async () => {
    server = await startBenchApi({ databasePath: join(dir.path, "http.db") });
    // The production build refuses http: webhook URLs, and a https: one would leave the machine:
    // this target seeds no webhook endpoint (the in-process one covers those routes).
    remote = await setUpTarget("http", rawHttp, "", new URL(server.url).origin);
  });
  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  test(`the same generators over HTTP, authenticated (${RUNS.http})`, async () => {
    const arb = requestArb(remote, {
      body: (route) =>
        fc.oneof(
          { weight: 3, arbitrary: validBodyArb(remote, route) },
          { weight: 1, arbitrary: hostileBodyArb },
        ),
      query: (route) =>
        fc.oneof(
          { weight: 3, arbitrary: validQueryArb(route) },
          { weight: 1, arbitrary: hostileQueryArb },
        ),
      headers: originArb,
      contentType: fc.oneof(
        { weight: 3, arbitrary: fc.constant("application/json") },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
    });
    const samples = fc.sample(arb, { seed: SEED + 5, numRuns: RUNS.http });
    for (const sample of samples) {
      try {
        await send(remote, sample);
      } catch (error) {
        if (!String(error).match(/ECONNRESET|socket hang up|EPIPE|Invalid character|HPE_/))
          throw error;
        // Node's client refuses some inputs before sending, and the server closes the connection
        // on some (431, 413) before the client has written everything: counted, not failed.
        closedWithoutAnswer.push(`${sample.route.key}: ${String(error).slice(0, 120)}`);
      }
    }
    if (closedWithoutAnswer.length > 0) {
      console.log(
        `[fuzz] over HTTP, ${closedWithoutAnswer.length} requests got no answer:\n  ${closedWithoutAnswer.slice(0, 10).join("\n  ")}`,
      );
    }
    // Bounded: a few percent at most are closed without an answer (hostile sizes).
    expect(closedWithoutAnswer.length).toBeLessThan(RUNS.http / 10);
    expect(server.child.exitCode).toBeNull();
  });

  test.each(RAW_CASES.map((c) => [c.name, c] as const))("raw socket: %s", async (_name, c) => {
    const reply = await rawExchange(server.port, c.text);
    stats.raw += 1;
    count(reply.status ?? 0, null);
    if (reply.status === null) {
      expect(c.orClose, `${c.name}: closed without a reply (${reply.bytes} bytes)`).toBe(true);
    } else {
      expect(reply.status, c.name).toBe(c.status);
    }
    // The server is still there and still answers.
    await livenessProbe(remote);
  });
});

// ---- the floor and the table ------------------------------------------------------------------

describe("coverage", () => {
  test("every documented route answered 2xx and 4xx at least FLOOR times, unless listed", () => {
    const table = routes
      .map((r) => {
        const s = perRoute.get(r.key) ?? { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0 };
        return `${String(s.requests).padStart(6)} ${String(s.ok).padStart(5)} ${String(s.clientErrors).padStart(5)} ${String(s.serverErrors).padStart(5)}  ${r.key}`;
      })
      .join("\n");
    console.log(`[fuzz] per route:\n  sent   2xx   4xx   5xx  route\n${table}`);
    const never = routes.filter((r) => (perRoute.get(r.key)?.ok ?? 0) === 0).map((r) => r.key);
    const belowOk = routes
      .filter((r) => (perRoute.get(r.key)?.ok ?? 0) < FLOOR && !(r.key in NEVER_2XX))
      .map((r) => `${r.key}: ${perRoute.get(r.key)?.ok ?? 0} × 2xx`);
    expect(belowOk, "routes below the 2xx floor").toEqual([]);
    // A listed route that now succeeds is a stale entry.
    expect(Object.keys(NEVER_2XX).filter((k) => !never.includes(k))).toEqual([]);
    const neverRefused = routes
      .filter((r) => (perRoute.get(r.key)?.clientErrors ?? 0) === 0)
      .map((r) => r.key);
    const belowRefused = routes
      .filter((r) => (perRoute.get(r.key)?.clientErrors ?? 0) < FLOOR && !(r.key in NEVER_4XX))
      .map((r) => `${r.key}: ${perRoute.get(r.key)?.clientErrors ?? 0} × 4xx`);
    expect(belowRefused, "routes below the 4xx floor").toEqual([]);
    expect(Object.keys(NEVER_4XX).filter((k) => !neverRefused.includes(k))).toEqual([]);
    expect(stats.liveness.probes).toBeGreaterThan(100);
  });
});

afterAll(() => {
  const total = stats.requests;
  const fiveXx = [...stats.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const rows = [...perRoute.values()];
  const sent = rows.reduce((n, r) => n + r.requests, 0);
  const ok = rows.reduce((n, r) => n + r.ok, 0);
  const never = routes.filter((r) => (perRoute.get(r.key)?.ok ?? 0) === 0).length;
  const distribution = [...stats.byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, c]) => `${s}:${c}`)
    .join(" ");
  console.log(
    `[fuzz] seed ${SEED}; requests fuzzed: ${total} (raw socket ${stats.raw}); 5xx: ${fiveXx}; ` +
      `2xx on documented routes: ${ok}/${sent} (${((100 * ok) / Math.max(sent, 1)).toFixed(1)} %); ` +
      `routes never 2xx: ${never}/${routes.length}; liveness probes: ${stats.liveness.probes} (max ${Math.round(stats.liveness.maxMs)} ms); statuses ${distribution}`,
  );
  record("fuzz", {
    seed: SEED,
    requests_fuzzed: total,
    raw_socket: stats.raw,
    routes: routes.length,
    routes_never_2xx: never,
    two_xx_share: sent > 0 ? ok / sent : 0,
    liveness_probes: stats.liveness.probes,
    liveness_max_ms: Math.round(stats.liveness.maxMs),
    five_xx: fiveXx,
    statuses: Object.fromEntries(stats.byStatus),
  });
});
