import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

/**
 * Every route of the cancel-flow issue, called with project A's credentials on project B's slug
 * and ids, answers 404 (or 403 for a principal the route never accepts) and changes nothing of B.
 */
let ctx: TestContext;
let a: Tenant;
let bToken: string;
let bPub: string;
let bApiEvent: string;
let bFlowEvent: string;

const B_SLUG = "bravo";
const OFFER = { offer_type: "pause", title: "Pause", cta_button_text: "Pause", pause_days: 30 };

async function snapshotOfB() {
  const get = async (url: string) => (await call(ctx, "GET", url, bearer(bToken))).json();
  const projectId = (await get(`/api/v1/projects/${B_SLUG}`)).data.id as string;
  return {
    offers: await get(`/api/v1/projects/${B_SLUG}/retention-offers`),
    events: await get(`/api/v1/projects/${B_SLUG}/churn-events?limit=100`),
    stats: await get(`/api/v1/projects/${B_SLUG}/stats`),
    track: await ctx.app.repos.trackEvents.listByProject(projectId, 100),
  };
}

beforeAll(async () => {
  ctx = await buildTestApp();
  a = await createTenant(ctx, "Alice");
  const b = await createTenant(ctx, "Bob");
  bToken = b.account.token;
  const project = await call(ctx, "POST", "/api/v1/projects", bearer(bToken), { name: "Bravo" });
  expect(project.json().data.project.slug).toBe(B_SLUG);
  bPub = project.json().data.raw_public_key;
  await call(
    ctx,
    "PUT",
    `/api/v1/projects/${B_SLUG}/retention-offers/too_expensive`,
    bearer(bToken),
    OFFER,
  );
  bApiEvent = (
    await call(ctx, "POST", `/api/v1/projects/${B_SLUG}/churn-events`, bearer(bToken), {
      customer_email: "bee@example.com",
      mrr: 1200,
    })
  ).json().data.id;
  bFlowEvent = (
    await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(bPub), {
      customer_email: "shared@example.com",
      cancel_reason: "too_expensive",
      mrr: 3400,
    })
  ).json().event_id;
  await call(ctx, "POST", "/api/v1/track", apiKey(bPub), { event: "b_event" });
});
afterAll(async () => ctx.app.close());

describe("project A's credentials on project B", () => {
  type Row = [method: "GET" | "POST" | "PUT" | "DELETE", url: () => string, body?: () => unknown];
  const slugRoutes: Row[] = [
    ["GET", () => `/api/v1/projects/${B_SLUG}/retention-offers`],
    ["PUT", () => `/api/v1/projects/${B_SLUG}/retention-offers/too_expensive`, () => OFFER],
    ["PUT", () => `/api/v1/projects/${B_SLUG}/retention-offers/other`, () => OFFER],
    ["DELETE", () => `/api/v1/projects/${B_SLUG}/retention-offers/too_expensive`],
    [
      "POST",
      () => `/api/v1/projects/${B_SLUG}/churn-events`,
      () => ({ customer_email: "x@example.com", mrr: 1 }),
    ],
    ["GET", () => `/api/v1/projects/${B_SLUG}/churn-events`],
    ["GET", () => `/api/v1/projects/${B_SLUG}/churn-events?status=new`],
    ["GET", () => `/api/v1/projects/${B_SLUG}/churn-events/${bApiEvent}`],
    ["POST", () => `/api/v1/projects/${B_SLUG}/churn-events/${bApiEvent}/recovered`],
    ["POST", () => `/api/v1/projects/${B_SLUG}/churn-events/${bFlowEvent}/lost`],
    ["GET", () => `/api/v1/projects/${B_SLUG}/stats`],
    // B's ids through A's own project and the unscoped aliases.
    ["GET", () => `/api/v1/projects/default/churn-events/${bApiEvent}`],
    ["GET", () => `/api/v1/churn-events/${bApiEvent}`],
    ["GET", () => `/api/v1/churn-events/${bFlowEvent}`],
    ["POST", () => `/api/v1/churn-events/${bApiEvent}/recovered`],
    ["POST", () => `/api/v1/churn-events/${bFlowEvent}/lost`],
    ["POST", () => `/api/v1/projects/default/churn-events/${bApiEvent}/lost`],
  ];
  const cancelFlowRoutes: Row[] = [
    [
      "POST",
      () => "/api/v1/cancel-flow/accept-offer",
      () => ({
        customer_email: "shared@example.com",
        cancel_reason: "too_expensive",
        offer_type: "pause",
        event_id: bFlowEvent,
      }),
    ],
    ["POST", () => "/api/v1/cancel-flow/decline", () => ({ event_id: bFlowEvent })],
  ];

  const credentials = {
    "JWT of account A": () => bearer(a.account.token),
    "sk_ of project A": () => apiKey(a.sk),
    "pub_ of project A": () => apiKey(a.pub),
  };
  // The URL template as written above, e.g. "GET `/api/v1/churn-events/${bApiEvent}`".
  const label = (row: Row) => `${row[0]} ${row[1].toString().replace(/^\(\) => /, "")}`;
  const cases: [string, string, Row, number][] = [];
  for (const row of slugRoutes) {
    cases.push(["JWT of account A", label(row), row, 404]);
    cases.push(["sk_ of project A", label(row), row, 404]);
    cases.push(["pub_ of project A", label(row), row, 403]);
  }
  for (const row of cancelFlowRoutes) {
    cases.push(["pub_ of project A", label(row), row, 404]);
    cases.push(["sk_ of project A", label(row), row, 404]);
    cases.push(["JWT of account A", label(row), row, 403]);
  }

  test.each(cases)("%s: %s → %i", async (who, _label, [method, url, body], status) => {
    const before = await snapshotOfB();
    const res = await call(
      ctx,
      method,
      url(),
      credentials[who as keyof typeof credentials](),
      body?.(),
    );
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(status === 404 ? "NOT_FOUND" : "FORBIDDEN");
    expect(await snapshotOfB()).toEqual(before);
  });

  test("A's cancel flow and unscoped aliases only ever see A's project", async () => {
    const before = await snapshotOfB();
    const offer = await call(
      ctx,
      "GET",
      "/api/v1/cancel-flow/offers?reason=too_expensive",
      apiKey(a.pub),
    );
    expect(offer.json()).toEqual({ offer: null }); // B's offer is not A's
    // A's own offer for the reason, so A's customer can accept it.
    const own = await call(
      ctx,
      "PUT",
      "/api/v1/retention-offers/too_expensive",
      bearer(a.account.token),
      {
        offer_type: "pause",
        title: "Pause instead",
        cta_button_text: "Pause",
        pause_days: 30,
      },
    );
    expect(own.statusCode).toBe(201);
    const submitted = await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(a.pub), {
      customer_email: "shared@example.com",
      cancel_reason: "too_expensive",
    });
    expect(submitted.statusCode).toBe(200); // not a 202 on B's event of the same customer
    expect(submitted.json().event_id).not.toBe(bFlowEvent);
    const accepted = await call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(a.pub), {
      customer_email: "shared@example.com",
      cancel_reason: "too_expensive",
      offer_type: "pause",
    });
    expect(accepted.json().event_id).toBe(submitted.json().event_id);
    await call(ctx, "POST", "/api/v1/track", apiKey(a.pub), { event: "a_event" });
    for (const url of ["/api/v1/retention-offers", "/api/v1/churn-events", "/api/v1/stats"]) {
      const res = await call(ctx, "GET", url, bearer(a.account.token));
      expect(JSON.stringify(res.json())).not.toContain(bApiEvent);
      expect(JSON.stringify(res.json())).not.toContain(bFlowEvent);
    }
    expect((await call(ctx, "GET", "/api/v1/churn-events", apiKey(a.sk))).json().total).toBe(1);
    expect(await snapshotOfB()).toEqual(before);
  });
});
