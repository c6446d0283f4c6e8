import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { buildServer } from "../../src/app.js";
import type { AppConfig } from "../../src/config.js";
import { createSqliteStorage } from "../../src/storage/sqlite/index.js";
import { DISABLE_AFTER_FAILING_MS } from "../../src/webhooks/worker.js";
import {
  apiKey,
  bearer,
  createKey,
  createTenant,
  type Tenant,
  TestClock,
  type TestContext,
  testConfig,
} from "../helpers.js";
import { startReceiver } from "./receiver.js";

/** The app on a clock that starts now: receivers check the signed timestamp against real time. */
async function buildApp(overrides: Partial<AppConfig> = {}): Promise<TestContext> {
  const clock = new TestClock(Date.now());
  const storage = createSqliteStorage(":memory:");
  const app = await buildServer({ config: testConfig(overrides), clock, storage });
  await app.ready();
  return { app, storage, db: storage.db, clock };
}

let ctx: TestContext;
let tenant: Tenant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const base = "/api/v1/projects/default/webhook-endpoints";

// Generous hook limits: argon2 and app start-up are slow on a loaded two-core machine.
beforeEach(async () => {
  ctx = await buildApp();
  tenant = await createTenant(ctx);
  receiver = await startReceiver();
}, 60_000);
afterEach(async () => {
  await ctx?.app.close();
  await ctx?.storage.close();
  await receiver?.close();
}, 60_000);

async function createEndpoint(body: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({
    method: "POST",
    url: base,
    headers: bearer(tenant.account.token),
    payload: { url: receiver.url, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { id: string; secret: string; event_types: string[] };
}

async function createChurnEvent(key = tenant.sk, email = "ann@example.com") {
  const res = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/projects/default/churn-events",
    headers: apiKey(key),
    payload: { customer_email: email, mrr: 4900 },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { id: string };
}

async function deliveries(endpointId: string) {
  const res = await ctx.app.inject({
    method: "GET",
    url: `${base}/${endpointId}/deliveries`,
    headers: bearer(tenant.account.token),
  });
  expect(res.statusCode).toBe(200);
  return res.json().data as {
    id: string;
    message_id: string;
    attempt: number;
    status: string;
    response_status: number | null;
    error: string | null;
    next_attempt_at: string | null;
  }[];
}

/** The i-th request the receiver got (fails the test when there is none). */
function receivedAt(i: number) {
  const entry = receiver.received[i];
  if (!entry) throw new Error(`no request ${i}`);
  return entry;
}

/** A header the receiver got (fails the test when it is missing). */
function header(entry: { headers: Record<string, string> }, name: string): string {
  const value = entry.headers[name];
  if (value === undefined) throw new Error(`no ${name} header`);
  return value;
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("endpoint management", () => {
  test("create shows the whsec_ secret once; the list shows only a hint", async () => {
    const created = await createEndpoint({ description: "billing" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), "base64")).toHaveLength(32);
    expect(created.event_types).toContain("churn_event.lost");
    const list = await ctx.app.inject({ method: "GET", url: base, headers: apiKey(tenant.sk) });
    expect(list.statusCode).toBe(200);
    const [listed] = list.json().data;
    expect(listed).toMatchObject({ id: created.id, enabled: true, disabled_reason: null });
    expect(listed.secret_hint).toBe(`whsec_…${created.secret.slice(-4)}`);
    expect(list.body).not.toContain(created.secret);
  });

  test.each([
    ["ftp://example.com/hook", "http: or https:"],
    ["http://user:pw@example.com/hook", "user name or password"],
    ["http://169.254.169.254/latest/meta-data", "metadata"],
    ["http://169.254.10.1/", "link-local"],
    ["http://[fd00:ec2::254]/", "metadata"],
    ["http://100.64.0.1/", "cgnat"],
    ["not a url", "absolute URL"],
  ])("refuses %s", async (url, problem) => {
    const res = await ctx.app.inject({
      method: "POST",
      url: base,
      headers: bearer(tenant.account.token),
      payload: { url },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain(problem);
  });

  test("loopback and private literals are refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS", async () => {
    const strict = await buildApp({
      webhooks: { allowPrivateTargets: false, timeoutMs: 2_000, retryScheduleMs: [0] },
    });
    const owner = await createTenant(strict);
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://10.1.2.3/",
      "http://[::1]/",
      "http://localhost/",
    ]) {
      const res = await strict.app.inject({
        method: "POST",
        url: base,
        headers: bearer(owner.account.token),
        payload: { url },
      });
      expect(res.statusCode, url).toBe(400);
    }
    await strict.app.close();
  });

  test("another tenant's endpoint is a 404; a public key is refused", async () => {
    const created = await createEndpoint();
    const other = await createTenant(ctx, "Other");
    const res = await ctx.app.inject({
      method: "GET",
      url: `${base}/${created.id}`,
      headers: apiKey(other.sk),
    });
    expect(res.statusCode).toBe(404);
    const pub = await ctx.app.inject({ method: "GET", url: base, headers: apiKey(tenant.pub) });
    expect(pub.statusCode).toBe(403);
  });
});

describe("delivery", () => {
  test("a change is delivered signed per Standard Webhooks with the body of §9", async () => {
    const endpoint = await createEndpoint();
    const event = await createChurnEvent();
    await receiver.waitFor(1);
    const got = receivedAt(0);
    const payload = new Webhook(endpoint.secret).verify(got.body, got.headers) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      type: "churn_event.created",
      livemode: true,
      data: { id: event.id, customer_email: "ann@example.com", status: "new" },
    });
    expect(got.headers["webhook-id"]).toMatch(/^msg_/);
    expect(got.headers["user-agent"]).toMatch(/^Windback-Webhooks\//);
    expect(got.headers["content-type"]).toBe("application/json");
    // A wrong secret does not verify.
    const wrong = `whsec_${Buffer.alloc(32, 1).toString("base64")}`;
    expect(() => new Webhook(wrong).verify(got.body, got.headers)).toThrow();
    await until(async () => (await deliveries(endpoint.id))[0]?.status === "succeeded");
  });

  test("an offer accepted in the cancel flow is sent as a signed cancel_flow.offer_accepted", async () => {
    const endpoint = await createEndpoint({ event_types: ["cancel_flow.offer_accepted"] });
    const offer = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/default/retention-offers/too_expensive",
      headers: bearer(tenant.account.token),
      payload: {
        offer_type: "pause",
        title: "Pause instead",
        cta_button_text: "Pause",
        pause_days: 30,
      },
    });
    expect(offer.statusCode, offer.body).toBeLessThan(300);
    const submitted = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/submit",
      headers: apiKey(tenant.pub),
      payload: { customer_email: "saved@example.com", cancel_reason: "too_expensive", mrr: 900 },
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const accepted = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/cancel-flow/accept-offer",
      headers: apiKey(tenant.pub),
      payload: {
        event_id: submitted.json().event_id,
        customer_email: "saved@example.com",
        cancel_reason: "too_expensive",
        offer_type: "pause",
      },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await receiver.waitFor(1);
    const got = receivedAt(0);
    expect(new Webhook(endpoint.secret).verify(got.body, got.headers)).toMatchObject({
      type: "cancel_flow.offer_accepted",
      data: { id: submitted.json().event_id, status: "offer_accepted", offer_type: "pause" },
    });
  });

  test("test-mode changes go out with livemode false; event_types filter", async () => {
    const onlyLost = await createEndpoint({ event_types: ["churn_event.lost"] });
    const all = await createEndpoint();
    const testKey = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(tenant.account.token),
      payload: { key_type: "secret", mode: "test" },
    });
    await createChurnEvent(testKey.json().data.key);
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    const payload = new Webhook(all.secret).verify(receivedAt(0).body, receivedAt(0).headers);
    expect(payload).toMatchObject({ type: "churn_event.created", livemode: false });
    expect(await deliveries(onlyLost.id)).toHaveLength(0);
  });

  test("failures are retried on the schedule and every attempt is logged", async () => {
    receiver.answer((_request, count) =>
      count < 3 ? { status: 500, body: "boom" } : { status: 204 },
    );
    const endpoint = await createEndpoint();
    await createChurnEvent();
    // The retries are due in clock time: move the clock as the worker plans them.
    for (let i = 0; i < 20 && receiver.received.length < 3; i++) {
      ctx.clock.advance(200);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await receiver.waitFor(3);
    const ids = new Set(receiver.received.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    await until(async () => (await deliveries(endpoint.id))[0]?.status === "succeeded");
    const log = await deliveries(endpoint.id);
    expect(log.map((d) => [d.attempt, d.status, d.response_status])).toEqual([
      [3, "succeeded", 204],
      [2, "failed", 500],
      [1, "failed", 500],
    ]);
  });

  test("after the last attempt the message is failed; nothing more is sent", async () => {
    receiver.answer(() => ({ status: 503 }));
    const endpoint = await createEndpoint();
    await createChurnEvent();
    for (let i = 0; i < 20 && receiver.received.length < 3; i++) {
      ctx.clock.advance(200);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await receiver.waitFor(3);
    await until(async () => (await deliveries(endpoint.id)).every((d) => d.status === "failed"));
    ctx.clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(3);
    expect(await deliveries(endpoint.id)).toHaveLength(3);
  });

  test("410 disables the endpoint at once; re-enabling resumes", async () => {
    receiver.answer(() => ({ status: 410 }));
    const endpoint = await createEndpoint();
    await createChurnEvent();
    await receiver.waitFor(1);
    await until(async () => {
      const res = await ctx.app.inject({
        method: "GET",
        url: `${base}/${endpoint.id}`,
        headers: bearer(tenant.account.token),
      });
      return res.json().data.enabled === false;
    });
    const res = await ctx.app.inject({
      method: "GET",
      url: `${base}/${endpoint.id}`,
      headers: bearer(tenant.account.token),
    });
    expect(res.json().data.disabled_reason).toContain("410");
    // Disabled: new changes queue nothing for it.
    await createChurnEvent(tenant.sk, "bob@example.com");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    receiver.answer(() => ({ status: 200 }));
    const patched = await ctx.app.inject({
      method: "PATCH",
      url: `${base}/${endpoint.id}`,
      headers: bearer(tenant.account.token),
      payload: { enabled: true },
    });
    expect(patched.json().data).toMatchObject({ enabled: true, disabled_reason: null });
    await ctx.app.inject({
      method: "POST",
      url: `${base}/${endpoint.id}/test`,
      headers: bearer(tenant.account.token),
    });
    await receiver.waitFor(2);
    expect(JSON.parse(receivedAt(1).body).type).toBe("webhook.test");
  });

  test("an endpoint failing for 5 days is disabled (injected clock)", async () => {
    receiver.answer(() => ({ status: 500 }));
    const endpoint = await createEndpoint();
    await createChurnEvent();
    await receiver.waitFor(1);
    await until(async () => (await deliveries(endpoint.id)).some((d) => d.status === "failed"));
    let res = await ctx.app.inject({
      method: "GET",
      url: `${base}/${endpoint.id}`,
      headers: bearer(tenant.account.token),
    });
    expect(res.json().data.enabled).toBe(true);
    ctx.clock.advance(DISABLE_AFTER_FAILING_MS);
    await receiver.waitFor(2);
    await until(async () => {
      res = await ctx.app.inject({
        method: "GET",
        url: `${base}/${endpoint.id}`,
        headers: bearer(tenant.account.token),
      });
      return res.json().data.enabled === false;
    });
    expect(res.json().data.disabled_reason).toContain("5 days");
  });

  test("redeliver sends the same message again with the same webhook-id", async () => {
    const endpoint = await createEndpoint();
    const queued = await ctx.app.inject({
      method: "POST",
      url: `${base}/${endpoint.id}/test`,
      headers: apiKey(tenant.sk),
    });
    expect(queued.statusCode).toBe(202);
    const messageId = queued.json().data.message_id;
    await receiver.waitFor(1);
    await until(async () => (await deliveries(endpoint.id))[0]?.status === "succeeded");
    const [first] = await deliveries(endpoint.id);
    if (!first) throw new Error("no delivery");
    const again = await ctx.app.inject({
      method: "POST",
      url: `${base}/${endpoint.id}/deliveries/${first.id}/redeliver`,
      headers: bearer(tenant.account.token),
    });
    expect(again.statusCode).toBe(202);
    expect(again.json().data).toMatchObject({ message_id: messageId, attempt: 2 });
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([messageId, messageId]);
    expect(receivedAt(0).body).toBe(receivedAt(1).body);
    // Another endpoint's delivery id is a 404.
    const other = await createEndpoint();
    const wrong = await ctx.app.inject({
      method: "POST",
      url: `${base}/${other.id}/deliveries/${first.id}/redeliver`,
      headers: bearer(tenant.account.token),
    });
    expect(wrong.statusCode).toBe(404);
  });

  test("after a rotation both secrets sign for 24 h, then only the new one", async () => {
    const endpoint = await createEndpoint();
    const rotated = await ctx.app.inject({
      method: "POST",
      url: `${base}/${endpoint.id}/rotate-secret`,
      headers: bearer(tenant.account.token),
    });
    expect(rotated.statusCode).toBe(201);
    const newSecret = rotated.json().data.secret as string;
    expect(newSecret).not.toBe(endpoint.secret);
    await createChurnEvent();
    await receiver.waitFor(1);
    const got = receivedAt(0);
    expect(header(got, "webhook-signature").split(" ")).toHaveLength(2);
    expect(new Webhook(endpoint.secret).verify(got.body, got.headers)).toBeTruthy();
    expect(new Webhook(newSecret).verify(got.body, got.headers)).toBeTruthy();

    ctx.clock.advance(24 * 60 * 60 * 1000 + 1000);
    await createChurnEvent(tenant.sk, "later@example.com");
    await receiver.waitFor(2);
    const later = receivedAt(1);
    expect(header(later, "webhook-signature").split(" ")).toHaveLength(1);
    // The signed timestamp is a day ahead of real time now: check the signature by hand.
    const { sign } = await import("../../src/webhooks/signing.js");
    const expected = sign(
      newSecret,
      header(later, "webhook-id"),
      Number(later.headers["webhook-timestamp"]),
      later.body,
    );
    expect(later.headers["webhook-signature"]).toBe(expected);
  });

  test("a name resolving to a refused address is refused when connecting", async () => {
    const strict = await buildApp({
      webhooks: { allowPrivateTargets: false, timeoutMs: 2_000, retryScheduleMs: [0] },
    });
    const owner = await createTenant(strict);
    const project = await strict.storage.repos.projects.findBySlug(owner.account.userId, "default");
    // Saved while the name pointed elsewhere (a DNS answer that changed): only connect time knows.
    if (!project) throw new Error("no project");
    const endpoint = await strict.storage.repos.webhooks.createEndpoint(
      project.id,
      {
        id: crypto.randomUUID(),
        url: `http://localhost:${receiver.port}/hooks`,
        description: null,
        eventTypes: null,
        enabled: true,
        secret: `whsec_${Buffer.alloc(32).toString("base64")}`,
      },
      new Date(strict.clock.now()).toISOString(),
    );
    await createKey(strict, owner.account.token, "secret");
    await strict.app.inject({
      method: "POST",
      url: `${base}/${endpoint.id}/test`,
      headers: bearer(owner.account.token),
    });
    let log: { status: string; error: string | null }[] = [];
    await until(async () => {
      const res = await strict.app.inject({
        method: "GET",
        url: `${base}/${endpoint.id}/deliveries`,
        headers: bearer(owner.account.token),
      });
      log = res.json().data;
      return log[0]?.status === "failed";
    });
    expect(log[0]?.error).toMatch(/loopback address/);
    expect(receiver.received).toHaveLength(0);
    await strict.app.close();
  });
});
