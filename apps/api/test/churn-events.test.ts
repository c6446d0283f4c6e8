import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { rate } from "../src/routes/stats/index.js";
import {
  apiKey,
  bearer,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;
beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
});
afterEach(async () => ctx.app.close());

const auth = () => bearer(t.account.token);
const create = (body: Record<string, unknown>, path = "/api/v1/projects/default/churn-events") =>
  call(ctx, "POST", path, auth(), body);
const transition = (id: string, to: "recovered" | "lost") =>
  call(ctx, "POST", `/api/v1/churn-events/${id}/${to}`, auth());

describe("create and read", () => {
  test("201 with the event; mrr and mrr_cents are both cents", async () => {
    const res = await create({
      customer_email: " Pat@Example.com ",
      mrr: 2500,
      currency: "GBP",
      provider: "paddle",
      customer_name: "Pat",
      plan_name: "Team",
      tenure_days: 12,
      cancel_reason: "bad_support",
      cancel_reason_text: "Slow replies",
    });
    expect(res.statusCode).toBe(201);
    const event = res.json().data;
    expect(event).toMatchObject({
      customer_email: "pat@example.com",
      mrr: 2500,
      mrr_cents: 2500,
      currency: "gbp",
      provider: "paddle",
      customer_name: "Pat",
      plan_name: "Team",
      tenure_days: 12,
      cancel_reason: "poor_support",
      cancel_reason_text: "Slow replies",
      status: "new",
      source: "api",
      offer_type: null,
      offer_shown: false,
      offer_declined: false,
      offer_accepted_at: null,
      provider_subscription_id: null,
    });
    const viaCents = await create(
      { customer_email: "q@example.com", mrr_cents: 999 },
      "/api/v1/churn-events",
    );
    expect(viaCents.json().data).toMatchObject({
      mrr: 999,
      mrr_cents: 999,
      provider: "custom",
      currency: "usd",
    });
    const got = await call(
      ctx,
      "GET",
      `/api/v1/projects/default/churn-events/${event.id}`,
      apiKey(t.sk),
    );
    expect(got.json().data).toEqual(event);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ["no mrr", { customer_email: "a@example.com" }, /body\/mrr \(or body\/mrr_cents\) is required/],
    [
      "mrr and mrr_cents disagree",
      { customer_email: "a@example.com", mrr: 1, mrr_cents: 2 },
      /disagree/,
    ],
    ["fractional mrr", { customer_email: "a@example.com", mrr: 10.5 }, /body\/mrr must be integer/],
    ["no email", { mrr: 1 }, /customer_email/],
    [
      "unknown reason",
      { customer_email: "a@example.com", mrr: 1, cancel_reason: "x" },
      /body\/cancel_reason "x"/,
    ],
    [
      "other without text",
      { customer_email: "a@example.com", mrr: 1, cancel_reason: "other" },
      /cancel_reason_text is required/,
    ],
  ];
  test.each(invalid)("%s → 400", async (_name, body, message) => {
    const res = await create(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
  });

  test("a public key is refused; unknown ids are 404; malformed ids 400", async () => {
    expect((await call(ctx, "GET", "/api/v1/churn-events", apiKey(t.pub))).statusCode).toBe(403);
    const missing = await call(
      ctx,
      "GET",
      "/api/v1/churn-events/00000000-0000-4000-8000-000000000000",
      auth(),
    );
    expect(missing.statusCode).toBe(404);
    expect((await call(ctx, "GET", "/api/v1/churn-events/nope", auth())).statusCode).toBe(400);
  });
});

describe("list", () => {
  test("newest first, status filter, limit/offset and totals", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create({ customer_email: `p${i}@example.com`, mrr: i })).json().data.id);
      ctx.clock.advance(1000);
    }
    await transition(ids[1] as string, "lost");
    await transition(ids[3] as string, "lost");

    const all = (await call(ctx, "GET", "/api/v1/churn-events", auth())).json();
    expect(all).toMatchObject({ total: 5, limit: 20, offset: 0 });
    expect(all.data.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());

    const page = (await call(ctx, "GET", "/api/v1/churn-events?limit=2&offset=1", auth())).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.data.map((e: { id: string }) => e.id)).toEqual([ids[3], ids[2]]);

    const lost = (
      await call(ctx, "GET", "/api/v1/projects/default/churn-events?status=lost", auth())
    ).json();
    expect(lost.total).toBe(2);
    expect(lost.data.map((e: { id: string }) => e.id)).toEqual([ids[3], ids[1]]);

    for (const bad of ["status=gone", "limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      const res = await call(ctx, "GET", `/api/v1/churn-events?${bad}`, auth());
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("transitions", () => {
  test("new → recovered and new → lost; anything from recovered or lost → 400 INVALID_TRANSITION", async () => {
    const a = (await create({ customer_email: "a@example.com", mrr: 1 })).json().data.id;
    const b = (await create({ customer_email: "b@example.com", mrr: 1 })).json().data.id;
    ctx.clock.advance(1000);
    const recovered = await transition(a, "recovered");
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json().data).toMatchObject({
      status: "recovered",
      updated_at: "2026-01-15T12:00:01.000Z",
    });
    expect((await transition(b, "lost")).json().data.status).toBe("lost");
    for (const [id, to] of [
      [a, "recovered"],
      [a, "lost"],
      [b, "lost"],
      [b, "recovered"],
    ] as const) {
      const res = await transition(id, to);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: expect.stringContaining("final"),
        code: "INVALID_TRANSITION",
      });
    }
    const missing = await transition("00000000-0000-4000-8000-000000000000", "lost");
    expect(missing.statusCode).toBe(404);
  });

  test("offer_accepted → recovered is allowed", async () => {
    const sub = await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(t.pub), {
      customer_email: "c@example.com",
      cancel_reason: "too_expensive",
    });
    const id = sub.json().event_id;
    await call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(t.pub), {
      customer_email: "c@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: id,
    });
    expect((await transition(id, "recovered")).json().data.status).toBe("recovered");
  });
});

describe("stats", () => {
  const ZERO = {
    total_events: 0,
    new_events: 0,
    offer_accepted_events: 0,
    recovered_events: 0,
    lost_events: 0,
    total_mrr_at_risk: 0,
    recovered_mrr: 0,
    recovery_rate: 0,
    lost_mrr: 0,
    claimed_mrr: { total_mrr_at_risk: 0, recovered_mrr: 0, saved_mrr: 0 },
    cancel_flow: {
      submissions: 0,
      offers_shown: 0,
      offers_accepted: 0,
      offers_declined: 0,
      save_rate: 0,
      saved_mrr: 0,
      by_reason: [],
    },
  };

  test("an empty project is all zeros", async () => {
    const res = await call(ctx, "GET", "/api/v1/stats", auth());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: ZERO });
  });

  test("a known data set pins every field, on both paths, and ignores other projects", async () => {
    const office = { ...auth() };
    for (const [reason, offer] of [
      [
        "too_expensive",
        { offer_type: "discount", discount_percent: 20, discount_duration_months: 2 },
      ],
      ["missing_features", { offer_type: "pause", pause_days: 30 }],
    ] as const) {
      await call(ctx, "PUT", `/api/v1/retention-offers/${reason}`, office, {
        title: "Offer",
        cta_button_text: "Yes",
        ...offer,
      });
    }
    // Dashboard-created events.
    const e1 = (await create({ customer_email: "e1@example.com", mrr: 1000 })).json().data.id;
    const e2 = (await create({ customer_email: "e2@example.com", mrr: 2000 })).json().data.id;
    const e3 = (await create({ customer_email: "e3@example.com", mrr: 3000 })).json().data.id;
    await transition(e2, "recovered");
    await transition(e3, "lost");
    expect(e1).toBeTruthy();

    const submit = async (email: string, reason: string, mrr: number, text?: string) =>
      (
        await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(t.pub), {
          customer_email: email,
          cancel_reason: reason,
          mrr,
          ...(text && { cancel_reason_text: text }),
        })
      ).json().event_id as string;
    const accept = (id: string, email: string, reason: string, type: string) =>
      call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(t.pub), {
        customer_email: email,
        cancel_reason: reason,
        offer_type: type,
        event_id: id,
      });
    const c1 = await submit("c1@example.com", "too_expensive", 5000);
    await accept(c1, "c1@example.com", "too_expensive", "discount"); // saved
    const c2 = await submit("c2@example.com", "too_expensive", 7000);
    await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), { event_id: c2 });
    await transition(c2, "lost"); // declined, then cancelled
    const c3 = await submit("c3@example.com", "missing_features", 11000);
    await accept(c3, "c3@example.com", "missing_features", "pause");
    await transition(c3, "recovered"); // accepted and confirmed: still saved
    await submit("c4@example.com", "other", 13000, "Closing the company"); // no offer, still new
    const c5 = await submit("c5@example.com", "missing_features", 17000);
    await accept(c5, "c5@example.com", "missing_features", "pause");
    await transition(c5, "lost"); // accepted, then churned anyway: not saved

    // Another tenant's events must not count.
    const other = await createTenant(ctx, "Other");
    await call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(other.pub), {
      customer_email: "x@example.com",
      cancel_reason: "too_expensive",
      mrr: 99999,
    });

    const expected = {
      total_events: 8,
      new_events: 2, // e1, c4
      offer_accepted_events: 1, // c1
      recovered_events: 2, // e2, c3
      lost_events: 3, // e3, c2, c5
      total_mrr_at_risk: 14000, // e1 + c4
      recovered_mrr: 18000, // e2 + c3 + c1
      recovery_rate: 0.375, // 3 / 8
      lost_mrr: 27000, // e3 + c2 + c5
      // The cancel-flow MRR came from the public key: a browser's claim, kept apart.
      claimed_mrr: {
        total_mrr_at_risk: 13000, // c4 (e1 was recorded by the merchant)
        recovered_mrr: 16000, // c1 + c3
        saved_mrr: 16000, // c1 + c3
      },
      cancel_flow: {
        submissions: 5,
        offers_shown: 4, // c1, c2, c3, c5
        offers_accepted: 3, // c1, c3, c5
        offers_declined: 1, // c2
        save_rate: 0.6, // 3 / 5
        saved_mrr: 16000, // c1 + c3
        by_reason: [
          // A reason's save rate: accepted ÷ offers shown for that reason.
          {
            reason: "missing_features",
            submissions: 2,
            offers_shown: 2,
            offers_accepted: 2,
            save_rate: 1,
          },
          {
            reason: "too_expensive",
            submissions: 2,
            offers_shown: 2,
            offers_accepted: 1,
            save_rate: 0.5,
          },
          { reason: "other", submissions: 1, offers_shown: 0, offers_accepted: 0, save_rate: 0 },
        ],
      },
    };
    for (const [url, headers] of [
      ["/api/v1/stats", auth()],
      ["/api/v1/projects/default/stats", auth()],
      ["/api/v1/stats", apiKey(t.sk)],
    ] as const) {
      const res = await call(ctx, "GET", url, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ data: expected });
    }
    const otherStats = (await call(ctx, "GET", "/api/v1/stats", bearer(other.account.token))).json()
      .data;
    expect(otherStats).toMatchObject({ total_events: 1, total_mrr_at_risk: 99999 });
    expect((await call(ctx, "GET", "/api/v1/stats", apiKey(t.pub))).statusCode).toBe(403);
  });

  test("rates are rounded to 4 decimals and 0 when there is nothing to divide", async () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(2, 3)).toBe(0.6667);
    expect(rate(0, 0)).toBe(0);
    expect(rate(5, 5)).toBe(1);
    const a = (await create({ customer_email: "a@example.com", mrr: 1 })).json().data.id;
    await create({ customer_email: "b@example.com", mrr: 1 });
    await create({ customer_email: "c@example.com", mrr: 1 });
    await transition(a, "recovered");
    const stats = (await call(ctx, "GET", "/api/v1/stats", auth())).json().data;
    expect(stats.recovery_rate).toBe(0.3333);
    expect(stats.cancel_flow.save_rate).toBe(0);
  });
});

test("the OpenAPI document covers the cancel-flow routes", async () => {
  const paths = Object.keys((await call(ctx, "GET", "/api/v1/openapi.json", {})).json().paths);
  for (const path of [
    "/api/v1/projects/{slug}/retention-offers",
    "/api/v1/projects/{slug}/retention-offers/{reason}",
    "/api/v1/retention-offers/{reason}",
    "/api/v1/cancel-flow/submit",
    "/api/v1/cancel-flow/offers",
    "/api/v1/cancel-flow/accept-offer",
    "/api/v1/cancel-flow/decline",
    "/api/v1/track",
    "/api/v1/projects/{slug}/churn-events/{id}/recovered",
    "/api/v1/churn-events/{id}/lost",
    "/api/v1/projects/{slug}/stats",
    "/api/v1/stats",
  ]) {
    expect(paths).toContain(path);
  }
});
