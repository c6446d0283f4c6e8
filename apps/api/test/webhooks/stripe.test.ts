import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { toIso } from "../../src/lib/clock.js";
import {
  apiKey,
  bearer,
  buildTestApp,
  createTenant,
  type Tenant,
  type TestContext,
} from "../helpers.js";

const SECRET = `whsec_${"s".repeat(32)}`;
let ctx: TestContext;
let tenant: Tenant;

beforeEach(async () => {
  ctx = await buildTestApp();
  tenant = await createTenant(ctx);
  const res = await ctx.app.inject({
    method: "PUT",
    url: "/api/v1/projects/default/integrations/stripe",
    headers: bearer(tenant.account.token),
    payload: { webhook_secret: SECRET },
  });
  expect(res.statusCode, res.body).toBe(200);
}, 60_000);
afterEach(async () => {
  await ctx?.app.close();
  await ctx?.storage.close();
}, 60_000);

let counter = 0;
function stripeEvent(type: string, object: Record<string, unknown>, livemode = true) {
  counter += 1;
  return {
    id: `evt_${counter}_${randomUUID()}`,
    object: "event",
    type,
    livemode,
    data: { object },
  };
}

function subscription(overrides: Record<string, unknown> = {}) {
  return {
    id: "sub_123",
    object: "subscription",
    customer: "cus_1",
    currency: "usd",
    cancel_at_period_end: true,
    metadata: { email: "Ann@Example.com" },
    cancellation_details: { feedback: "switched_service", comment: "Found a cheaper tool" },
    items: {
      data: [
        {
          quantity: 2,
          price: {
            unit_amount: 1000,
            currency: "usd",
            nickname: "Pro",
            recurring: { interval: "month", interval_count: 1 },
            product: "prod_1",
          },
        },
      ],
    },
    ...overrides,
  };
}

async function send(
  event: object,
  options: { key?: string; secret?: string; timestamp?: number; signature?: string } = {},
) {
  const payload = JSON.stringify(event);
  const signature =
    options.signature ??
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? SECRET,
      ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
    });
  return ctx.app.inject({
    method: "POST",
    url: `/webhooks/stripe/${options.key ?? tenant.pub}`,
    headers: { "content-type": "application/json", "stripe-signature": signature },
    payload,
  });
}

/** Ann's cancel-flow submission as the browser claims it: plan Starter, 999 cents, no subscription. */
async function submitStarterFromWidget() {
  const submitted = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/cancel-flow/submit",
    headers: apiKey(tenant.pub),
    payload: {
      customer_email: "ann@example.com",
      cancel_reason: "too_expensive",
      plan_name: "Starter",
      mrr: 999,
    },
  });
  expect(submitted.statusCode, submitted.body).toBe(200);
  return submitted;
}

async function events(mode: "live" | "test" = "live") {
  const res = await ctx.app.inject({
    method: "GET",
    url: `/api/v1/projects/default/churn-events?mode=${mode}`,
    headers: bearer(tenant.account.token),
  });
  return res.json().data as Record<string, unknown>[];
}

describe("the Stripe integration settings", () => {
  test("GET shows only a hint and the URL to give Stripe; DELETE removes it", async () => {
    const res = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/projects/default/integrations/stripe",
      headers: apiKey(tenant.sk),
    });
    expect(res.json().data).toMatchObject({
      configured: true,
      webhook_secret_hint: `whsec_…${SECRET.slice(-4)}`,
      webhook_url: "http://localhost:8787/webhooks/stripe/{public_key}",
    });
    expect(res.body).not.toContain(SECRET);
    const bad = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/default/integrations/stripe",
      headers: bearer(tenant.account.token),
      payload: { webhook_secret: "not-a-secret" },
    });
    expect(bad.statusCode).toBe(400);
    const del = await ctx.app.inject({
      method: "DELETE",
      url: "/api/v1/projects/default/integrations/stripe",
      headers: bearer(tenant.account.token),
    });
    expect(del.statusCode).toBe(204);
    const after = await send(stripeEvent("customer.subscription.updated", subscription()));
    expect(after.statusCode).toBe(400);
    expect(after.json().code).toBe("INTEGRATION_NOT_CONFIGURED");
  });
});

describe("POST /webhooks/stripe/:public_key", () => {
  test("subscription.updated with cancel_at_period_end creates a billing event, once", async () => {
    const event = stripeEvent("customer.subscription.updated", subscription());
    const res = await send(event);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, outcome: "processed" });
    const [created] = await events();
    expect(created).toMatchObject({
      customer_email: "ann@example.com",
      source: "billing",
      status: "new",
      provider: "stripe",
      provider_subscription_id: "sub_123",
      cancel_reason: "switching_competitor",
      cancel_reason_text: "Found a cheaper tool",
      plan_name: "Pro",
      mrr: 2000,
    });
    // A replay of the same event id changes nothing.
    const replay = await send(event);
    expect(replay.json()).toEqual({ received: true, outcome: "duplicate" });
    // Another event for a customer who already has an open one creates nothing either.
    const again = await send(stripeEvent("customer.subscription.updated", subscription()));
    expect(again.json().outcome).toBe("ignored");
    expect(await events()).toHaveLength(1);
  });

  test("subscription.deleted marks the open event lost and queues churn_event.lost", async () => {
    const endpoint = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects/default/webhook-endpoints",
      headers: bearer(tenant.account.token),
      payload: {
        url: "http://127.0.0.1:9/hooks",
        event_types: ["churn_event.lost", "churn_event.created"],
      },
    });
    expect(endpoint.statusCode).toBe(201);
    await send(stripeEvent("customer.subscription.updated", subscription()));
    const res = await send(stripeEvent("customer.subscription.deleted", subscription()));
    expect(res.json().outcome).toBe("processed");
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: "lost", provider_subscription_id: "sub_123" });
    const queued = ctx.db
      .prepare("SELECT event_type, body FROM webhook_messages ORDER BY seq")
      .all() as { event_type: string; body: string }[];
    expect(queued.map((m) => m.event_type)).toEqual(["churn_event.created", "churn_event.lost"]);
    expect(JSON.parse(queued[1]?.body ?? "{}")).toMatchObject({
      type: "churn_event.lost",
      livemode: true,
      data: { status: "lost", provider_subscription_id: "sub_123" },
    });
  });

  test("subscription.deleted takes plan, MRR and subscription from Stripe onto the open event", async () => {
    // The widget recorded what the browser claimed: no subscription id, another plan and MRR.
    const submitted = await submitStarterFromWidget();
    const res = await send(stripeEvent("customer.subscription.deleted", subscription()));
    expect(res.json().outcome).toBe("processed");
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: submitted.json().event_id,
      source: "cancel_flow",
      status: "lost",
      cancel_reason: "too_expensive",
      provider: "stripe",
      provider_subscription_id: "sub_123",
      plan_name: "Pro",
      mrr: 2000,
      mrr_verified: true,
    });
    // The lost MRR in the stats is Stripe's figure.
    const stats = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/projects/default/stats",
      headers: bearer(tenant.account.token),
    });
    expect(stats.json().data).toMatchObject({ lost_mrr: 2000 });
  });

  test("subscription.deleted keeps the recorded plan and MRR where Stripe's event does not state them", async () => {
    await submitStarterFromWidget();
    // A metered price (no unit amount) of a product known only by its id.
    const metered = subscription({
      items: {
        data: [
          {
            quantity: 1,
            price: {
              unit_amount: null,
              currency: "usd",
              nickname: null,
              recurring: { interval: "month", interval_count: 1 },
              product: "prod_metered",
            },
          },
        ],
      },
    });
    const res = await send(stripeEvent("customer.subscription.deleted", metered));
    expect(res.json().outcome).toBe("processed");
    const [lost] = await events();
    expect(lost).toMatchObject({
      status: "lost",
      provider_subscription_id: "sub_123",
      plan_name: "Starter",
      mrr: 999,
      mrr_verified: false,
    });
  });

  test("subscription.deleted of another subscription leaves the customer's event alone", async () => {
    await send(stripeEvent("customer.subscription.updated", subscription()));
    const res = await send(
      stripeEvent("customer.subscription.deleted", subscription({ id: "sub_other" })),
    );
    expect(res.json().outcome).toBe("processed");
    const list = await events();
    // sub_123's event is still open; sub_other's cancellation is recorded as its own lost event.
    expect(list).toHaveLength(2);
    expect(list.find((e) => e.provider_subscription_id === "sub_123")).toMatchObject({
      status: "new",
    });
    expect(list.find((e) => e.provider_subscription_id === "sub_other")).toMatchObject({
      status: "lost",
    });
  });

  test("updated and deleted of one subscription delivered at once record one event, lost", async () => {
    const [updated, deleted] = await Promise.all([
      send(stripeEvent("customer.subscription.updated", subscription())),
      send(stripeEvent("customer.subscription.deleted", subscription())),
    ]);
    expect(updated.json().outcome).toBe("processed");
    expect(deleted.json().outcome).toBe("processed");
    const list = await events();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ provider_subscription_id: "sub_123", status: "lost" });
  });

  test("subscription.deleted without an open event creates a lost one (yearly price → monthly)", async () => {
    const yearly = subscription({
      id: "sub_yearly",
      metadata: { email: "bob@example.com" },
      cancellation_details: { feedback: "unused" },
      items: {
        data: [
          {
            quantity: 1,
            price: {
              unit_amount: 12000,
              currency: "eur",
              nickname: null,
              recurring: { interval: "year", interval_count: 1 },
              product: "prod_y",
            },
          },
        ],
      },
      currency: "eur",
    });
    const res = await send(stripeEvent("customer.subscription.deleted", yearly));
    expect(res.json().outcome).toBe("processed");
    const [lost] = await events();
    expect(lost).toMatchObject({
      customer_email: "bob@example.com",
      status: "lost",
      source: "billing",
      mrr: 1000,
      currency: "eur",
      plan_name: "prod_y",
      cancel_reason: "not_using_enough",
    });
  });

  test("invoice.paid for a period after an accepted offer marks it recovered", async () => {
    const project = await ctx.storage.repos.projects.findBySlug(tenant.account.userId, "default");
    if (!project) throw new Error("no project");
    const acceptedAt = ctx.clock.now();
    const { event } = await ctx.storage.repos.churnEvents.create(
      project.id,
      {
        id: randomUUID(),
        customerEmail: "cat@example.com",
        customerName: null,
        provider: "stripe",
        providerSubscriptionId: "sub_saved",
        planName: null,
        mrrCents: 4900,
        currency: "usd",
        tenureDays: null,
        cancelReason: "too_expensive",
        cancelReasonText: null,
        source: "cancel_flow",
        status: "offer_accepted",
        offerType: "discount",
        offerShown: true,
        offerAcceptedAt: toIso(acceptedAt),
        clientKey: null,
        mrrVerified: true,
        offerTerms: null,
        livemode: true,
      },
      toIso(acceptedAt),
      (changed) => ({
        id: randomUUID(),
        type: "cancel_flow.offer_accepted",
        projectId: changed.projectId,
        churnEventId: changed.id,
        payload: "{}",
        occurredAt: changed.updatedAt,
      }),
    );
    const invoice = (start: number) => ({
      id: `in_${start}`,
      object: "invoice",
      customer_email: "cat@example.com",
      parent: { subscription_details: { subscription: "sub_saved" } },
      period_start: start,
      lines: { data: [{ period: { start, end: start + 2_592_000 } }] },
    });
    // A period that began before the acceptance proves nothing.
    const before = await send(
      stripeEvent("invoice.paid", invoice(Math.floor(acceptedAt / 1000) - 86_400)),
    );
    expect(before.json().outcome).toBe("ignored");
    const after = await send(
      stripeEvent("invoice.paid", invoice(Math.floor(acceptedAt / 1000) + 86_400)),
    );
    expect(after.json().outcome).toBe("processed");
    const saved = await ctx.storage.repos.churnEvents.findById(project.id, event.id);
    expect(saved?.status).toBe("recovered");
  });

  test("livemode false events act on test-mode data", async () => {
    await send(stripeEvent("customer.subscription.updated", subscription(), false));
    expect(await events("live")).toHaveLength(0);
    expect(await events("test")).toHaveLength(1);
  });

  test("other event types are verified and answered 200, ignored", async () => {
    const res = await send(stripeEvent("charge.succeeded", { id: "ch_1" }));
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe("ignored");
  });

  test("a bad signature, a stale timestamp and a missing header are 400; nothing changes", async () => {
    const event = stripeEvent("customer.subscription.updated", subscription());
    const wrong = await send(event, { secret: `whsec_${"x".repeat(32)}` });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe("WEBHOOK_SIGNATURE_INVALID");
    const stale = await send(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(400);
    const tampered = await send(event, {
      signature: Stripe.webhooks.generateTestHeaderString({
        payload: JSON.stringify({ ...event, livemode: false }),
        secret: SECRET,
      }),
    });
    expect(tampered.statusCode).toBe(400);
    const none = await ctx.app.inject({
      method: "POST",
      url: `/webhooks/stripe/${tenant.pub}`,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(event),
    });
    expect(none.statusCode).toBe(400);
    expect(await events()).toHaveLength(0);
    // The refused id was not used up: the genuine event is still processed.
    expect((await send(event)).json().outcome).toBe("processed");
  });

  test("a correctly signed body that is not an event (no id, type or data.object) is a 400, not a 500", async () => {
    for (const body of [
      [],
      {},
      { id: "evt_1" },
      { type: "charge.succeeded" },
      { id: "", type: "x" },
      { ...stripeEvent("customer.subscription.deleted", {}), data: 1.5 },
      { ...stripeEvent("customer.subscription.deleted", {}), data: {} },
      { ...stripeEvent("invoice.paid", {}), data: { object: [] } },
      // Handled types whose objects lack what the handler reads, or carry it mistyped.
      stripeEvent("customer.subscription.deleted", subscription({ id: 7 })),
      stripeEvent("customer.subscription.deleted", subscription({ customer: { email: 5 } })),
      stripeEvent(
        "customer.subscription.updated",
        subscription({ cancellation_details: { feedback: "other", comment: 5 } }),
      ),
      stripeEvent("customer.subscription.deleted", subscription({ items: { data: [1] } })),
      stripeEvent("customer.subscription.deleted", subscription({ metadata: { email: 5 } })),
      stripeEvent("invoice.paid", { id: "in_1", subscription: "sub_123" }),
      stripeEvent("invoice.paid", { id: "in_1", period_start: "soon", subscription: "sub_123" }),
    ]) {
      const res = await send(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    expect(await events()).toHaveLength(0);
  });

  test("an unknown key, or a secret key, is a 404", async () => {
    const event = stripeEvent("customer.subscription.updated", subscription());
    expect((await send(event, { key: "pub_doesnotexist1234567890" })).statusCode).toBe(404);
    expect((await send(event, { key: tenant.sk })).statusCode).toBe(404);
    expect(await events()).toHaveLength(0);
  });
});
