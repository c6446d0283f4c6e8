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
 * and ids, answers 404 and changes nothing of B; the same call with B's own credential of the
 * same kind then succeeds (the positive control: a misspelled URL or a wrong id fails the row
 * instead of passing as an isolation 404). Which principals a route accepts at all (a pub_ key on
 * a dashboard route, a JWT on the cancel flow → 403) is the auth matrix's job (auth-matrix.test.ts).
 */
let ctx: TestContext;
let a: Tenant;
let b: Tenant;
let bToken: string;
let bPub: string;
let bSk: string;
let bApiEvent: string;
let bFlowEvent: string;

const B_SLUG = "bravo";
const OFFER = { offer_type: "pause", title: "Pause", cta_button_text: "Pause", pause_days: 30 };

async function snapshotOfB() {
  const get = async (url: string) => (await call(ctx, "GET", url, bearer(bToken))).json();
  const snapshot: Record<string, unknown> = {};
  for (const slug of [B_SLUG, "default"]) {
    const projectId = (await get(`/api/v1/projects/${slug}`)).data.id as string;
    snapshot[slug] = {
      offers: await get(`/api/v1/projects/${slug}/retention-offers`),
      events: await get(`/api/v1/projects/${slug}/churn-events?limit=100`),
      stats: await get(`/api/v1/projects/${slug}/stats`),
      track: await ctx.app.repos.trackEvents.listByProject(projectId, 100),
    };
  }
  return snapshot;
}

beforeAll(async () => {
  ctx = await buildTestApp();
  a = await createTenant(ctx, "Alice");
  b = await createTenant(ctx, "Bob");
  bToken = b.account.token;
  const project = await call(ctx, "POST", "/api/v1/projects", bearer(bToken), { name: "Bravo" });
  expect(project.json().data.project.slug).toBe(B_SLUG);
  bPub = project.json().data.raw_public_key;
  bSk = project.json().data.raw_secret_key;
  bApiEvent = (await freshOf(B_SLUG)).apiEvent;
  // The customer A's own flow also submits below: A must get a new event, not B's.
  const shared = await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(bPub), {
    customer_email: "shared@example.com",
    cancel_reason: "too_expensive",
    mrr: 3400,
  });
  expect(shared.statusCode).toBe(200);
  bFlowEvent = shared.json().event_id;
  await call(ctx, "POST", "/api/v1/track", apiKey(bPub), { event: "b_event" });
});
afterAll(async () => ctx.app.close());

type Kind = "JWT" | "sk_" | "pub_";
type Owner = typeof B_SLUG | "default";

/** B's credential of a kind for one of B's projects (the JWT is the account's). */
function ownerCredential(kind: Kind, owner: Owner) {
  if (kind === "JWT") return bearer(bToken);
  if (kind === "sk_") return apiKey(owner === B_SLUG ? bSk : b.sk);
  return apiKey(owner === B_SLUG ? bPub : b.pub);
}
const attacker: Record<Kind, () => Record<string, string>> = {
  JWT: () => bearer(a.account.token),
  sk_: () => apiKey(a.sk),
  pub_: () => apiKey(a.pub),
};

interface Fresh {
  apiEvent: string;
  flowEvent: string;
  email: string;
}
let freshCount = 0;
/** New events of B's project `owner` for one row, and its offer in place (a row may delete it). */
async function freshOf(owner: Owner): Promise<Fresh> {
  freshCount += 1;
  const offer = await call(
    ctx,
    "PUT",
    `/api/v1/projects/${owner}/retention-offers/too_expensive`,
    bearer(bToken),
    OFFER,
  );
  expect(offer.statusCode).toBeLessThan(300);
  const apiEvent = await call(
    ctx,
    "POST",
    `/api/v1/projects/${owner}/churn-events`,
    bearer(bToken),
    {
      customer_email: `bee-${freshCount}@example.com`,
      mrr: 1200,
    },
  );
  expect(apiEvent.statusCode).toBe(201);
  const email = `shared-${freshCount}@example.com`;
  const flow = await call(
    ctx,
    "POST",
    "/api/v1/cancel-flow/submit",
    ownerCredential("pub_", owner),
    {
      customer_email: email,
      cancel_reason: "too_expensive",
      mrr: 3400,
    },
  );
  expect(flow.statusCode).toBe(200);
  return { apiEvent: apiEvent.json().data.id, flowEvent: flow.json().event_id, email };
}

interface Row {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Readable, with the ids as placeholders. */
  title: string;
  url: (f: Fresh) => string;
  body?: (f: Fresh) => unknown;
  /** Which of B's projects the URL's resource belongs to. */
  owner: Owner;
  /** The kinds of credential the route accepts, each tried as A's and then as B's own. */
  kinds: Kind[];
}

const DASHBOARD: Kind[] = ["JWT", "sk_"];
const FLOW: Kind[] = ["pub_", "sk_"];
const bravo = `/api/v1/projects/${B_SLUG}`;
type Draft = Omit<Row, "owner" | "kinds">;
const rows: Row[] = (
  [
    { method: "GET", title: `${bravo}/retention-offers`, url: () => `${bravo}/retention-offers` },
    {
      method: "PUT",
      title: `${bravo}/retention-offers/too_expensive`,
      url: () => `${bravo}/retention-offers/too_expensive`,
      body: () => OFFER,
    },
    {
      method: "PUT",
      title: `${bravo}/retention-offers/other`,
      url: () => `${bravo}/retention-offers/other`,
      body: () => OFFER,
    },
    {
      method: "DELETE",
      title: `${bravo}/retention-offers/too_expensive`,
      url: () => `${bravo}/retention-offers/too_expensive`,
    },
    {
      method: "POST",
      title: `${bravo}/churn-events`,
      url: () => `${bravo}/churn-events`,
      body: () => ({ customer_email: "x@example.com", mrr: 1 }),
    },
    { method: "GET", title: `${bravo}/churn-events`, url: () => `${bravo}/churn-events` },
    {
      method: "GET",
      title: `${bravo}/churn-events?status=new`,
      url: () => `${bravo}/churn-events?status=new`,
    },
    {
      method: "GET",
      title: `${bravo}/churn-events/<B's event>`,
      url: (f) => `${bravo}/churn-events/${f.apiEvent}`,
    },
    {
      method: "POST",
      title: `${bravo}/churn-events/<B's event>/recovered`,
      url: (f) => `${bravo}/churn-events/${f.apiEvent}/recovered`,
    },
    {
      method: "POST",
      title: `${bravo}/churn-events/<B's flow event>/lost`,
      url: (f) => `${bravo}/churn-events/${f.flowEvent}/lost`,
    },
    { method: "GET", title: `${bravo}/stats`, url: () => `${bravo}/stats` },
  ] as Draft[]
).map((row) => ({ ...row, owner: B_SLUG, kinds: DASHBOARD }));
// B's ids through the caller's own project ("default" is A's for A, B's for B) and the unscoped
// aliases, which act on the caller's default project.
rows.push(
  ...[
    {
      method: "GET",
      title: "/api/v1/projects/default/churn-events/<B's event>",
      url: (f: Fresh) => `/api/v1/projects/default/churn-events/${f.apiEvent}`,
    },
    {
      method: "GET",
      title: "/api/v1/churn-events/<B's event>",
      url: (f: Fresh) => `/api/v1/churn-events/${f.apiEvent}`,
    },
    {
      method: "GET",
      title: "/api/v1/churn-events/<B's flow event>",
      url: (f: Fresh) => `/api/v1/churn-events/${f.flowEvent}`,
    },
    {
      method: "POST",
      title: "/api/v1/churn-events/<B's event>/recovered",
      url: (f: Fresh) => `/api/v1/churn-events/${f.apiEvent}/recovered`,
    },
    {
      method: "POST",
      title: "/api/v1/churn-events/<B's flow event>/lost",
      url: (f: Fresh) => `/api/v1/churn-events/${f.flowEvent}/lost`,
    },
    {
      method: "POST",
      title: "/api/v1/projects/default/churn-events/<B's event>/lost",
      url: (f: Fresh) => `/api/v1/projects/default/churn-events/${f.apiEvent}/lost`,
    },
  ].map((row) => ({ ...(row as Draft), owner: "default" as const, kinds: DASHBOARD })),
  {
    method: "POST",
    title: "/api/v1/cancel-flow/accept-offer {event_id: <B's flow event>}",
    url: () => "/api/v1/cancel-flow/accept-offer",
    body: (f) => ({
      customer_email: f.email,
      cancel_reason: "too_expensive",
      offer_type: "pause",
      event_id: f.flowEvent,
    }),
    owner: "default",
    kinds: FLOW,
  },
  {
    method: "POST",
    title: "/api/v1/cancel-flow/decline {event_id: <B's flow event>}",
    url: () => "/api/v1/cancel-flow/decline",
    body: (f) => ({ event_id: f.flowEvent }),
    owner: "default",
    kinds: FLOW,
  },
);

describe("project A's credentials on project B", () => {
  const cases = rows.flatMap((row) =>
    row.kinds.map(
      (kind) =>
        [
          `${kind} of A: ${row.method} ${row.title} → 404; B's own ${kind} → 2xx`,
          kind,
          row,
        ] as const,
    ),
  );

  test.each(cases)("%s", async (_title, kind, row) => {
    const fresh = await freshOf(row.owner);
    const before = await snapshotOfB();
    const res = await call(ctx, row.method, row.url(fresh), attacker[kind](), row.body?.(fresh));
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().code).toBe("NOT_FOUND");
    expect(await snapshotOfB()).toEqual(before);
    // The positive control: the very same request with the owner's credential works.
    const own = await call(
      ctx,
      row.method,
      row.url(fresh),
      ownerCredential(kind, row.owner),
      row.body?.(fresh),
    );
    expect(own.statusCode, own.body).toBeGreaterThanOrEqual(200);
    expect(own.statusCode, own.body).toBeLessThan(300);
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
