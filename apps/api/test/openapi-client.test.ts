/**
 * A client generated from the committed OpenAPI document (openapi-typescript types + openapi-fetch)
 * makes real calls against a listening API. `pnpm typecheck` proves the generated types accept
 * these calls and responses; the assertions prove the server answers what the document says.
 */
import createClient from "openapi-fetch";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { paths } from "../openapi/types.js";
import { buildServer } from "../src/app.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import { testConfig } from "./helpers.js";

let app: Awaited<ReturnType<typeof buildServer>>;
let baseUrl: string;

beforeAll(async () => {
  app = await buildServer({ config: testConfig(), storage: createSqliteStorage(":memory:") });
  baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => app.close());

test("a generated client registers, configures a project, runs the cancel flow and reads the result", async () => {
  const client = createClient<paths>({ baseUrl });
  const registered = await client.POST("/api/v1/auth/register", {
    body: { name: "Gen", email: "generated@example.com", password: "correct horse battery" },
  });
  expect(registered.response.status).toBe(201);
  const token = registered.data?.data.token ?? "";
  const asAccount = { headers: { authorization: `Bearer ${token}` } };

  const secret = await client.POST("/api/v1/projects/{slug}/api-keys", {
    params: { path: { slug: "default" } },
    body: { key_type: "secret" },
    ...asAccount,
  });
  const pub = await client.POST("/api/v1/projects/{slug}/api-keys", {
    params: { path: { slug: "default" } },
    body: { key_type: "public" },
    ...asAccount,
  });
  expect(secret.data?.data.key).toMatch(/^sk_/);
  const asServer = { headers: { "x-api-key": secret.data?.data.key ?? "" } };
  const asWidget = { headers: { "x-api-key": pub.data?.data.key ?? "" } };

  const offer = await client.PUT("/api/v1/projects/{slug}/retention-offers/{reason}", {
    params: { path: { slug: "default", reason: "too_expensive" } },
    body: {
      offer_type: "discount",
      title: "Stay for less",
      cta_button_text: "Claim",
      discount_percent: 20,
      discount_duration_months: 2,
    },
    ...asServer,
  });
  expect(offer.response.status).toBe(201);
  expect(offer.data?.data.discount_percent).toBe(20);

  const submitted = await client.POST("/api/v1/cancel-flow/submit", {
    body: { customer_email: "ada@example.com", cancel_reason: "too_expensive", mrr: 4900 },
    ...asWidget,
  });
  expect(submitted.data?.offer?.offer_type).toBe("discount");
  const eventId = submitted.data?.event_id ?? "";

  const accepted = await client.POST("/api/v1/cancel-flow/accept-offer", {
    body: {
      customer_email: "ada@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: eventId,
    },
    ...asWidget,
  });
  expect(accepted.data?.event_id).toBe(eventId);

  const listed = await client.GET("/api/v1/projects/{slug}/churn-events", {
    params: { path: { slug: "default" }, query: { status: "offer_accepted", limit: 10 } },
    ...asServer,
  });
  expect(listed.data?.total).toBe(1);
  expect(listed.data?.data[0]?.status).toBe("offer_accepted");

  const stats = await client.GET("/api/v1/stats", asServer);
  expect(stats.data?.data.cancel_flow.offers_accepted).toBe(1);

  const refused = await client.POST("/api/v1/projects/{slug}/churn-events/{id}/lost", {
    params: { path: { slug: "default", id: "00000000-0000-4000-8000-000000000000" } },
    ...asServer,
  });
  expect(refused.response.status).toBe(404);
  expect(refused.error?.code).toBe("NOT_FOUND");
});
