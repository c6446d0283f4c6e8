import { afterEach, beforeEach, describe, expect, test } from "vitest";
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
  await call(ctx, "PUT", "/api/v1/retention-offers/too_expensive", bearer(t.account.token), {
    offer_type: "discount",
    title: "25% off for 3 months",
    description: "Stay and save",
    cta_button_text: "Claim discount",
    discount_percent: 25,
    discount_duration_months: 3,
  });
  await call(ctx, "PUT", "/api/v1/retention-offers/not_using_enough", bearer(t.account.token), {
    offer_type: "pause",
    title: "Pause instead",
    cta_text: "Pause",
    is_active: false,
  }).then((r) => expect(r.statusCode).toBe(400)); // pause_days missing
  await call(ctx, "PUT", "/api/v1/retention-offers/not_using_enough", bearer(t.account.token), {
    offer_type: "pause",
    title: "Pause instead",
    cta_text: "Pause",
    pause_days: 30,
    is_active: false,
  });
});
afterEach(async () => ctx.app.close());

const submit = (body: Record<string, unknown>, key = t.pub) =>
  call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(key), body);
const events = async (query = "") =>
  (await call(ctx, "GET", `/api/v1/churn-events${query}`, bearer(t.account.token))).json();
const event = async (id: string) =>
  (await call(ctx, "GET", `/api/v1/churn-events/${id}`, bearer(t.account.token))).json().data;

const DISCOUNT_OFFER = {
  offer_type: "discount",
  title: "25% off for 3 months",
  description: "Stay and save",
  cta_button_text: "Claim discount",
  discount_percent: 25,
  discount_duration_months: 3,
};

describe("submit", () => {
  test("returns the enabled offer for the reason, applies defaults, records offer_shown", async () => {
    const res = await submit({
      customer_email: "  Ann@Example.COM ",
      cancel_reason: "too_expensive",
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ success: true, event_id: expect.any(String), offer: DISCOUNT_OFFER });
    expect(await event(body.event_id)).toMatchObject({
      customer_email: "ann@example.com",
      provider: "custom",
      currency: "usd",
      mrr_cents: 0,
      mrr: 0,
      status: "new",
      source: "cancel_flow",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      offer_shown: true,
      offer_declined: false,
      offer_accepted_at: null,
      created_at: "2026-01-15T12:00:00.000Z",
    });
  });

  test("a disabled offer is not served; a reason without an offer gets null and offer_shown false", async () => {
    const disabled = await submit({
      customer_email: "a@example.com",
      cancel_reason: "not_using_enough",
    });
    expect(disabled.json().offer).toBeNull();
    const none = await submit({
      customer_email: "b@example.com",
      cancel_reason: "technical_issues",
    });
    expect(none.statusCode).toBe(200);
    expect(none.json().offer).toBeNull();
    expect((await event(none.json().event_id)).offer_shown).toBe(false);
  });

  test("stores every customer field; currency is lower-cased; the reason alias maps to its id", async () => {
    const res = await submit({
      customer_email: "c@example.com",
      customer_name: "Cee",
      cancel_reason: "switched_to_competitor",
      cancel_reason_text: "Found something cheaper",
      provider: "stripe",
      provider_subscription_id: "sub_123",
      plan_name: "Pro",
      mrr: 4900,
      currency: "EUR",
      tenure_days: 400,
    });
    expect(res.statusCode).toBe(200);
    expect(await event(res.json().event_id)).toMatchObject({
      customer_name: "Cee",
      cancel_reason: "switching_competitor",
      cancel_reason_text: "Found something cheaper",
      provider: "stripe",
      provider_subscription_id: "sub_123",
      plan_name: "Pro",
      mrr_cents: 4900,
      mrr: 4900,
      currency: "eur",
      tenure_days: 400,
    });
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    [
      "other without text",
      { cancel_reason: "other" },
      /body\/cancel_reason_text is required .* "other"/,
    ],
    [
      "other with blank text",
      { cancel_reason: "other", cancel_reason_text: "   " },
      /cancel_reason_text is required/,
    ],
    [
      "text over 2000 characters",
      { cancel_reason: "too_expensive", cancel_reason_text: "x".repeat(2001) },
      /cancel_reason_text must NOT have more than 2000 characters/,
    ],
    [
      "unknown reason",
      { cancel_reason: "meh" },
      /body\/cancel_reason "meh" is not a cancel reason/,
    ],
    [
      "bad email",
      { cancel_reason: "too_expensive", customer_email: "nope" },
      /body\/customer_email must be an email address/,
    ],
    ["fractional mrr", { cancel_reason: "too_expensive", mrr: 49.99 }, /body\/mrr must be integer/],
    ["negative mrr", { cancel_reason: "too_expensive", mrr: -1 }, /body\/mrr must be >= 0/],
    [
      "mrr as a string",
      { cancel_reason: "too_expensive", mrr: "4900" },
      /body\/mrr must be integer/,
    ],
    ["two-letter currency", { cancel_reason: "too_expensive", currency: "US" }, /currency/],
    [
      "digits as currency",
      { cancel_reason: "too_expensive", currency: "123" },
      /body\/currency must be a three-letter ISO 4217 code/,
    ],
  ];
  test.each(invalid)("%s → 400 and nothing stored", async (_name, fields, message) => {
    const res = await submit({ customer_email: "d@example.com", ...fields });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: expect.stringMatching(message),
      code: "VALIDATION_FAILED",
    });
    expect((await events()).total).toBe(0);
  });

  test("other with text and 2000 characters of text are accepted", async () => {
    expect(
      (
        await submit({
          customer_email: "e@example.com",
          cancel_reason: "other",
          cancel_reason_text: "Moving on",
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await submit({
          customer_email: "f@example.com",
          cancel_reason: "too_expensive",
          cancel_reason_text: "y".repeat(2000),
        })
      ).statusCode,
    ).toBe(200);
  });

  test("the same customer within 24 h gets 202 with the existing event and the offer; after 24 h a new event", async () => {
    const first = await submit({
      customer_email: "dup@example.com",
      cancel_reason: "too_expensive",
      mrr: 1000,
    });
    expect(first.statusCode).toBe(200);
    const eventId = first.json().event_id;

    ctx.clock.advance(23 * 3600_000);
    const again = await submit({
      customer_email: " DUP@example.com",
      cancel_reason: "too_expensive",
      mrr: 1000,
    });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ success: true, event_id: eventId, offer: DISCOUNT_OFFER });
    expect((await events()).total).toBe(1);

    ctx.clock.advance(2 * 3600_000); // +25 h after the first
    const later = await submit({
      customer_email: "dup@example.com",
      cancel_reason: "too_expensive",
    });
    expect(later.statusCode).toBe(200);
    expect(later.json().event_id).not.toBe(eventId);
    expect((await events()).total).toBe(2);
  });

  test("a resubmission with another reason updates the still-new event instead of adding one", async () => {
    const first = await submit({
      customer_email: "g@example.com",
      cancel_reason: "technical_issues",
    });
    const second = await submit({
      customer_email: "g@example.com",
      cancel_reason: "too_expensive",
    });
    expect(second.statusCode).toBe(202);
    expect(second.json().offer).toEqual(DISCOUNT_OFFER);
    expect(await event(first.json().event_id)).toMatchObject({
      cancel_reason: "too_expensive",
      offer_type: "discount",
      offer_shown: true,
    });
  });

  test("a secret key may submit; a dashboard session may not", async () => {
    expect(
      (
        await submit(
          { customer_email: "h@example.com", cancel_reason: "other", cancel_reason_text: "x" },
          t.sk,
        )
      ).statusCode,
    ).toBe(200);
    const jwt = await call(ctx, "POST", "/api/v1/cancel-flow/submit", bearer(t.account.token), {
      customer_email: "i@example.com",
      cancel_reason: "too_expensive",
    });
    expect(jwt.statusCode).toBe(403);
  });
});

describe("offers", () => {
  test("serves the enabled offer for a reason or alias and records nothing", async () => {
    const res = await call(
      ctx,
      "GET",
      "/api/v1/cancel-flow/offers?reason=too_expensive",
      apiKey(t.pub),
    );
    expect(res.json()).toEqual({ offer: DISCOUNT_OFFER });
    const disabled = await call(
      ctx,
      "GET",
      "/api/v1/cancel-flow/offers?reason=not_using_enough",
      apiKey(t.pub),
    );
    expect(disabled.json()).toEqual({ offer: null });
    const alias = await call(
      ctx,
      "GET",
      "/api/v1/cancel-flow/offers?reason=bad_support",
      apiKey(t.pub),
    );
    expect(alias.json()).toEqual({ offer: null });
    const unknown = await call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=nope", apiKey(t.pub));
    expect(unknown.statusCode).toBe(400);
    const missing = await call(ctx, "GET", "/api/v1/cancel-flow/offers", apiKey(t.pub));
    expect(missing.statusCode).toBe(400);
    expect((await events()).total).toBe(0);
  });
});

describe("accept-offer", () => {
  const accept = (body: Record<string, unknown>) =>
    call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(t.pub), {
      customer_email: "j@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      ...body,
    });

  // Regression: a retried accept without event_id used to create a new event every time.
  test("retrying without event_id accepts the same event once; no duplicate events or stats", async () => {
    const submitted = await submit({
      customer_email: "j@example.com",
      cancel_reason: "too_expensive",
    });
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await accept({});
      expect(res.statusCode).toBe(200);
      ids.add(res.json().event_id);
    }
    expect([...ids]).toEqual([submitted.json().event_id]);
    const list = await events();
    expect(list.total).toBe(1);
    expect(list.data[0].status).toBe("offer_accepted");
    const stats = (await call(ctx, "GET", "/api/v1/stats", bearer(t.account.token))).json().data;
    expect(stats.cancel_flow).toMatchObject({ submissions: 1, offers_accepted: 1 });
  });

  test("accepting after the event was marked lost is a 400, not a new event", async () => {
    const submitted = await submit({
      customer_email: "j@example.com",
      cancel_reason: "too_expensive",
    });
    const id = submitted.json().event_id;
    await call(ctx, "POST", `/api/v1/churn-events/${id}/lost`, bearer(t.account.token));
    const res = await accept({});
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("INVALID_TRANSITION");
    expect((await events()).total).toBe(1);
  });

  test("by event_id: the event becomes offer_accepted", async () => {
    const id = (
      await submit({ customer_email: "j@example.com", cancel_reason: "too_expensive" })
    ).json().event_id;
    ctx.clock.advance(5000);
    const res = await accept({ event_id: id });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, message: "Offer accepted", event_id: id });
    expect(await event(id)).toMatchObject({
      status: "offer_accepted",
      offer_type: "discount",
      offer_accepted_at: "2026-01-15T12:00:05.000Z",
    });
    // Idempotent: the first acceptance time is kept.
    ctx.clock.advance(5000);
    expect((await accept({ event_id: id })).statusCode).toBe(200);
    expect((await event(id)).offer_accepted_at).toBe("2026-01-15T12:00:05.000Z");
  });

  test("without event_id: the customer's latest new event within 24 h, else a new event", async () => {
    const id = (
      await submit({ customer_email: "J@example.com", cancel_reason: "too_expensive", mrr: 700 })
    ).json().event_id;
    const res = await accept({});
    expect(res.json().event_id).toBe(id);
    expect((await event(id)).status).toBe("offer_accepted");

    ctx.clock.advance(25 * 3600_000);
    const created = await accept({});
    expect(created.statusCode).toBe(200);
    expect(created.json().event_id).not.toBe(id);
    expect(await event(created.json().event_id)).toMatchObject({
      customer_email: "j@example.com",
      status: "offer_accepted",
      source: "cancel_flow",
      offer_shown: true,
      cancel_reason: "too_expensive",
      offer_type: "discount",
      mrr_cents: 0,
    });
  });

  test("unknown event → 404; a final event → 400 INVALID_TRANSITION; bad offer_type → 400", async () => {
    const missing = await accept({ event_id: "00000000-0000-4000-8000-000000000000" });
    expect(missing.statusCode).toBe(404);
    const id = (
      await submit({ customer_email: "j@example.com", cancel_reason: "too_expensive" })
    ).json().event_id;
    await call(ctx, "POST", `/api/v1/churn-events/${id}/lost`, bearer(t.account.token));
    const late = await accept({ event_id: id });
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe("INVALID_TRANSITION");
    const badType = await accept({ offer_type: "coupon" });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error).toMatch(/body\/offer_type "coupon"/);
  });
});

describe("decline", () => {
  test("marks the offer declined, keeps the event new; refused after acceptance; unknown → 404", async () => {
    const id = (
      await submit({ customer_email: "k@example.com", cancel_reason: "too_expensive" })
    ).json().event_id;
    const res = await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), {
      event_id: id,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(await event(id)).toMatchObject({
      status: "new",
      offer_shown: true,
      offer_declined: true,
    });

    const other = (
      await submit({ customer_email: "l@example.com", cancel_reason: "too_expensive" })
    ).json().event_id;
    await call(ctx, "POST", "/api/v1/cancel-flow/accept-offer", apiKey(t.pub), {
      customer_email: "l@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: other,
    });
    const afterAccept = await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), {
      event_id: other,
    });
    expect(afterAccept.statusCode).toBe(400);
    expect(afterAccept.json().code).toBe("INVALID_TRANSITION");

    const missing = await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), {
      event_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(missing.statusCode).toBe(404);
    const notUuid = await call(ctx, "POST", "/api/v1/cancel-flow/decline", apiKey(t.pub), {
      event_id: "x",
    });
    expect(notUuid.statusCode).toBe(400);
  });
});

describe("JSON only (a text/plain simple request cannot skip the preflight)", () => {
  const cases: [string, string, string][] = [
    [
      "text/plain",
      "text/plain",
      JSON.stringify({ customer_email: "m@example.com", cancel_reason: "too_expensive" }),
    ],
    [
      "text/plain;charset=UTF-8",
      "text/plain;charset=UTF-8",
      JSON.stringify({ customer_email: "m@example.com", cancel_reason: "too_expensive" }),
    ],
    [
      "form-urlencoded",
      "application/x-www-form-urlencoded",
      "customer_email=m%40example.com&cancel_reason=too_expensive",
    ],
    [
      "multipart",
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ],
  ];
  test.each(cases)("%s → 415 and nothing written", async (_name, type, payload) => {
    for (const path of ["submit", "accept-offer", "decline"]) {
      const res = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/cancel-flow/${path}`,
        headers: { ...apiKey(t.pub), "content-type": type, origin: "https://shop.example.com" },
        payload,
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe("UNSUPPORTED_MEDIA_TYPE");
      // The guard let this origin in, so the widget can read the status.
      expect(res.headers["access-control-allow-origin"]).toBe("https://shop.example.com");
    }
    const track = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/track",
      headers: { ...apiKey(t.pub), "content-type": type },
      payload,
    });
    expect(track.statusCode).toBe(415);
    expect((await events()).total).toBe(0);
    const projectId = (await ctx.app.repos.projects.findDefault(t.account.userId))?.id as string;
    expect(await ctx.app.repos.trackEvents.listByProject(projectId, 10)).toEqual([]);
  });
});

describe("track", () => {
  const stored = async () => {
    const projectId = (await ctx.app.repos.projects.findDefault(t.account.userId))?.id as string;
    return ctx.app.repos.trackEvents.listByProject(projectId, 200);
  };

  test("one event or a batch is stored; 200 {status: ok}", async () => {
    const one = await call(ctx, "POST", "/api/v1/track", apiKey(t.pub), {
      customer_email: " N@Example.com",
      event: "cancel_page_viewed",
      properties: { plan: "pro", seats: 3 },
      occurred_at: "2026-01-15T10:00:00+02:00",
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ status: "ok" });
    const batch = await call(ctx, "POST", "/api/v1/track", apiKey(t.sk), {
      events: [{ event: "a", customer_id: "cus_1" }, { event: "b" }],
    });
    expect(batch.json()).toEqual({ status: "ok" });
    const rows = await stored();
    expect(rows.map((r) => r.event)).toEqual(["b", "a", "cancel_page_viewed"]);
    expect(rows[2]).toMatchObject({
      customerEmail: "n@example.com",
      properties: JSON.stringify({ plan: "pro", seats: 3 }),
      occurredAt: "2026-01-15T08:00:00.000Z",
    });
    expect(rows[1]).toMatchObject({ customerId: "cus_1", occurredAt: "2026-01-15T12:00:00.000Z" });
  });

  const deep = (levels: number) => JSON.parse(`${"[".repeat(levels)}${"]".repeat(levels)}`);
  const invalid: [string, unknown, RegExp][] = [
    ["no event", { customer_email: "o@example.com" }, /event must be a non-empty string/],
    ["a blank event", { event: "   " }, /event must be a non-empty string/],
    [
      "properties not an object",
      { event: "a", properties: [1, 2] },
      /properties must be a JSON object/,
    ],
    [
      "bad occurred_at",
      { event: "a", occurred_at: "yesterday" },
      /occurred_at must be an RFC 3339/,
    ],
    ["a leap second", { event: "a", occurred_at: "2026-01-01T23:59:60Z" }, /occurred_at/],
    ["month 13", { event: "a", occurred_at: "2026-13-01T00:00:00Z" }, /occurred_at/],
    ["properties 33 levels deep", { event: "a", properties: { a: deep(32) } }, /deeper than 32/],
    // Sent as text: serialising it here would overflow the test's own stack.
    [
      "properties 5000 levels deep",
      new String(`{"event":"a","properties":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`),
      /deeper than 32/,
    ],
    [
      "properties over 8 KB",
      { event: "a", properties: { a: "x".repeat(9000) } },
      /exceed 8192 bytes/,
    ],
    ["a customer_email that is not a string", { event: "a", customer_email: 42 }, /customer_email/],
    ["a JSON array", [1, 2, 3], /an event must be a JSON object/],
    ["a JSON string", "hello", /an event must be a JSON object/],
    ["an empty batch", { events: [] }, /^$/],
  ];
  test.each(invalid)(
    "%s → still 200 {status: ok} (§2.6), nothing stored, the problem in a header",
    async (_name, body, why) => {
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/track",
        headers: { ...apiKey(t.pub), "content-type": "application/json" },
        payload: body instanceof String ? body.toString() : JSON.stringify(body),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: "ok" });
      expect(res.headers["x-windback-track-accepted"]).toBe("0");
      expect(res.headers["x-windback-track-error"] ?? "").toMatch(why);
      expect(await stored()).toEqual([]);
    },
  );

  test("a batch keeps its valid events and reports the others", async () => {
    const res = await call(ctx, "POST", "/api/v1/track", apiKey(t.pub), {
      events: [
        { event: "ok_1" },
        { event: 7 },
        { event: "ok_2", occurred_at: "nope" },
        { event: "ok_3" },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-windback-track-accepted"]).toBe("2");
    expect(res.headers["x-windback-track-rejected"]).toBe("2");
    expect(res.headers["x-windback-track-error"]).toMatch(/^events\[1\]: event must be/);
    expect((await stored()).map((r) => r.event)).toEqual(["ok_3", "ok_1"]);
  });

  test("a batch over 100 events stores the first 100 and rejects the rest", async () => {
    const res = await call(ctx, "POST", "/api/v1/track", apiKey(t.pub), {
      events: Array.from({ length: 101 }, (_, i) => ({ event: `e${i}` })),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-windback-track-rejected"]).toBe("1");
    expect(await stored()).toHaveLength(100);
  });

  test("100 events in one batch are accepted", async () => {
    const res = await call(ctx, "POST", "/api/v1/track", apiKey(t.pub), {
      events: Array.from({ length: 100 }, (_, i) => ({ event: `e${i}` })),
    });
    expect(res.statusCode).toBe(200);
    expect(await stored()).toHaveLength(100);
  });

  test("needs a key", async () => {
    const res = await call(ctx, "POST", "/api/v1/track", {}, { event: "a" });
    expect(res.statusCode).toBe(401);
  });
});
