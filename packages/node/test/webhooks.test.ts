import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ChurnEvent, verifyWebhook, Windback, WindbackError } from "../src/index.js";
import { createMerchant, startTestApi, type TestApi } from "./support/api.js";
import { type StubRequest, startStub } from "./support/stub.js";

let api: TestApi;
let receiver: Awaited<ReturnType<typeof startStub>>;
let windback: Windback;

beforeAll(async () => {
  api = await startTestApi();
  // The merchant's webhook receiver: answers 204 to everything and keeps what it got.
  receiver = await startStub((_req, res) => {
    res.writeHead(204).end();
  });
  const merchant = await createMerchant(api);
  windback = new Windback({ secretKey: merchant.sk, baseUrl: api.baseUrl, project: merchant.slug });
});

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

async function received(predicate: (request: StubRequest) => boolean): Promise<StubRequest> {
  for (let i = 0; i < 200; i++) {
    const request = receiver.requests.find(predicate);
    if (request) return request;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the receiver got no such webhook within 10 s");
}

describe("webhook endpoints against the real API, verified with verifyWebhook", () => {
  test("create, test message, a churn event's message, deliveries, rotate, disable, delete", async () => {
    const created = await windback.webhookEndpoints.create({
      url: `${receiver.baseUrl}/hooks/windback`,
      description: "SDK test",
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.event_types).toContain("churn_event.created");
    const listed = await windback.webhookEndpoints.list();
    expect(listed.map((e) => e.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const { message_id } = await windback.webhookEndpoints.sendTest(created.id);
    const testHook = await received((r) => r.headers["webhook-id"] === message_id);
    const message = verifyWebhook(testHook.body, testHook.headers, created.secret);
    expect(message.type).toBe("webhook.test");
    expect(() =>
      verifyWebhook(testHook.body, testHook.headers, `whsec_${"A".repeat(43)}=`),
    ).toThrow(WindbackError);

    const event: ChurnEvent = await windback.churnEvents.create({
      customer_email: "hooked@example.com",
      mrr: 1200,
    });
    const eventHook = await received((r) => r.body.includes(event.id));
    const eventMessage = verifyWebhook(eventHook.body, eventHook.headers, created.secret);
    expect(eventMessage).toMatchObject({ type: "churn_event.created", livemode: true });
    expect(eventMessage.data).toEqual(event);

    const deliveries = [];
    for await (const d of windback.webhookEndpoints.listDeliveries(created.id, { pageSize: 1 })) {
      deliveries.push(d);
    }
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.some((d) => d.message_id === message_id && d.status === "succeeded")).toBe(
      true,
    );

    const rotated = await windback.webhookEndpoints.rotateSecret(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    const again = await windback.webhookEndpoints.sendTest(created.id);
    const rotatedHook = await received((r) => r.headers["webhook-id"] === again.message_id);
    // During the overlap both secrets sign, so either verifies.
    expect(verifyWebhook(rotatedHook.body, rotatedHook.headers, rotated.secret).type).toBe(
      "webhook.test",
    );
    expect(verifyWebhook(rotatedHook.body, rotatedHook.headers, created.secret).type).toBe(
      "webhook.test",
    );

    const disabled = await windback.webhookEndpoints.update(created.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    expect((await windback.webhookEndpoints.get(created.id)).enabled).toBe(false);

    await windback.webhookEndpoints.delete(created.id);
    const gone = await windback.webhookEndpoints.get(created.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(WindbackError);
    expect(gone).toMatchObject({ status: 404, code: "NOT_FOUND" });

    const bad = await windback.webhookEndpoints
      .create({ url: "ftp://example.com/hook" })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
  });

  test("the Stripe integration's secret is set, shown as a hint, and removed", async () => {
    const set = await windback.integrations.stripe.set("whsec_stripe0123456789");
    expect(set.configured).toBe(true);
    expect(JSON.stringify(await windback.integrations.stripe.get())).not.toContain(
      "whsec_stripe0123456789",
    );
    await windback.integrations.stripe.delete();
    expect((await windback.integrations.stripe.get()).configured).toBe(false);
  });
});
