/**
 * The transactional outbox under kill -9 (docs/design.md §9): a change committed just before the
 * API dies still has its webhook delivered once the API is back, and exactly once.
 */
import { join } from "node:path";
import { type ApiProcess, tempDir } from "@windback/testkit";
import { afterAll, expect, test } from "vitest";
import { createTenant } from "../src/lib/api-setup.js";
import { startBenchApi } from "../src/lib/processes.js";
import { signatureValid, startWebhookReceiver } from "../src/lib/webhook-receiver.js";

const tmp = tempDir("windback-webhook-crash-");
let server: ApiProcess | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;

afterAll(async () => {
  await server?.kill9();
  await receiver?.close();
  tmp.remove();
});

test("a webhook committed before a kill -9 arrives once after the restart", async () => {
  receiver = await startWebhookReceiver();
  const webhookEnv = {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    // The first attempt waits 2 s, so the kill lands between the commit and the send.
    WEBHOOK_RETRY_SCHEDULE_MS: "2000,500",
  };
  server = await startBenchApi({
    databasePath: join(tmp.path, "webhooks.db"),
    // http:// receivers are allowed outside production only.
    nodeEnv: "development",
    env: webhookEnv,
  });
  const tenant = await createTenant(server.url, "webhook-crash", []);
  const auth = { "content-type": "application/json", authorization: `Bearer ${tenant.token}` };
  const created = await fetch(`${server.url}/api/v1/projects/default/webhook-endpoints`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ url: receiver.url, event_types: ["churn_event.created"] }),
  });
  expect(created.status).toBe(201);
  const { secret } = ((await created.json()) as { data: { secret: string } }).data;

  const change = await fetch(`${server.url}/api/v1/projects/default/churn-events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": tenant.sk },
    body: JSON.stringify({ customer_email: "crash@example.com", mrr: 1000 }),
  });
  expect(change.status).toBe(201);
  const eventId = ((await change.json()) as { data: { id: string } }).data.id;
  await server.kill9();
  expect(receiver.receipts).toHaveLength(0);

  server = await server.restart();
  await receiver.waitFor(1, 20_000);
  // Long enough for a duplicate to show up if the attempt were made twice.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(receiver.receipts).toHaveLength(1);
  const [receipt] = receiver.receipts;
  if (!receipt) throw new Error("no receipt");
  expect(signatureValid(receipt, secret)).toBe(true);
  expect(JSON.parse(receipt.body)).toMatchObject({
    type: "churn_event.created",
    livemode: true,
    data: { id: eventId, customer_email: "crash@example.com" },
  });
  await server.stop();
});
