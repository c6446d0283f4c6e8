/**
 * Faults: a full disk (`PRAGMA max_page_count` on the API's own connection) and a locked
 * database (another connection holds `BEGIN IMMEDIATE`, the API waits 100 ms). Writes must answer
 * 503 `{error, code: "SERVICE_UNAVAILABLE"}` (never 500), the service must recover once the fault
 * is lifted, and the widget's API client facing the 503 must fail open (outcome "error").
 */
import { createHmac } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ApiProcess, generateJwtSecret, startApi, tempDir } from "@windback/testkit";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FlowEvent } from "../../packages/widget/src/core/flow.js";
import { createTenant } from "../src/lib/api-setup.js";
import {
  type ApiApp,
  type InjectResponse,
  injectTenant,
  loadApi,
  type SqliteStorage,
  testConfig,
} from "../src/lib/in-process.js";
import { WIDGET_SRC } from "../src/lib/paths.js";
import { record } from "./summary.js";

type Tenant = Awaited<ReturnType<typeof injectTenant>>;
type Api = Awaited<ReturnType<typeof loadApi>>;

/** The widget's own client and session (packages/widget/src), typed here by what we call. */
interface WidgetModules {
  createApiClient(options: { apiBase: string; apiKey: string; timeoutMs?: number }): {
    submit(
      body: Record<string, unknown>,
    ): Promise<
      { ok: true; data: unknown } | { ok: false; error: { code: string; status: number | null } }
    >;
  };
  createSession(options: {
    client: unknown;
    reasons: { value: string; label: string; text: "none" | "optional" | "required" }[];
    customer: Record<string, unknown>;
    onChange(state: unknown): void;
    onDone(result: { outcome: string; error?: { code: string } }): void;
  }): { dispatch(event: FlowEvent): void; readonly state: { step: string } };
}

/** The widget's modules; a failure to load them fails the suite (the check must run). */
async function loadWidget(): Promise<WidgetModules> {
  try {
    const client = await import(pathToFileURL(join(WIDGET_SRC, "api-client.ts")).href);
    const session = await import(pathToFileURL(join(WIDGET_SRC, "session.ts")).href);
    if (
      typeof client.createApiClient !== "function" ||
      typeof session.createSession !== "function"
    ) {
      throw new Error("createApiClient or createSession is not exported");
    }
    return { createApiClient: client.createApiClient, createSession: session.createSession };
  } catch (error) {
    throw new Error(`the widget's fail-open check cannot run: ${String(error)}`);
  }
}

const tally = { faultStates: 0, faultedRequests: 0, fiveHundreds: 0, widgetFailOpen: 0 };

function json(res: InjectResponse) {
  return JSON.parse(res.body) as { error?: unknown; code?: unknown };
}

function expect503(res: InjectResponse, what: string) {
  tally.faultedRequests += 1;
  if (res.statusCode === 500) tally.fiveHundreds += 1;
  expect(res.statusCode, `${what}: ${res.body}`).toBe(503);
  const body = json(res);
  expect(body.code).toBe("SERVICE_UNAVAILABLE");
  expect(typeof body.error).toBe("string");
}

let counter = 0;
const writes = (app: ApiApp, t: Tenant) => ({
  submit: () =>
    app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/submit",
      headers: { "content-type": "application/json", "x-api-key": t.pub },
      payload: JSON.stringify({
        customer_email: `c-${String(++counter).padStart(8, "0")}@faults.example`,
        cancel_reason: "too_expensive",
        customer_name: "A customer with a reasonably long name",
        plan_name: "Pro",
      }),
    }),
  churnEvent: () =>
    app.inject({
      method: "POST",
      url: "/api/v1/projects/default/churn-events",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.token}` },
      payload: JSON.stringify({
        customer_email: `d-${String(++counter).padStart(8, "0")}@faults.example`,
        mrr: 1200,
        plan_name: "Team",
      }),
    }),
  project: () =>
    app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.token}` },
      payload: JSON.stringify({ name: `Project ${String(++counter).padStart(8, "0")}` }),
    }),
});

async function widgetFailsOpen(widget: WidgetModules, apiBase: string, key: string) {
  const client = widget.createApiClient({ apiBase, apiKey: key, timeoutMs: 3000 });
  const direct = await client.submit({
    customer_email: `w-${String(++counter).padStart(8, "0")}@faults.example`,
    cancel_reason: "too_expensive",
  });
  expect(direct.ok).toBe(false);
  if (!direct.ok) {
    expect(direct.error.status).toBe(503);
    expect(direct.error.code).toBe("SERVICE_UNAVAILABLE");
  }
  // The whole flow: the customer picks a reason and submits; the 503 ends in outcome "error",
  // which tells the host page to go on with its own cancellation.
  const outcome = await new Promise<{ outcome: string; error?: { code: string } }>(
    (resolve, reject) => {
      // A flow that never finishes is the failure this checks for: fail fast instead of hanging.
      const timer = setTimeout(() => reject(new Error("the widget flow never finished")), 10_000);
      const session = widget.createSession({
        client,
        reasons: [{ value: "too_expensive", label: "Too expensive", text: "none" }],
        customer: { customerEmail: `x-${String(++counter).padStart(8, "0")}@faults.example` },
        onChange: (state) => {
          if ((state as { step: string }).step === "error") {
            // "Continue cancelling" on the error screen.
            session.dispatch({ type: "CANCEL_ANYWAY" });
          }
        },
        onDone: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      });
      session.dispatch({ type: "SELECT_REASON", reason: "too_expensive" });
      session.dispatch({ type: "SUBMIT" });
    },
  );
  expect(outcome.outcome).toBe("error");
  expect(outcome.error?.code).toBe("SERVICE_UNAVAILABLE");
  tally.widgetFailOpen += 1;
}

const tmp = tempDir("windback-faults-");
let api: Api;
let widget: WidgetModules;

beforeAll(async () => {
  api = await loadApi();
  widget = await loadWidget();
});

afterAll(() => {
  console.log(
    `[faults] fault kinds: 3 (disk full by max_page_count, disk full by RLIMIT_FSIZE, locked database); fault states injected: ${tally.faultStates}; ` +
      `requests answered during faults: ${tally.faultedRequests} (all 503 SERVICE_UNAVAILABLE, 500s: ${tally.fiveHundreds}); ` +
      `widget fail-open checks: ${tally.widgetFailOpen}`,
  );
  record("faults", {
    fault_kinds: ["disk_full", "file_size_limit", "locked_database"],
    fault_states_injected: tally.faultStates,
    requests_during_faults: tally.faultedRequests,
    five_hundreds: tally.fiveHundreds,
    widget_fail_open_checks: tally.widgetFailOpen,
  });
  tmp.remove();
});

describe("disk full", () => {
  const path = join(tmp.path, "full.db");
  let storage: SqliteStorage;
  let db: Database.Database;
  let app: ApiApp;
  let tenant: Tenant;
  let base = "";

  beforeAll(async () => {
    storage = api.openStorage(path);
    db = storage.db;
    app = await api.buildServer({ config: testConfig(api, path), storage });
    await app.ready();
    tenant = await injectTenant(app, "full");
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });

  test("every write route answers 503 once the database cannot grow, then recovers", async () => {
    const w = writes(app, tenant);
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    tally.faultStates += 1;
    for (const [name, write] of Object.entries(w)) {
      // Writes fill the free space left in the last pages, then hit SQLITE_FULL: bounded.
      let first503 = -1;
      for (let i = 0; i < 3000 && first503 < 0; i++) {
        const res = await write();
        if (res.statusCode === 503) first503 = i;
        else expect(res.statusCode, `${name} #${i}: ${res.body}`).toBeLessThan(300);
      }
      expect(first503, `${name} never reached 503`).toBeGreaterThanOrEqual(0);
      // Once full, it stays full: the next writes of that kind are refused the same way.
      for (let i = 0; i < 5; i++) expect503(await write(), `${name} while full`);
    }
    await widgetFailsOpen(widget, base, tenant.pub);
    const stats = await app.inject({
      method: "GET",
      url: "/api/v1/stats",
      headers: { "x-api-key": tenant.sk },
    });
    expect(stats.statusCode, "reads keep working on a full disk").toBe(200);

    db.pragma("max_page_count = 4294967294");
    expect((await w.submit()).statusCode).toBe(200);
    expect((await w.churnEvent()).statusCode).toBe(201);
    expect((await w.project()).statusCode).toBe(201);
  });
});

describe("locked database", () => {
  const path = join(tmp.path, "locked.db");
  let storage: SqliteStorage;
  let app: ApiApp;
  let tenant: Tenant;
  let base = "";

  beforeAll(async () => {
    storage = api.openStorage(path, { busyTimeoutMs: 100 });
    app = await api.buildServer({ config: testConfig(api, path), storage });
    await app.ready();
    tenant = await injectTenant(app, "locked");
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });

  test("writes answer 503 while another connection holds the write lock, then recover", async () => {
    const w = writes(app, tenant);
    const locker = new Database(path);
    locker.exec("BEGIN IMMEDIATE");
    tally.faultStates += 1;
    try {
      for (const [name, write] of Object.entries(w)) {
        for (let i = 0; i < 3; i++) expect503(await write(), `${name} while locked`);
      }
      const origins = await app.inject({
        method: "PUT",
        url: "/api/v1/projects/default/allowed-origins",
        headers: { "content-type": "application/json", authorization: `Bearer ${tenant.token}` },
        payload: JSON.stringify({ allowed_origins: ["https://app.locked.example"] }),
      });
      expect503(origins, "PUT allowed-origins while locked");
      await widgetFailsOpen(widget, base, tenant.pub);
      const stats = await app.inject({
        method: "GET",
        url: "/api/v1/stats",
        headers: { "x-api-key": tenant.sk },
      });
      // A key's first use in a while records last_used_at, a write: such a read may get 503 too.
      console.log(`[faults] GET /stats (sk key) while the write lock is held: ${stats.statusCode}`);
      expect([200, 503]).toContain(stats.statusCode);
    } finally {
      locker.exec("ROLLBACK");
      locker.close();
    }
    expect((await w.submit()).statusCode).toBe(200);
    expect((await w.churnEvent()).statusCode).toBe(201);
    expect((await w.project()).statusCode).toBe(201);
  });
});

test("the widget's fail-open check ran under both faults", () => {
  expect(tally.widgetFailOpen).toBe(2);
});

/**
 * Every write operation of the OpenAPI document, each against a locked database: 503
 * SERVICE_UNAVAILABLE with Retry-After while the lock is held, and the very same request succeeds
 * once it is released. The table must name every write operation the document has.
 */
describe("locked database, every write operation", () => {
  const path = join(tmp.path, "locked-all.db");
  let storage: SqliteStorage;
  let app: ApiApp;

  beforeAll(async () => {
    storage = api.openStorage(path, { busyTimeoutMs: 100 });
    app = await api.buildServer({ config: testConfig(api, path), storage });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
  });

  type Fixture = Tenant & { eventId: string; flowEventId: string; flowEmail: string; n: number };
  interface Write {
    op: string;
    request(f: Fixture): {
      url: string;
      auth?: "jwt" | "sk" | "pub";
      body?: unknown;
      headers?: Record<string, string>;
    };
    /** Why this operation writes nothing to the database, so it answers 2xx under the lock too. */
    writesNothing?: string;
    /** Set up what the request acts on (a project to delete, a key to revoke…). */
    prepare?(f: Fixture): Promise<Record<string, string>>;
  }
  const OFFER = { offer_type: "pause", title: "Pause", cta_button_text: "Pause", pause_days: 30 };
  const PASSWORD = "correct horse battery staple";

  async function send(
    method: string,
    url: string,
    f: Fixture,
    auth: "jwt" | "sk" | "pub" | undefined,
    body: unknown,
    extraHeaders: Record<string, string> = {},
  ) {
    const headers: Record<string, string> = { ...extraHeaders };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (auth === "jwt") headers.authorization = `Bearer ${f.token}`;
    if (auth === "sk") headers["x-api-key"] = f.sk;
    if (auth === "pub") headers["x-api-key"] = f.pub;
    return app.inject({
      method,
      url,
      headers,
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
  }

  let n = 0;
  async function fixture(): Promise<Fixture> {
    n += 1;
    const t = await injectTenant(app, `w${n}`);
    const f = { ...t, eventId: "", flowEventId: "", flowEmail: `flow-${n}@faults.example`, n };
    const ok = async (method: string, url: string, auth: "jwt" | "pub", body: unknown) => {
      const res = await send(method, url, f, auth, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return JSON.parse(res.body);
    };
    await ok("PUT", "/api/v1/projects/default/retention-offers/too_expensive", "jwt", OFFER);
    f.eventId = (
      await ok("POST", "/api/v1/projects/default/churn-events", "jwt", {
        customer_email: `e-${n}@faults.example`,
        mrr: 1200,
      })
    ).data.id;
    f.flowEventId = (
      await ok("POST", "/api/v1/cancel-flow/submit", "pub", {
        customer_email: f.flowEmail,
        cancel_reason: "too_expensive",
      })
    ).event_id;
    return f;
  }

  const extra = async (f: Fixture, method: string, url: string, body: unknown) => {
    const res = await send(method, url, f, "jwt", body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return JSON.parse(res.body).data;
  };

  const HOOKS = "/api/v1/projects/default/webhook-endpoints";
  const newEndpoint = (f: Fixture) =>
    extra(f, "POST", HOOKS, { url: `https://hooks-${f.n}.example.com/windback` });
  const STRIPE_SECRET = "whsec_faults_0123456789abcdef";
  /** A Stripe event signed as Stripe signs (t=…,v1=HMAC-SHA256 of "t.body"). */
  const stripeEvent = (f: Fixture) => {
    const body = {
      id: `evt_faults_${f.n}`,
      object: "event",
      type: "customer.subscription.deleted",
      livemode: true,
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `sub_faults_${f.n}`,
          object: "subscription",
          customer: `cus_faults_${f.n}`,
          status: "canceled",
          metadata: { email: `stripe-${f.n}@faults.example` },
          items: { object: "list", data: [] },
        },
      },
    };
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac("sha256", STRIPE_SECRET)
      .update(`${t}.${JSON.stringify(body)}`)
      .digest("hex");
    return { body, headers: { "stripe-signature": `t=${t},v1=${v1}` } };
  };

  const WRITES: Write[] = [
    {
      op: "POST /api/v1/projects/{slug}/webhook-endpoints",
      request: (f) => ({
        url: HOOKS,
        auth: "jwt",
        body: { url: `https://new-${f.n}.example.com/hooks` },
      }),
    },
    {
      op: "PATCH /api/v1/projects/{slug}/webhook-endpoints/{id}",
      prepare: async (f) => ({ slug: "default", id: (await newEndpoint(f)).id }),
      request: () => ({ url: "", auth: "sk", body: { description: "renamed" } }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}/webhook-endpoints/{id}",
      prepare: async (f) => ({ slug: "default", id: (await newEndpoint(f)).id }),
      request: () => ({ url: "", auth: "jwt" }),
    },
    {
      op: "POST /api/v1/projects/{slug}/webhook-endpoints/{id}/rotate-secret",
      prepare: async (f) => ({ slug: "default", id: (await newEndpoint(f)).id }),
      request: () => ({ url: "", auth: "jwt", body: {} }),
    },
    {
      op: "POST /api/v1/projects/{slug}/webhook-endpoints/{id}/test",
      prepare: async (f) => ({ slug: "default", id: (await newEndpoint(f)).id }),
      request: () => ({ url: "", auth: "sk", body: {} }),
    },
    {
      op: "POST /api/v1/projects/{slug}/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver",
      prepare: async (f) => {
        const id = (await newEndpoint(f)).id as string;
        await extra(f, "POST", `${HOOKS}/${id}/test`, {});
        const res = await send("GET", `${HOOKS}/${id}/deliveries`, f, "jwt", undefined);
        return { slug: "default", id, delivery_id: JSON.parse(res.body).data[0].id };
      },
      request: () => ({ url: "", auth: "jwt", body: {} }),
    },
    {
      op: "PUT /api/v1/projects/{slug}/integrations/stripe",
      request: () => ({
        url: "/api/v1/projects/default/integrations/stripe",
        auth: "jwt",
        body: { webhook_secret: STRIPE_SECRET },
      }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}/integrations/stripe",
      prepare: async (f) => {
        await extra(f, "PUT", "/api/v1/projects/default/integrations/stripe", {
          webhook_secret: STRIPE_SECRET,
        });
        return { slug: "default" };
      },
      request: () => ({ url: "", auth: "sk" }),
    },
    {
      op: "POST /webhooks/stripe/{public_key}",
      prepare: async (f) => {
        await extra(f, "PUT", "/api/v1/projects/default/integrations/stripe", {
          webhook_secret: STRIPE_SECRET,
        });
        return { public_key: f.pub };
      },
      request: (f) => {
        const { body, headers } = stripeEvent(f);
        return { url: `/webhooks/stripe/${f.pub}`, body, headers };
      },
    },
    {
      op: "POST /api/v1/auth/register",
      request: (f) => ({
        url: "/api/v1/auth/register",
        body: { name: "New", email: `new-${f.n}@faults.example`, password: PASSWORD },
      }),
    },
    {
      op: "POST /api/v1/auth/login",
      writesNothing: "a bearer login signs a JWT; no session row is stored",
      request: (f) => ({ url: "/api/v1/auth/login", body: { email: f.email, password: PASSWORD } }),
    },
    {
      op: "POST /api/v1/auth/session",
      request: (f) => ({
        url: "/api/v1/auth/session",
        body: { email: f.email, password: PASSWORD },
      }),
    },
    {
      op: "DELETE /api/v1/auth/session",
      writesNothing: "with a bearer JWT there is no session row to delete",
      request: () => ({ url: "/api/v1/auth/session", auth: "jwt" }),
    },
    {
      op: "POST /api/v1/auth/change-password",
      request: () => ({
        url: "/api/v1/auth/change-password",
        auth: "jwt",
        body: { current_password: PASSWORD, new_password: "another long password" },
      }),
    },
    {
      op: "PUT /api/v1/auth/allowed-origins",
      request: () => ({
        url: "/api/v1/auth/allowed-origins",
        auth: "sk",
        body: { allowed_origins: ["https://shop.example.com"] },
      }),
    },
    {
      op: "POST /api/v1/projects",
      request: () => ({ url: "/api/v1/projects", auth: "jwt", body: { name: "Other" } }),
    },
    {
      op: "PATCH /api/v1/projects/{slug}",
      request: () => ({
        url: "/api/v1/projects/default",
        auth: "sk",
        body: { max_claimed_mrr: 5000 },
      }),
    },
    {
      op: "PUT /api/v1/projects/{slug}",
      request: () => ({ url: "/api/v1/projects/default", auth: "jwt", body: { name: "Renamed" } }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}",
      prepare: async (f) => ({
        slug: (await extra(f, "POST", "/api/v1/projects", { name: "Doomed" })).project.slug,
      }),
      request: () => ({ url: "", auth: "jwt" }),
    },
    {
      op: "POST /api/v1/projects/{slug}/customer-token-secrets",
      request: () => ({
        url: "/api/v1/projects/default/customer-token-secrets",
        auth: "jwt",
        body: {},
      }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}/customer-token-secrets/{id}",
      prepare: async (f) => ({
        slug: "default",
        id: (await extra(f, "POST", "/api/v1/projects/default/customer-token-secrets", {})).id,
      }),
      request: () => ({ url: "", auth: "jwt" }),
    },
    {
      op: "POST /api/v1/projects/{slug}/api-keys",
      request: () => ({
        url: "/api/v1/projects/default/api-keys",
        auth: "jwt",
        body: { key_type: "public" },
      }),
    },
    {
      op: "POST /api/v1/projects/{slug}/api-keys/rotate",
      request: () => ({
        url: "/api/v1/projects/default/api-keys/rotate",
        auth: "jwt",
        body: { key_type: "public" },
      }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}/api-keys/{id}",
      request: (f) => ({ url: `/api/v1/projects/default/api-keys/${f.pubId}`, auth: "jwt" }),
    },
    {
      op: "POST /api/v1/api-keys",
      request: () => ({ url: "/api/v1/api-keys", auth: "jwt", body: { key_type: "secret" } }),
    },
    {
      op: "POST /api/v1/api-keys/rotate",
      request: () => ({
        url: "/api/v1/api-keys/rotate",
        auth: "jwt",
        body: { key_type: "public" },
      }),
    },
    {
      op: "DELETE /api/v1/api-keys/{id}",
      request: (f) => ({ url: `/api/v1/api-keys/${f.pubId}`, auth: "jwt" }),
    },
    {
      op: "PUT /api/v1/projects/{slug}/allowed-origins",
      request: () => ({
        url: "/api/v1/projects/default/allowed-origins",
        auth: "jwt",
        body: { allowed_origins: ["https://shop.example.com"] },
      }),
    },
    {
      op: "PUT /api/v1/projects/{slug}/retention-offers/{reason}",
      request: () => ({
        url: "/api/v1/projects/default/retention-offers/other",
        auth: "sk",
        body: OFFER,
      }),
    },
    {
      op: "DELETE /api/v1/projects/{slug}/retention-offers/{reason}",
      request: () => ({
        url: "/api/v1/projects/default/retention-offers/too_expensive",
        auth: "jwt",
      }),
    },
    {
      op: "PUT /api/v1/retention-offers/{reason}",
      request: () => ({ url: "/api/v1/retention-offers/other", auth: "jwt", body: OFFER }),
    },
    {
      op: "DELETE /api/v1/retention-offers/{reason}",
      request: () => ({ url: "/api/v1/retention-offers/too_expensive", auth: "sk" }),
    },
    {
      op: "POST /api/v1/projects/{slug}/churn-events",
      request: (f) => ({
        url: "/api/v1/projects/default/churn-events",
        auth: "sk",
        body: { customer_email: `m-${f.n}@faults.example`, mrr: 1200 },
      }),
    },
    {
      op: "POST /api/v1/projects/{slug}/churn-events/{id}/recovered",
      request: (f) => ({
        url: `/api/v1/projects/default/churn-events/${f.eventId}/recovered`,
        auth: "jwt",
      }),
    },
    {
      op: "POST /api/v1/projects/{slug}/churn-events/{id}/lost",
      request: (f) => ({
        url: `/api/v1/projects/default/churn-events/${f.eventId}/lost`,
        auth: "sk",
      }),
    },
    {
      op: "POST /api/v1/churn-events",
      request: (f) => ({
        url: "/api/v1/churn-events",
        auth: "jwt",
        body: { customer_email: `m-${f.n}@faults.example`, mrr_cents: 1200 },
      }),
    },
    {
      op: "POST /api/v1/churn-events/{id}/recovered",
      request: (f) => ({ url: `/api/v1/churn-events/${f.flowEventId}/recovered`, auth: "sk" }),
    },
    {
      op: "POST /api/v1/churn-events/{id}/lost",
      request: (f) => ({ url: `/api/v1/churn-events/${f.flowEventId}/lost`, auth: "jwt" }),
    },
    {
      op: "POST /api/v1/cancel-flow/submit",
      request: (f) => ({
        url: "/api/v1/cancel-flow/submit",
        auth: "pub",
        body: { customer_email: `s-${f.n}@faults.example`, cancel_reason: "too_expensive" },
      }),
    },
    {
      op: "POST /api/v1/cancel-flow/accept-offer",
      request: (f) => ({
        url: "/api/v1/cancel-flow/accept-offer",
        auth: "pub",
        body: {
          customer_email: f.flowEmail,
          cancel_reason: "too_expensive",
          offer_type: "pause",
          event_id: f.flowEventId,
        },
      }),
    },
    {
      op: "POST /api/v1/cancel-flow/decline",
      request: (f) => ({
        url: "/api/v1/cancel-flow/decline",
        auth: "sk",
        body: { event_id: f.flowEventId },
      }),
    },
    {
      op: "POST /api/v1/track",
      request: () => ({ url: "/api/v1/track", auth: "pub", body: { event: "cancel_page_viewed" } }),
    },
  ];

  test("the table names every write operation of the OpenAPI document", async () => {
    const doc = JSON.parse(
      (await app.inject({ method: "GET", url: "/api/v1/openapi.json" })).body,
    ) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => ["post", "put", "patch", "delete"].includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.length).toBeGreaterThan(25);
    expect(WRITES.map((w) => w.op).sort()).toEqual(documented.sort());
  });

  test.each(WRITES.map((w) => [w.op, w] as const))(
    "%s: 503 while locked (unless it writes nothing), then 2xx",
    async (_op, write) => {
      const f = await fixture();
      const params = (await write.prepare?.(f)) ?? {};
      const req = write.request(f);
      const [method = "", template = ""] = write.op.split(" ");
      const url =
        req.url || template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? "");
      const locker = new Database(path);
      locker.exec("BEGIN IMMEDIATE");
      tally.faultStates += 1;
      let locked: InjectResponse;
      try {
        locked = await send(method, url, f, req.auth, req.body, req.headers);
      } finally {
        locker.exec("ROLLBACK");
        locker.close();
      }
      if (write.writesNothing) {
        expect(locked.statusCode, `${write.op} while locked: ${locked.body}`).toBeLessThan(300);
      } else {
        expect503(locked, `${write.op} while locked`);
        expect(locked.headers["retry-after"], `${write.op}: Retry-After`).toBe("1");
      }
      const after = await send(method, url, f, req.auth, req.body, req.headers);
      expect(after.statusCode, `${write.op} after the lock: ${after.body}`).toBeGreaterThanOrEqual(
        200,
      );
      expect(after.statusCode, `${write.op} after the lock: ${after.body}`).toBeLessThan(300);
    },
  );
});

describe("a real full disk: the built API under prlimit --fsize", () => {
  const dir = tempDir("windback-fsize-");
  const path = join(dir.path, "fsize.db");
  const jwtSecret = generateJwtSecret();
  let server: ApiProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  /** The API as `pnpm start:api` runs it, optionally under a file-size limit. */
  const start = (wrapper?: string[]) =>
    startApi({
      databasePath: path,
      jwtSecret,
      // Each write waits for nothing but the disk: a fault shows up at once.
      env: { CANCEL_FLOW_RATE_LIMIT_MAX: "100000", CANCEL_FLOW_KEY_CEILING_MAX: "100000" },
      startTimeoutMs: 60_000,
      ...(wrapper && { wrapper }),
    });

  test("writes fail with a real EFBIG (SQLITE_IOERR): 503, never 500 or a crash; reads go on; nothing acknowledged is lost", async () => {
    server = await start();
    const tenant = await createTenant(server.url, "fsize", []);
    await server.stop();
    // Stopped cleanly, the WAL is checkpointed into the file: what is on disk is the file.
    const base = size(path);
    // RLIMIT_FSIZE: no file of the process may grow past this offset; the WAL the new process
    // starts can take some 256 KB of commits (a few dozen), then every append fails with EFBIG.
    // The shell ignores SIGXFSZ (Node does too) so the failed write is an error, not a kill.
    const limit = base + 256 * 1024;
    server = await start([
      "prlimit",
      `--fsize=${limit}`,
      "--",
      "sh",
      "-c",
      'trap "" XFSZ; exec "$0" "$@"',
    ]);
    tally.faultStates += 1;
    let url = server.url;
    const submit = (n: number) =>
      fetch(`${url}/api/v1/cancel-flow/submit`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": tenant.pub },
        body: JSON.stringify({
          customer_email: `f-${String(n).padStart(6, "0")}@fsize.example`,
          cancel_reason: "too_expensive",
          customer_name: "A customer with a reasonably long name to fill pages",
          plan_name: "Pro",
        }),
      });
    const acknowledged: string[] = [];
    let first503 = -1;
    // Bounded: 256 KB of WAL is used up well before 3000 writes.
    for (let i = 0; i < 3000 && first503 < 0; i++) {
      const res = await submit(i);
      const body = await res.text();
      if (res.status === 503) first503 = i;
      else {
        expect(res.status, `write #${i}: ${body}`).toBe(200);
        acknowledged.push(JSON.parse(body).event_id);
      }
    }
    expect(first503, "no write was refused under the file-size limit").toBeGreaterThan(0);
    expect(size(`${path}-wal`) + size(path)).toBeGreaterThan(limit - 64 * 1024);
    // Full it stays: every kind of write is refused the same way, with Retry-After.
    const writes = [
      () => submit(100_000),
      () =>
        fetch(`${url}/api/v1/churn-events`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": tenant.sk },
          body: JSON.stringify({ customer_email: "sk@fsize.example", mrr_cents: 1200 }),
        }),
      () =>
        fetch(`${url}/api/v1/projects`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tenant.token}` },
          body: JSON.stringify({ name: "Another" }),
        }),
    ];
    for (const write of writes) {
      for (let i = 0; i < 3; i++) {
        const res = await write();
        const body = await res.text();
        tally.faultedRequests += 1;
        if (res.status === 500) tally.fiveHundreds += 1;
        expect(res.status, body).toBe(503);
        expect(JSON.parse(body).code).toBe("SERVICE_UNAVAILABLE");
        expect(res.headers.get("retry-after")).toBe("1");
      }
    }
    // The failure really is the I/O error path: SQLite reports EFBIG as SQLITE_IOERR_WRITE (not
    // SQLITE_FULL, which only ENOSPC and max_page_count give).
    expect(server.output()).toMatch(/SQLITE_IOERR/);
    expect(server.child.exitCode, "the API died under the file-size limit").toBeNull();
    // Reads keep working, and /health (a read: can the store answer?) still says ok: the
    // instance serves the widget's reads while the disk is full.
    const stats = await fetch(`${url}/api/v1/stats`, { headers: { "x-api-key": tenant.sk } });
    expect(stats.status).toBe(200);
    const offers = await fetch(`${url}/api/v1/cancel-flow/offers?reason=too_expensive`, {
      headers: { "x-api-key": tenant.pub },
    });
    expect(offers.status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await server.stop();
    server = undefined;

    // The limit lifted: the same file, every acknowledged write present, the file intact.
    server = await start();
    url = server.url;
    for (const id of acknowledged) {
      const res = await fetch(`${server.url}/api/v1/churn-events/${id}`, {
        headers: { "x-api-key": tenant.sk },
      });
      expect(res.status, `acknowledged event ${id} is missing`).toBe(200);
    }
    expect((await submit(200_000)).status).toBe(200);
    await server.stop();
    server = undefined;
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      db.close();
    }
    console.log(
      `[faults] fsize limit ${limit} B (file ${base} B): ${acknowledged.length} writes acknowledged before the first 503, all present after the restart; integrity_check ok`,
    );
  });
});
