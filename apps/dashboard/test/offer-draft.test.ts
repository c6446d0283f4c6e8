import {
  CANCEL_REASONS,
  OFFER_TEXT_LIMITS,
  OFFER_TYPE_FIELDS,
  OFFER_TYPES,
  type OfferType,
  type RetentionOffer,
} from "@windback/protocol";
import { describe, expect, it } from "vitest";
import type { ApiFailure } from "../src/lib/api-client";
import {
  blankDraft,
  draftFieldOf,
  draftFromOffer,
  draftToInput,
  draftToPreview,
  initialEditorState,
  isDirty,
  isValidDraft,
  type OfferDraft,
  type OfferEditorEvent,
  type OfferEditorState,
  offerTerms,
  reduceOfferEditor,
  validateDraft,
} from "../src/lib/offer-draft";

const SAVED: RetentionOffer = {
  id: "o1",
  cancel_reason: "too_expensive",
  offer_type: "discount",
  title: "Stay and save",
  description: "Half price for a while",
  cta_button_text: "Claim it",
  cta_text: "Claim it",
  discount_percent: 50,
  discount_duration_months: 3,
  enabled: true,
  is_active: true,
  created_at: "2026-03-01T00:00:00.000Z",
  updated_at: "2026-03-01T00:00:00.000Z",
};

const run = (state: OfferEditorState, ...events: OfferEditorEvent[]) =>
  events.reduce(reduceOfferEditor, state);
const failure = (message: string, field?: string): ApiFailure => ({
  status: 400,
  code: "VALIDATION_FAILED",
  message,
  ...(field && { field }),
});

/** A valid draft of each type: the template plus the required text fields filled in. */
function validDraftOf(type: OfferType): OfferDraft {
  const draft = blankDraft("other", type);
  return {
    ...draft,
    values: { ...draft.values, downgrade_plan: "Starter", feature_name: "Exports" },
  };
}

describe("drafts", () => {
  it("every reason starts with a valid suggested offer", () => {
    for (const reason of CANCEL_REASONS) {
      const draft = blankDraft(reason);
      const missingText = OFFER_TYPE_FIELDS[draft.offer_type].filter((f) => f.kind === "text");
      // Text fields (a plan name, a feature) are the merchant's to write: only those may be empty.
      expect(Object.keys(validateDraft(draft)).sort()).toEqual(
        missingText.map((f) => f.name).sort(),
      );
    }
  });

  it("a saved offer becomes a draft with its values as text, and is not dirty", () => {
    const state = initialEditorState("too_expensive", SAVED);
    expect(state.draft.values.discount_percent).toBe("50");
    expect(state.draft.values.discount_duration_months).toBe("3");
    expect(isDirty(state)).toBe(false);
    expect(isDirty(initialEditorState("too_expensive", null))).toBe(true);
  });
});

describe("validation follows OFFER_TYPE_FIELDS, the table the API validates with", () => {
  for (const type of OFFER_TYPES) {
    for (const rule of OFFER_TYPE_FIELDS[type]) {
      if (rule.kind === "integer") {
        it(`${type}.${rule.name}: whole numbers from ${rule.min} to ${rule.max}`, () => {
          const at = (value: string) =>
            validateDraft({
              ...validDraftOf(type),
              values: { ...validDraftOf(type).values, [rule.name]: value },
            })[rule.name];
          expect(at(String(rule.min))).toBeUndefined();
          expect(at(String(rule.max))).toBeUndefined();
          expect(at(String(rule.min - 1))).toMatch(/whole number/);
          expect(at(String(rule.max + 1))).toMatch(/whole number/);
          expect(at("2.5")).toMatch(/whole number/);
          expect(at("ten")).toMatch(/whole number/);
          expect(at("")).toMatch(/Required/);
        });
      } else {
        it(`${type}.${rule.name}: text of 1 to ${rule.max} characters`, () => {
          const at = (value: string) =>
            validateDraft({
              ...validDraftOf(type),
              values: { ...validDraftOf(type).values, [rule.name]: value },
            })[rule.name];
          expect(at("x".repeat(rule.max))).toBeUndefined();
          expect(at("x".repeat(rule.max + 1))).toMatch(/At most/);
          expect(at("   ")).toMatch(/Required/);
        });
      }
    }
  }

  it("the common texts follow OFFER_TEXT_LIMITS", () => {
    const draft = validDraftOf("custom");
    expect(validateDraft({ ...draft, title: " " }).title).toBe("Required.");
    expect(
      validateDraft({ ...draft, title: "x".repeat(OFFER_TEXT_LIMITS.title + 1) }).title,
    ).toMatch(/At most 200/);
    expect(validateDraft({ ...draft, cta_button_text: "" }).cta_button_text).toBe("Required.");
    expect(validateDraft({ ...draft, description: "" }).description).toBeUndefined();
    expect(validateDraft({ ...draft, description: "x".repeat(2001) }).description).toMatch(
      /At most 2000/,
    );
  });

  it("a custom offer's link must be an http(s) URL; other types ignore it", () => {
    const custom = validDraftOf("custom");
    expect(
      validateDraft({ ...custom, cta_url: "https://example.com/plans" }).cta_url,
    ).toBeUndefined();
    expect(validateDraft({ ...custom, cta_url: "example.com" }).cta_url).toMatch(/full address/);
    expect(validateDraft({ ...custom, cta_url: "javascript:alert(1)" }).cta_url).toMatch(
      /https:\/\//,
    );
    expect(validateDraft({ ...validDraftOf("pause"), cta_url: "nope" }).cta_url).toBeUndefined();
  });

  it("every type's valid draft is valid", () => {
    for (const type of OFFER_TYPES) expect(isValidDraft(validDraftOf(type))).toBe(true);
  });
});

describe("what is sent", () => {
  it("only the fields of the draft's type, as numbers, trimmed texts", () => {
    const draft: OfferDraft = {
      ...validDraftOf("pause"),
      title: "  Take a break ",
      values: { ...validDraftOf("pause").values, pause_days: " 30 ", discount_percent: "20" },
    };
    expect(draftToInput(draft)).toEqual({
      offer_type: "pause",
      title: "Take a break",
      description: draft.description.trim(),
      cta_button_text: draft.cta_button_text,
      enabled: true,
      pause_days: 30,
      cta_url: null,
    });
  });

  it("a custom offer sends its link, or null to remove one", () => {
    const custom = validDraftOf("custom");
    expect(draftToInput({ ...custom, cta_url: " https://x.test/a " }).cta_url).toBe(
      "https://x.test/a",
    );
    expect(draftToInput(custom).cta_url).toBeNull();
  });

  it("the preview leaves out fields that are not valid yet", () => {
    const draft = {
      ...validDraftOf("discount"),
      values: { ...validDraftOf("discount").values, discount_percent: "150" },
    };
    const preview = draftToPreview(draft);
    expect(preview.discount_percent).toBeUndefined();
    expect(preview.discount_duration_months).toBe(3);
    expect(offerTerms(preview)).toBe("Discount");
    expect(offerTerms(SAVED)).toBe("50% off for 3 months");
  });
});

describe("server errors", () => {
  it("land on the input they name (aliases included)", () => {
    expect(draftFieldOf(failure("…", "body/discount_percent"))).toBe("discount_percent");
    expect(draftFieldOf(failure("…", "body/cta_text"))).toBe("cta_button_text");
    expect(draftFieldOf(failure("…", "body/is_active"))).toBe("enabled");
    expect(draftFieldOf(failure("…", "params/reason"))).toBeNull();
    expect(draftFieldOf(failure("…", "body/unknown_field"))).toBeNull();
    expect(draftFieldOf(failure("…"))).toBeNull();
  });
});

describe("the editor machine", () => {
  const fresh = initialEditorState("too_expensive", SAVED);

  it("errors appear only once a save was tried, then follow the edits", () => {
    const typed = run(fresh, { type: "EDIT", field: "discount_percent", value: "0" });
    expect(typed.errors).toEqual({});
    const refused = run(typed, { type: "SAVE" });
    expect(refused.status).toBe("idle");
    expect(refused.errors.discount_percent).toMatch(/from 1 to 100/);
    const fixed = run(refused, { type: "EDIT", field: "discount_percent", value: "10" });
    expect(fixed.errors).toEqual({});
  });

  it("a valid save goes to `saving`, then SAVE_OK stores the server's copy", () => {
    const saving = run(
      fresh,
      { type: "EDIT", field: "title", value: "New title" },
      { type: "SAVE" },
    );
    expect(saving.status).toBe("saving");
    const saved = run(saving, { type: "SAVE_OK", offer: { ...SAVED, title: "New title" } });
    expect(saved.status).toBe("idle");
    expect(saved.notice).toBe("saved");
    expect(saved.saved?.title).toBe("New title");
    expect(isDirty(saved)).toBe(false);
  });

  it("while saving, edits and new actions wait", () => {
    const saving = run(fresh, { type: "EDIT", field: "title", value: "A" }, { type: "SAVE" });
    expect(run(saving, { type: "EDIT", field: "title", value: "B" })).toBe(saving);
    expect(run(saving, { type: "DELETE" })).toBe(saving);
    expect(run(saving, { type: "SAVE" })).toBe(saving);
  });

  it("a refused save puts the server's message on the input it names", () => {
    const saving = run(fresh, { type: "EDIT", field: "title", value: "A" }, { type: "SAVE" });
    const failed = run(saving, {
      type: "SAVE_FAILED",
      error: failure(
        "body/discount_percent must be an integer from 1 to 100",
        "body/discount_percent",
      ),
    });
    expect(failed.status).toBe("idle");
    expect(failed.errors.discount_percent).toBe(
      "body/discount_percent must be an integer from 1 to 100",
    );
    expect(failed.formError).toBeNull();
    expect(failed.draft.title).toBe("A");
  });

  it("a failure that names no input is shown beside the buttons", () => {
    const saving = run(fresh, { type: "EDIT", field: "title", value: "A" }, { type: "SAVE" });
    const error: ApiFailure = { status: 0, code: "NETWORK_ERROR", message: "offline" };
    expect(run(saving, { type: "SAVE_FAILED", error }).formError).toEqual(error);
  });

  it("switching type swaps template texts but keeps the merchant's own", () => {
    const blank = initialEditorState("not_using_enough", null);
    expect(blank.draft.offer_type).toBe("pause");
    const asExtension = run(blank, { type: "SET_TYPE", offerType: "extension" });
    expect(asExtension.draft.title).toBe("Have some time on us");
    expect(asExtension.draft.values.extension_days).toBe("14");

    const own = run(
      blank,
      { type: "EDIT", field: "title", value: "My words" },
      { type: "SET_TYPE", offerType: "extension" },
    );
    expect(own.draft.title).toBe("My words");
  });

  it("switching back restores the values typed for that type", () => {
    const typed = run(fresh, { type: "EDIT", field: "discount_percent", value: "35" });
    const back = run(
      typed,
      { type: "SET_TYPE", offerType: "pause" },
      { type: "SET_TYPE", offerType: "discount" },
    );
    expect(back.draft.values.discount_percent).toBe("35");
  });

  it("the switch flips a saved offer without edits, and undoes itself if the request fails", () => {
    const toggling = run(fresh, { type: "TOGGLE" });
    expect(toggling.status).toBe("toggling");
    expect(draftToInput(toggling.draft).enabled).toBe(false);
    const ok = run(toggling, {
      type: "SAVE_OK",
      offer: { ...SAVED, enabled: false, is_active: false },
    });
    expect(ok.notice).toBe("disabled");

    const failed = run(toggling, {
      type: "SAVE_FAILED",
      error: { status: 503, code: "SERVICE_UNAVAILABLE", message: "x" },
    });
    expect(failed.draft.enabled).toBe(true);
    expect(isDirty(failed)).toBe(false);
    expect(failed.formError?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("the switch does nothing with unsaved edits or without a saved offer", () => {
    const edited = run(fresh, { type: "EDIT", field: "title", value: "half-typed" });
    expect(run(edited, { type: "TOGGLE" })).toBe(edited);
    const none = initialEditorState("other", null);
    expect(run(none, { type: "TOGGLE" })).toBe(none);
  });

  it("deleting needs a saved offer; DELETE_OK leaves a fresh draft", () => {
    expect(run(initialEditorState("other", null), { type: "DELETE" }).status).toBe("idle");
    const deleting = run(fresh, { type: "DELETE" });
    expect(deleting.status).toBe("deleting");
    const deleted = run(deleting, { type: "DELETE_OK" });
    expect(deleted.saved).toBeNull();
    expect(deleted.notice).toBe("deleted");
    expect(deleted.draft.offer_type).toBe("discount");
    // A delete's answer cannot be mistaken for a save's, and the other way round.
    expect(run(deleting, { type: "SAVE_OK", offer: SAVED })).toBe(deleting);
    expect(run(run(fresh, { type: "TOGGLE" }), { type: "DELETE_OK" }).status).toBe("toggling");
  });

  it("a reloaded server copy replaces the draft only when nothing was typed", () => {
    const newer = { ...SAVED, title: "Changed elsewhere" };
    expect(run(fresh, { type: "LOADED", offer: newer }).draft.title).toBe("Changed elsewhere");
    const typing = run(fresh, { type: "EDIT", field: "description", value: "mine" });
    const kept = run(typing, { type: "LOADED", offer: newer });
    expect(kept.draft.description).toBe("mine");
    expect(kept.saved?.title).toBe("Changed elsewhere");
  });

  it("discard goes back to the saved offer", () => {
    const edited = run(fresh, { type: "EDIT", field: "title", value: "x" }, { type: "SAVE" });
    const back = run({ ...edited, status: "idle" }, { type: "DISCARD" });
    expect(back.draft).toEqual(draftFromOffer(SAVED));
    expect(back.submitted).toBe(false);
  });
});
