/**
 * Fuzzing every route the API documents (discovered from /api/v1/openapi.json, so new routes are
 * covered without touching this file) with fast-check: valid-looking and hostile bodies, query
 * strings, headers and credentials. No answer may be a 5xx, every error must be `{error, code}`
 * JSON, nothing may hang, and a normal request must still work afterwards. The seed is fixed
 * and printed: `RELIABILITY_SEED=<n>` reproduces a run.
 */
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
  injectTenant,
  loadApi,
  testConfig,
} from "../src/lib/in-process.js";
import { startBenchApi } from "../src/lib/processes.js";
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

type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" | "HEAD";
interface Route {
  method: Method;
  path: string; // OpenAPI form: /api/v1/projects/{slug}
  query: string[];
  bodySchema: JsonSchema | null;
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
  format?: string;
}

// Every canonical reason id and every accepted alias.
const REASONS = [...CANCEL_REASONS, ...Object.keys(CANCEL_REASON_ALIASES)];
const ALLOWED_ORIGIN = "https://app.fuzz.example";

// ---- state shared by the properties -------------------------------------------------------

const tmp = tempDir("windback-fuzz-");
let app: ApiApp;
let routes: Route[] = [];
let main: Awaited<ReturnType<typeof injectTenant>>;
let other: Awaited<ReturnType<typeof injectTenant>>;
let eventId = "";
let httpRequests = 0;
const stats = { requests: 0, byStatus: new Map<number, number>(), serverErrors: [] as string[] };

function count(status: number) {
  stats.requests += 1;
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
}

beforeAll(async () => {
  const api = await loadApi();
  app = await api.buildServer({ config: testConfig(api, join(tmp.path, "fuzz.db")) });
  await app.ready();
  main = await injectTenant(app, "fuzz-main");
  other = await injectTenant(app, "fuzz-other");
  const auth = { "content-type": "application/json", authorization: `Bearer ${main.token}` };
  await app.inject({
    method: "PUT",
    url: "/api/v1/projects/default/allowed-origins",
    headers: auth,
    payload: JSON.stringify({ allowed_origins: [ALLOWED_ORIGIN] }),
  });
  const created = await app.inject({
    method: "POST",
    url: "/api/v1/projects/default/churn-events",
    headers: auth,
    payload: JSON.stringify({ customer_email: "seed@fuzz.example", mrr: 1000 }),
  });
  eventId = JSON.parse(created.body).data?.id ?? "";
  const doc = JSON.parse((await app.inject({ method: "GET", url: "/api/v1/openapi.json" })).body);
  routes = discoverRoutes(doc);
  console.log(`[fuzz] seed ${SEED}; ${routes.length} routes from openapi.json`);
});

afterAll(async () => {
  await app?.close();
  tmp.remove();
});

function discoverRoutes(doc: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Route[] {
  const found: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string }[];
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> })
        ?.content;
      found.push({
        method: method.toUpperCase() as Method,
        path,
        query: parameters.filter((p) => p.in === "query").map((p) => p.name),
        bodySchema: content?.["application/json"]?.schema ?? null,
      });
    }
  }
  return found;
}

// ---- generators ---------------------------------------------------------------------------

/** Values for one JSON Schema: mostly inside its bounds, sometimes just outside them. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((s) => fromSchema(s, depth + 1)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
          maxKeys: 3,
        });
      return fc.record(Object.fromEntries(props.map(([k, s]) => [k, fromSchema(s, depth + 1)])), {
        requiredKeys: schema.required ?? [],
      });
    }
    case "array":
      return fc.array(fromSchema(schema.items, depth + 1), { maxLength: 5 });
    case "integer":
    case "number": {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 1_000_000;
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }),
        },
        { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, 1.5, 2 ** 53) },
      );
    }
    case "boolean":
      return fc.boolean();
    case "string":
      if (schema.format === "uuid") return fc.oneof(fc.uuid(), fc.constant(eventId));
      return fc.oneof(
        { weight: 3, arbitrary: fc.emailAddress() },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            ...REASONS,
            "discount",
            "pause",
            "public",
            "secret",
            "usd",
            ALLOWED_ORIGIN,
          ),
        },
        {
          weight: 3,
          arbitrary: fc.string({
            minLength: schema.minLength ?? 0,
            maxLength: Math.min(schema.maxLength ?? 40, 60),
          }),
        },
        { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
        { weight: 1, arbitrary: fc.constant("x".repeat((schema.maxLength ?? 1000) + 1)) },
      );
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Path parameters: real ids and slugs, other tenants' ids, and junk. */
const pathValue = (name: string) => {
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
  switch (name) {
    case "slug":
      return fc.oneof(fc.constant("default"), fc.constant("no-such-project"), junk);
    case "id":
      return fc.oneof(
        fc.constant(eventId),
        fc.constant(main.pubId),
        fc.constant(other.skId),
        fc.uuid(),
        junk,
      );
    case "reason":
      return fc.oneof(fc.constantFrom(...REASONS), junk);
    case "hash":
      return fc.oneof(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 8, maxLength: 8 }),
        junk,
      );
    case "file":
      return fc.oneof(
        fc.constantFrom("de.json", "ar.json", "en.json", "xx.json", "../package.json"),
        junk,
      );
    default:
      return junk;
  }
};

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name] ?? "x";
    // Junk is percent-encoded unless it already is an escape we want to send as is.
    return /^[\w.%-]*$/.test(value) ? value : encodeURIComponent(value);
  });
}

type Credential =
  | "none"
  | "jwt"
  | "sk"
  | "pub"
  | "pub-bearer"
  | "other-sk"
  | "bad-jwt"
  | "bad-key"
  | "bad-scheme"
  | "jwt-and-key";
const credentialArb = fc.constantFrom<Credential>(
  "none",
  "jwt",
  "sk",
  "pub",
  "pub-bearer",
  "other-sk",
  "bad-jwt",
  "bad-key",
  "bad-scheme",
  "jwt-and-key",
);

function credentialHeaders(c: Credential, tenant = main): Record<string, string> {
  switch (c) {
    case "none":
      return {};
    case "jwt":
      return { authorization: `Bearer ${tenant.token}` };
    case "sk":
      return { "x-api-key": tenant.sk };
    case "pub":
      return { "x-api-key": tenant.pub };
    case "pub-bearer":
      return { authorization: `Bearer ${tenant.pub}` };
    case "other-sk":
      return { "x-api-key": other.sk };
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

const routeArb = () => fc.constantFrom(...routes);

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

const pathParamsArb = (route: Route) => {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  return fc.record(Object.fromEntries(names.map((n) => [n, pathValue(n)]))) as fc.Arbitrary<
    Record<string, string>
  >;
};

const validQueryArb = (route: Route) =>
  fc.array(
    fc.tuple(
      fc.constantFrom(...(route.query.length > 0 ? route.query : ["q"])),
      fc.oneof(
        fc.integer({ min: -5, max: 150 }).map(String),
        fc.constantFrom(...REASONS, "new", "lost", "recovered", "offer_accepted", "dark", "de"),
        fc.string({ maxLength: 20 }),
      ),
    ),
    { maxLength: 4 },
  );

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

function toInject(r: FuzzRequest): InjectOptions {
  // Destructive operations with the main tenant's credentials would lock later runs out.
  const headers: Record<string, string> = { ...credentialHeaders(r.credential), ...r.headers };
  if (r.contentType !== null && r.body !== null) headers["content-type"] = r.contentType;
  const method = r.methodOverride ?? r.route.method;
  return {
    method,
    url: `${fillPath(r.route.path, r.path)}${queryString(r.query)}`,
    headers,
    ...(r.body !== null && method !== "GET" && method !== "HEAD" && { payload: r.body }),
  };
}

const DESTRUCTIVE =
  /DELETE \/api\/v1\/projects\/\{slug\}$|api-keys\/\{id\}$|rotate$|change-password$|PUT \/api\/v1\/projects\/\{slug\}$/;

async function send(r: FuzzRequest): Promise<void> {
  const options = toInject(r);
  if (
    DESTRUCTIVE.test(`${options.method} ${r.route.path}`) &&
    ["jwt", "sk", "jwt-and-key"].includes(r.credential)
  ) {
    // A throwaway tenant takes the destructive call, so the main credentials keep working.
    const victim = await injectTenant(app, "victim");
    options.headers = { ...options.headers, ...credentialHeaders(r.credential, victim) };
  }
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    app.inject(options),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`hang: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
        REQUEST_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  count(res.statusCode);
  const where = `${options.method} ${options.url.slice(0, 200)}`;
  if (res.statusCode >= 500) {
    stats.serverErrors.push(`${res.statusCode} ${where}: ${res.body.slice(0, 300)}`);
  }
  expect(res.statusCode, `${where} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400 && options.method !== "HEAD") {
    let body: { error?: unknown; code?: unknown } | null = null;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = null;
    }
    expect(
      body,
      `${where} → ${res.statusCode} non-JSON error: ${res.body.slice(0, 200)}`,
    ).not.toBeNull();
    expect(typeof body?.error, `${where} → ${res.body.slice(0, 200)}`).toBe("string");
    expect(typeof body?.code, `${where} → ${res.body.slice(0, 200)}`).toBe("string");
  }
}

const requestArb = (parts: {
  body: (route: Route) => fc.Arbitrary<string | Buffer | null>;
  query: (route: Route) => fc.Arbitrary<[string, string][]>;
  headers: fc.Arbitrary<Record<string, string>>;
  contentType: fc.Arbitrary<string | null>;
  methodOverride?: fc.Arbitrary<Method | null>;
}): fc.Arbitrary<FuzzRequest> =>
  routeArb().chain((route) =>
    fc.record({
      route: fc.constant(route),
      path: pathParamsArb(route),
      query: parts.query(route),
      credential: credentialArb,
      headers: parts.headers,
      contentType: parts.contentType,
      body: parts.body(route),
      methodOverride: parts.methodOverride ?? fc.constant(null),
    }),
  );

const validBody = (route: Route) =>
  route.bodySchema
    ? fromSchema(route.bodySchema).map((v) => JSON.stringify(v) as string | Buffer | null)
    : fc.constant(null);

const fuzzOptions = (numRuns: number, offset: number) => ({
  seed: SEED + offset,
  numRuns,
  // A failure is reported as found; shrinking thousands of large inputs would blow the budget.
  endOnFailure: true,
});

describe("fuzzing every documented route", () => {
  test(`valid-looking requests (${RUNS.valid})`, async () => {
    const arb = requestArb({
      body: validBody,
      query: validQueryArb,
      headers: fc.oneof(fc.constant({}), fc.constant({ origin: ALLOWED_ORIGIN })),
      contentType: fc.constant("application/json"),
    });
    await fc.assert(fc.asyncProperty(arb, send), fuzzOptions(RUNS.valid, 1));
  });

  test(`hostile bodies and content types (${RUNS.bodies})`, async () => {
    const arb = requestArb({
      body: () => hostileBodyArb,
      query: () => fc.constant([]),
      headers: fc.constant({}),
      contentType: fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.constant(null)),
    });
    await fc.assert(fc.asyncProperty(arb, send), fuzzOptions(RUNS.bodies, 2));
  });

  test(`hostile query strings (${RUNS.queries})`, async () => {
    const arb = requestArb({
      body: validBody,
      query: () => hostileQueryArb,
      headers: fc.constant({}),
      contentType: fc.constant("application/json"),
    });
    await fc.assert(fc.asyncProperty(arb, send), fuzzOptions(RUNS.queries, 3));
  });

  test(`hostile headers, credentials and methods (${RUNS.headers})`, async () => {
    const arb = requestArb({
      body: validBody,
      query: validQueryArb,
      headers: extraHeadersArb,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      methodOverride: fc.option(
        fc.constantFrom<Method>("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
        { freq: 4 },
      ),
    });
    await fc.assert(fc.asyncProperty(arb, send), fuzzOptions(RUNS.headers, 4));
  });

  test("a normal request still works afterwards", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/submit",
      headers: {
        "content-type": "application/json",
        "x-api-key": main.pub,
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
      headers: { "x-api-key": main.sk },
    });
    expect(statsRes.statusCode).toBe(200);
  });
});

describe("fuzzing the built server over real sockets", () => {
  const dir = tempDir("windback-fuzz-http-");
  let server: ApiProcess;
  const closedWithoutAnswer: string[] = [];

  beforeAll(async () => {
    server = await startBenchApi({ databasePath: join(dir.path, "http.db") });
  });
  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  function rawHttp(options: InjectOptions): Promise<number> {
    return new Promise((resolveStatus, reject) => {
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
          res.resume();
          res.on("end", () => resolveStatus(res.statusCode ?? 0));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }

  test(`the same generators over HTTP, plus malformed HTTP (${RUNS.http})`, async () => {
    const arb = requestArb({
      body: (route) => fc.oneof(validBody(route), hostileBodyArb),
      query: () => fc.oneof(hostileQueryArb, fc.constant([] as [string, string][])),
      headers: fc.constant({}),
      contentType: fc.constantFrom(...CONTENT_TYPES),
    });
    // Credentials of this process's own database are not known here: requests are anonymous or
    // carry junk credentials, which still reach every parser and the auth layer.
    const samples = fc.sample(arb, { seed: SEED + 5, numRuns: RUNS.http });
    for (const sample of samples) {
      const options = toInject({ ...sample, credential: "none" });
      let status = 0;
      try {
        status = await rawHttp(options);
      } catch (error) {
        if (String(error).includes("no answer in")) throw error;
        // Node's client refuses some inputs before sending; a closed connection is counted.
        closedWithoutAnswer.push(`${options.method} ${options.url.slice(0, 80)}: ${String(error)}`);
        continue;
      }
      httpRequests += 1;
      count(status);
      expect(status, `${options.method} ${options.url.slice(0, 120)}`).toBeLessThan(500);
    }
    // Malformed HTTP on a raw socket: bad request lines, bad chunking, a lying Content-Length.
    const raw = [
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
      "BREW /coffee HTCPCP/1.0\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /api/v1/cancel-flow/submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{"email":',
      `GET /api/v1/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      "GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\u0002\r\n\r\n",
      "\u0000\u0001\u0002\u0003\r\n\r\n",
    ];
    for (const text of raw) {
      await new Promise<void>((done) => {
        const socket = connect(server.port, "127.0.0.1");
        socket.setTimeout(2000, () => socket.destroy());
        socket.on("data", () => {});
        socket.on("error", () => done());
        socket.on("close", () => done());
        socket.end(text);
      });
      httpRequests += 1;
      stats.requests += 1;
    }
    if (closedWithoutAnswer.length > 0) {
      console.log(
        `[fuzz] over HTTP, ${closedWithoutAnswer.length} requests got no answer:\n  ${closedWithoutAnswer.slice(0, 10).join("\n  ")}`,
      );
    }
    expect(server.child.exitCode).toBeNull();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const register = await fetch(`${server.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "after",
        email: "after@fuzz.example",
        password: "correct horse battery",
      }),
    });
    expect(register.status).toBe(201);
  });
});

afterAll(() => {
  const total = stats.requests;
  const fiveXx = [...stats.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const distribution = [...stats.byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, c]) => `${s}:${c}`)
    .join(" ");
  console.log(
    `[fuzz] seed ${SEED}; requests fuzzed: ${total} (in-process ${total - httpRequests}, over HTTP ${httpRequests}); 5xx: ${fiveXx}; statuses ${distribution}`,
  );
  record("fuzz", {
    seed: SEED,
    requests_fuzzed: total,
    over_http: httpRequests,
    routes: routes.length,
    five_xx: fiveXx,
    statuses: Object.fromEntries(stats.byStatus),
  });
});
