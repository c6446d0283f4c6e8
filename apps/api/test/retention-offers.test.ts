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
});
afterEach(async () => ctx.app.close());

const put = (reason: string, body: unknown, slug = "default") =>
  call(
    ctx,
    "PUT",
    `/api/v1/projects/${slug}/retention-offers/${reason}`,
    bearer(t.account.token),
    body,
  );
const list = () => call(ctx, "GET", "/api/v1/retention-offers", bearer(t.account.token));

const base = {
  title: "Stay with us",
  description: "A little something",
  cta_button_text: "Accept",
};

describe("valid offers of every type", () => {
  const valid: [string, Record<string, unknown>][] = [
    ["discount", { discount_percent: 20, discount_duration_months: 3 }],
    ["pause", { pause_days: 30 }],
    ["extension", { extension_days: 14 }],
    ["downgrade", { downgrade_plan: "Starter" }],
    ["feature_unlock", { feature_name: "SSO", feature_unlock_days: 30 }],
    ["custom", { cta_url: "https://example.com/talk-to-us" }],
  ];
  test.each(valid)("%s is stored and returned with only its own fields", async (type, fields) => {
    const res = await put("too_expensive", { ...base, offer_type: type, ...fields });
    expect(res.statusCode).toBe(201);
    const offer = res.json().data;
    expect(offer).toMatchObject({
      cancel_reason: "too_expensive",
      offer_type: type,
      ...base,
      cta_text: "Accept",
      enabled: true,
      is_active: true,
      ...fields,
    });
    const typeKeys = Object.keys(offer).filter(
      (k) =>
        ![
          "id",
          "cancel_reason",
          "offer_type",
          "title",
          "description",
          "cta_button_text",
          "cta_text",
          "enabled",
          "is_active",
          "created_at",
          "updated_at",
        ].includes(k),
    );
    expect(typeKeys.sort()).toEqual(Object.keys(fields).sort());
  });
});

describe("validation: clear 400s naming the field", () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    [
      "unknown reason",
      "price",
      { offer_type: "pause", pause_days: 30 },
      /params\/reason "price" is not a cancel reason/,
    ],
    [
      "unknown type",
      "other",
      { offer_type: "coupon" },
      /body\/offer_type "coupon" is not an offer type/,
    ],
    ["missing type", "other", { offer_type: undefined }, /offer_type/],
    [
      "discount without percent",
      "other",
      { offer_type: "discount", discount_duration_months: 3 },
      /body\/discount_percent is required for a discount offer/,
    ],
    [
      "discount without duration",
      "other",
      { offer_type: "discount", discount_percent: 10 },
      /body\/discount_duration_months is required/,
    ],
    [
      "discount 0%",
      "other",
      { offer_type: "discount", discount_percent: 0, discount_duration_months: 1 },
      /discount_percent must be >= 1/,
    ],
    [
      "discount 101%",
      "other",
      { offer_type: "discount", discount_percent: 101, discount_duration_months: 1 },
      /discount_percent must be <= 100/,
    ],
    [
      "discount 25 months",
      "other",
      { offer_type: "discount", discount_percent: 10, discount_duration_months: 25 },
      /discount_duration_months must be <= 24/,
    ],
    [
      "fractional percent",
      "other",
      { offer_type: "discount", discount_percent: 12.5, discount_duration_months: 1 },
      /discount_percent must be integer/,
    ],
    [
      "percent as a string",
      "other",
      { offer_type: "discount", discount_percent: "20", discount_duration_months: 1 },
      /discount_percent must be integer/,
    ],
    ["pause 6 days", "other", { offer_type: "pause", pause_days: 6 }, /pause_days must be >= 7/],
    [
      "pause 91 days",
      "other",
      { offer_type: "pause", pause_days: 91 },
      /^body\/pause_days must be <= 90$/,
    ],
    [
      "pause without days",
      "other",
      { offer_type: "pause" },
      /body\/pause_days is required for a pause offer \(an integer from 7 to 90\)/,
    ],
    [
      "extension 0 days",
      "other",
      { offer_type: "extension", extension_days: 0 },
      /extension_days must be >= 1/,
    ],
    [
      "extension 366 days",
      "other",
      { offer_type: "extension", extension_days: 366 },
      /extension_days must be <= 365/,
    ],
    [
      "downgrade without plan",
      "other",
      { offer_type: "downgrade" },
      /body\/downgrade_plan is required for a downgrade offer/,
    ],
    [
      "downgrade with a blank plan",
      "other",
      { offer_type: "downgrade", downgrade_plan: "  " },
      /body\/downgrade_plan is required/,
    ],
    [
      "feature unlock without name",
      "other",
      { offer_type: "feature_unlock", feature_unlock_days: 7 },
      /body\/feature_name is required/,
    ],
    [
      "feature unlock without days",
      "other",
      { offer_type: "feature_unlock", feature_name: "SSO" },
      /body\/feature_unlock_days is required/,
    ],
    [
      "a field of another type",
      "other",
      { offer_type: "pause", pause_days: 30, discount_percent: 10 },
      /body\/discount_percent does not apply to a pause offer/,
    ],
    [
      "no CTA",
      "other",
      { offer_type: "custom", cta_button_text: undefined },
      /body\/cta_button_text \(or its alias cta_text\) is required/,
    ],
    [
      "CTA aliases disagree",
      "other",
      { offer_type: "custom", cta_text: "Other" },
      /body\/cta_button_text and body\/cta_text .* disagree/,
    ],
    [
      "enabled aliases disagree",
      "other",
      { offer_type: "custom", enabled: true, is_active: false },
      /body\/enabled and body\/is_active .* disagree/,
    ],
    [
      "blank title",
      "other",
      { offer_type: "custom", title: "   " },
      /body\/title must not be blank/,
    ],
    [
      "javascript: CTA URL",
      "other",
      { offer_type: "custom", cta_url: "javascript:alert(1)" },
      /body\/cta_url must use http or https/,
    ],
    [
      "reason in the body differs",
      "other",
      { offer_type: "custom", cancel_reason: "poor_support" },
      /body\/cancel_reason "poor_support" does not match/,
    ],
  ];
  test.each(cases)("%s", async (_name, reason, fields, message) => {
    const res = await put(reason, { ...base, ...fields });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: expect.stringMatching(message),
      code: "VALIDATION_FAILED",
    });
    expect((await list()).json().data).toEqual([]);
  });
});

test("aliases on input and output; reason aliases map to the canonical id", async () => {
  const created = await put("bad_support", {
    offer_type: "custom",
    title: "Talk to a human",
    cta_text: "Book a call",
    is_active: false,
  });
  expect(created.statusCode).toBe(201);
  expect(created.json().data).toMatchObject({
    cancel_reason: "poor_support",
    cta_button_text: "Book a call",
    cta_text: "Book a call",
    enabled: false,
    is_active: false,
    description: "",
  });
  await put("switched_to_competitor", { ...base, offer_type: "pause", pause_days: 30 });
  expect((await list()).json().data.map((o: { cancel_reason: string }) => o.cancel_reason)).toEqual(
    ["poor_support", "switching_competitor"],
  );
  const removed = await call(
    ctx,
    "DELETE",
    "/api/v1/retention-offers/switched_to_competitor",
    bearer(t.account.token),
  );
  expect(removed.statusCode).toBe(204);
  expect((await list()).json().data).toHaveLength(1);
});

test("PUT replaces: same id and created_at, new type's fields only; a GET body round-trips", async () => {
  const first = (
    await put("too_expensive", {
      ...base,
      offer_type: "discount",
      discount_percent: 20,
      discount_duration_months: 3,
    })
  ).json().data;
  ctx.clock.advance(60_000);
  const res = await put("too_expensive", {
    ...first,
    offer_type: "pause",
    pause_days: 14,
    discount_percent: null,
    discount_duration_months: null,
  });
  expect(res.statusCode).toBe(200);
  const second = res.json().data;
  expect(second.id).toBe(first.id);
  expect(second.created_at).toBe(first.created_at);
  expect(second.updated_at).not.toBe(first.updated_at);
  expect(second.pause_days).toBe(14);
  expect(second).not.toHaveProperty("discount_percent");
  // The whole GET object sent back unchanged is accepted.
  const roundTrip = await put("too_expensive", second);
  expect(roundTrip.statusCode).toBe(200);
  expect(roundTrip.json().data).toEqual({ ...second, updated_at: second.updated_at });
});

test("DELETE an absent offer is a 404; the unscoped alias and sk key act on the key's project", async () => {
  const missing = await call(
    ctx,
    "DELETE",
    "/api/v1/retention-offers/other",
    bearer(t.account.token),
  );
  expect(missing.statusCode).toBe(404);
  const viaKey = await call(ctx, "PUT", "/api/v1/retention-offers/other", apiKey(t.sk), {
    ...base,
    offer_type: "custom",
  });
  expect(viaKey.statusCode).toBe(201);
  expect((await list()).json().data).toHaveLength(1);
});

test("a public key cannot manage offers", async () => {
  const res = await call(ctx, "GET", "/api/v1/retention-offers", apiKey(t.pub));
  expect(res.statusCode).toBe(403);
  const putRes = await call(ctx, "PUT", "/api/v1/retention-offers/other", apiKey(t.pub), {
    ...base,
    offer_type: "custom",
  });
  expect(putRes.statusCode).toBe(403);
});
