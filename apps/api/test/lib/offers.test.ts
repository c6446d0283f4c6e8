import type { OfferBody } from "@windback/protocol";
import { describe, expect, test } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import {
  parseOffer,
  requireCancelReason,
  requireOfferType,
  serializeOffer,
  serializePublicOffer,
} from "../../src/lib/offers.js";
import type { OfferRecord } from "../../src/storage/types.js";

/** The 400 a call throws, or a failure naming what was accepted. */
function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(400);
    expect((error as AppError).code).toBe("VALIDATION_FAILED");
    return (error as AppError).message;
  }
  throw new Error("accepted");
}

const base = (extra: Partial<OfferBody>): OfferBody => ({
  offer_type: "custom",
  title: "Stay with us",
  cta_button_text: "Stay",
  ...extra,
});

const noTypeFields = {
  discountPercent: null,
  discountDurationMonths: null,
  pauseDays: null,
  extensionDays: null,
  downgradePlan: null,
  featureName: null,
  featureUnlockDays: null,
};

describe("cancel reasons and offer types", () => {
  test("ids and aliases map to the canonical reason, trimmed", () => {
    expect(requireCancelReason("too_expensive", "x")).toBe("too_expensive");
    expect(requireCancelReason("  bad_support ", "x")).toBe("poor_support");
    expect(requireCancelReason("switched_to_competitor", "x")).toBe("switching_competitor");
  });

  test("an unknown reason names the field, the value and every reason and alias", () => {
    expect(refusal(() => requireCancelReason("cheaper", "path/reason"))).toBe(
      'path/reason "cheaper" is not a cancel reason; use one of too_expensive, missing_features, ' +
        "not_using_enough, switching_competitor, technical_issues, poor_support, dont_need_anymore, " +
        "other (aliases: switched_to_competitor, bad_support)",
    );
  });

  test("offer types are exact; an unknown one lists the valid ones", () => {
    expect(requireOfferType("pause", "f")).toBe("pause");
    expect(refusal(() => requireOfferType("Pause", "body/offer_type"))).toBe(
      'body/offer_type "Pause" is not an offer type; use one of discount, pause, extension, downgrade, feature_unlock, custom',
    );
  });
});

describe("parseOffer", () => {
  test("a custom offer: common fields trimmed, no type fields, enabled by default", () => {
    expect(
      parseOffer(
        "other",
        base({ title: "  Talk to us ", description: "  We listen. ", cta_button_text: " Chat " }),
      ),
    ).toEqual({
      cancelReason: "other",
      offerType: "custom",
      title: "Talk to us",
      description: "We listen.",
      ctaButtonText: "Chat",
      ctaUrl: null,
      enabled: true,
      ...noTypeFields,
    });
  });

  test("no description is the empty string", () => {
    expect(parseOffer("other", base({})).description).toBe("");
  });

  test("every type's fields land in their own record keys", () => {
    expect(
      parseOffer(
        "too_expensive",
        base({ offer_type: "discount", discount_percent: 20, discount_duration_months: 3 }),
      ),
    ).toMatchObject({ ...noTypeFields, discountPercent: 20, discountDurationMonths: 3 });
    expect(
      parseOffer("not_using_enough", base({ offer_type: "pause", pause_days: 30 })),
    ).toMatchObject({ ...noTypeFields, pauseDays: 30 });
    expect(
      parseOffer("technical_issues", base({ offer_type: "extension", extension_days: 14 })),
    ).toMatchObject({ ...noTypeFields, extensionDays: 14 });
    expect(
      parseOffer("too_expensive", base({ offer_type: "downgrade", downgrade_plan: "  Starter " })),
    ).toMatchObject({ ...noTypeFields, downgradePlan: "Starter" });
    expect(
      parseOffer(
        "missing_features",
        base({ offer_type: "feature_unlock", feature_name: " Exports ", feature_unlock_days: 30 }),
      ),
    ).toMatchObject({ ...noTypeFields, featureName: "Exports", featureUnlockDays: 30 });
  });

  test("a reason in the body must match the path's; its alias matches", () => {
    expect(parseOffer("poor_support", base({ cancel_reason: "bad_support" })).cancelReason).toBe(
      "poor_support",
    );
    expect(refusal(() => parseOffer("other", base({ cancel_reason: "too_expensive" })))).toBe(
      'body/cancel_reason "too_expensive" does not match the reason in the path ("other")',
    );
    expect(refusal(() => parseOffer("other", base({ cancel_reason: "nope" })))).toMatch(
      /^body\/cancel_reason "nope" is not a cancel reason/,
    );
  });

  test("an unknown offer type is refused before anything else", () => {
    expect(
      refusal(() => parseOffer("other", base({ offer_type: "gift" as OfferBody["offer_type"] }))),
    ).toMatch(/^body\/offer_type "gift" is not an offer type/);
  });

  test("a blank title or call to action is refused", () => {
    expect(refusal(() => parseOffer("other", base({ title: "   " })))).toBe(
      "body/title must not be blank",
    );
    const ctaRequired = "body/cta_button_text (or its alias cta_text) is required and not blank";
    expect(refusal(() => parseOffer("other", base({ cta_button_text: "  " })))).toBe(ctaRequired);
    expect(
      refusal(() => parseOffer("other", { offer_type: "custom", title: "T" } as OfferBody)),
    ).toBe(ctaRequired);
  });

  test("alias fields: either one works, both must agree", () => {
    const viaAlias = parseOffer("other", {
      offer_type: "custom",
      title: "T",
      cta_text: " Keep ",
      is_active: false,
    } as OfferBody);
    expect(viaAlias).toMatchObject({ ctaButtonText: "Keep", enabled: false });
    expect(
      parseOffer("other", base({ cta_text: "Stay", enabled: false, is_active: false })),
    ).toMatchObject({ ctaButtonText: "Stay", enabled: false });
    expect(parseOffer("other", base({ enabled: false })).enabled).toBe(false);
    expect(refusal(() => parseOffer("other", base({ cta_text: "Go" })))).toBe(
      "body/cta_button_text and body/cta_text are the same field and disagree; send one of them",
    );
    expect(refusal(() => parseOffer("other", base({ enabled: true, is_active: false })))).toBe(
      "body/enabled and body/is_active are the same field and disagree; send one of them",
    );
  });

  test("fields of another type are refused; null stands for absent", () => {
    expect(refusal(() => parseOffer("other", base({ pause_days: 30 })))).toBe(
      "body/pause_days does not apply to a custom offer; remove it",
    );
    expect(
      refusal(() =>
        parseOffer("other", base({ offer_type: "pause", pause_days: 30, downgrade_plan: "" })),
      ),
    ).toBe("body/downgrade_plan does not apply to a pause offer; remove it");
    expect(
      parseOffer("other", base({ offer_type: "pause", pause_days: 30, discount_percent: null }))
        .discountPercent,
    ).toBeNull();
  });

  test("integer fields: required, whole, within their range, both ends included", () => {
    const pause = (pause_days: unknown) =>
      parseOffer("other", base({ offer_type: "pause", pause_days } as Partial<OfferBody>));
    const required = "body/pause_days is required for a pause offer (an integer from 7 to 90)";
    expect(refusal(() => pause(undefined))).toBe(required);
    expect(refusal(() => pause(null))).toBe(required);
    const range = "body/pause_days must be an integer from 7 to 90";
    for (const bad of [6, 91, 7.5, "30", Number.NaN]) expect(refusal(() => pause(bad))).toBe(range);
    expect(pause(7).pauseDays).toBe(7);
    expect(pause(90).pauseDays).toBe(90);
  });

  test("text fields: required, trimmed, at most 200 characters", () => {
    const downgrade = (downgrade_plan: unknown) =>
      parseOffer("other", base({ offer_type: "downgrade", downgrade_plan } as Partial<OfferBody>));
    const required = "body/downgrade_plan is required for a downgrade offer";
    expect(refusal(() => downgrade(undefined))).toBe(required);
    expect(refusal(() => downgrade("   "))).toBe(required);
    expect(refusal(() => downgrade(12))).toBe(required);
    expect(refusal(() => downgrade("x".repeat(201)))).toBe(
      "body/downgrade_plan must be at most 200 characters",
    );
    expect(downgrade(` ${"x".repeat(200)} `).downgradePlan).toBe("x".repeat(200));
  });

  test("the call-to-action URL: absolute http(s), normalised; blank is none", () => {
    const cta = (cta_url: string | null | undefined) =>
      parseOffer("other", base({ cta_url } as Partial<OfferBody>)).ctaUrl;
    expect(cta(undefined)).toBeNull();
    expect(cta(null)).toBeNull();
    expect(cta("   ")).toBeNull();
    expect(cta(" https://Example.com/plans ")).toBe("https://example.com/plans");
    // Whitespace the URL parser would keep (percent-encoded) is trimmed too.
    expect(cta("\u00a0https://example.com/plans\u00a0")).toBe("https://example.com/plans");
    expect(cta("http://example.com")).toBe("http://example.com/");
    expect(refusal(() => cta("/plans"))).toBe(
      "body/cta_url must be an absolute http(s) URL, e.g. https://example.com/plans",
    );
    expect(refusal(() => cta("javascript:alert(1)"))).toBe("body/cta_url must use http or https");
    expect(refusal(() => cta("ftp://example.com/"))).toBe("body/cta_url must use http or https");
  });
});

describe("serialisation", () => {
  const record = (extra: Partial<OfferRecord>): OfferRecord => ({
    id: "offer-1",
    projectId: "project-1",
    cancelReason: "too_expensive",
    offerType: "discount",
    title: "20% off",
    description: "For three months",
    ctaButtonText: "Take it",
    ctaUrl: null,
    enabled: true,
    ...noTypeFields,
    discountPercent: 20,
    discountDurationMonths: 3,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-02T00:00:00.000Z",
    ...extra,
  });

  /** What the widget sees of `record({})`. */
  const publicDiscount = {
    offer_type: "discount",
    title: "20% off",
    description: "For three months",
    cta_button_text: "Take it",
    discount_percent: 20,
    discount_duration_months: 3,
  };

  test("the widget sees its type's fields and the URL only when there is one", () => {
    expect(serializePublicOffer(record({}))).toStrictEqual(publicDiscount);
    expect(serializePublicOffer(record({ ctaUrl: "https://example.com/" })).cta_url).toBe(
      "https://example.com/",
    );
  });

  test("fields of other types and null fields are never emitted", () => {
    const pause = serializePublicOffer(
      record({
        offerType: "pause",
        pauseDays: 14,
        discountPercent: 50,
        discountDurationMonths: null,
      }),
    );
    expect(pause).toStrictEqual({
      offer_type: "pause",
      title: "20% off",
      description: "For three months",
      cta_button_text: "Take it",
      pause_days: 14,
    });
    const partial = serializePublicOffer(record({ discountDurationMonths: null }));
    expect(Object.keys(partial)).not.toContain("discount_duration_months");
  });

  test("the dashboard sees ids, aliases and timestamps", () => {
    expect(
      serializeOffer(record({ enabled: false, ctaUrl: "https://example.com/" })),
    ).toStrictEqual({
      id: "offer-1",
      cancel_reason: "too_expensive",
      ...publicDiscount,
      cta_url: "https://example.com/",
      cta_text: "Take it",
      enabled: false,
      is_active: false,
      created_at: "2026-01-01T00:00:00.000Z",
      updated_at: "2026-01-02T00:00:00.000Z",
    });
  });
});
