import type { PublicOffer } from "@windback/protocol";
import { describe, expect, it } from "vitest";
import {
  type FlowEvent,
  type FlowState,
  flowError,
  initialState,
  type ReasonOption,
  reduce,
  resultOf,
  type StepName,
} from "../src/core/flow";

const REASONS: ReasonOption[] = [
  { value: "too_expensive", label: "Too expensive", text: "none" },
  { value: "missing_features", label: "Missing features", text: "optional" },
  { value: "other", label: "Other", text: "required" },
];
const OFFER: PublicOffer = {
  offer_type: "discount",
  title: "Stay for less",
  description: "Half price",
  cta_button_text: "Claim",
  discount_percent: 50,
  discount_duration_months: 3,
};
const ERR = flowError("HTTP_500", "boom", 500);

function run(...events: FlowEvent[]): FlowState {
  return events.reduce(reduce, initialState(REASONS));
}
const select = (reason: string): FlowEvent => ({ type: "SELECT_REASON", reason });
const SUBMIT: FlowEvent = { type: "SUBMIT" };
const submitted = (offer: PublicOffer | null): FlowEvent => ({
  type: "SUBMIT_OK",
  eventId: "evt_1",
  offer,
});

/** A state at each step, reached by the real transitions. */
const AT: Record<Exclude<StepName, "done">, () => FlowState> = {
  reasons: () => run(),
  details: () => run(select("other"), SUBMIT),
  submitting: () => run(select("too_expensive"), SUBMIT),
  offer: () => run(select("too_expensive"), SUBMIT, submitted(OFFER)),
  accepting: () => run(select("too_expensive"), SUBMIT, submitted(OFFER), { type: "ACCEPT" }),
  declining: () => run(select("too_expensive"), SUBMIT, submitted(OFFER), { type: "DECLINE" }),
  confirm: () => run(select("too_expensive"), SUBMIT, submitted(null)),
  error: () => run(select("too_expensive"), SUBMIT, { type: "SUBMIT_FAILED", error: ERR }),
};

describe("reasons step", () => {
  it("starts on the reasons with nothing chosen", () => {
    expect(run()).toMatchObject({ step: "reasons", reason: null, outcome: null });
  });

  it("asks for a reason when submitting without one", () => {
    expect(run(SUBMIT)).toMatchObject({ step: "reasons", validation: "reason_required" });
  });

  it("ignores reasons that are not offered", () => {
    expect(run(select("made_up")).reason).toBeNull();
  });

  it("goes straight to submitting when the reason takes no text", () => {
    expect(run(select("too_expensive"), SUBMIT).step).toBe("submitting");
  });

  it("asks for text on a follow-up step when the reason takes some", () => {
    expect(run(select("missing_features"), SUBMIT).step).toBe("details");
    expect(run(select("other"), SUBMIT).step).toBe("details");
  });
});

describe("details step", () => {
  it("lets optional text stay empty", () => {
    expect(run(select("missing_features"), SUBMIT, SUBMIT).step).toBe("submitting");
  });

  it("requires non-empty text for other", () => {
    const blank = run(select("other"), SUBMIT, { type: "SET_TEXT", text: "   " }, SUBMIT);
    expect(blank).toMatchObject({ step: "details", validation: "text_required" });
    const filled = reduce(blank, { type: "SET_TEXT", text: "Moving abroad" });
    expect(filled.validation).toBeNull();
    expect(reduce(filled, SUBMIT).step).toBe("submitting");
  });

  it("goes back to the reasons keeping the choice", () => {
    expect(run(select("other"), SUBMIT, { type: "BACK" })).toMatchObject({
      step: "reasons",
      reason: "other",
    });
  });
});

describe("submitting", () => {
  it("ignores a second submit while one is in flight", () => {
    const inFlight = AT.submitting();
    expect(reduce(inFlight, SUBMIT)).toBe(inFlight);
  });

  it("shows the offer when the API returned one", () => {
    expect(AT.offer()).toMatchObject({ step: "offer", offer: OFFER, eventId: "evt_1" });
  });

  it("goes to the confirmation when there is no offer", () => {
    expect(AT.confirm()).toMatchObject({ step: "confirm", offer: null, eventId: "evt_1" });
  });

  it("ends in the error step when the submit fails", () => {
    expect(AT.error()).toMatchObject({ step: "error", error: ERR });
  });

  it("ignores API answers that arrive in another step", () => {
    const reasons = AT.reasons();
    expect(reduce(reasons, submitted(OFFER))).toBe(reasons);
    const offer = AT.offer();
    expect(reduce(offer, { type: "SUBMIT_FAILED", error: ERR })).toBe(offer);
  });
});

describe("offer", () => {
  it("accepting saves the customer", () => {
    const saved = reduce(AT.accepting(), { type: "ACCEPT_OK" });
    expect(saved).toMatchObject({ step: "done", outcome: "saved" });
    expect(resultOf(saved).selectedOffer).toEqual(OFFER);
  });

  it("ignores a second accept or a decline while accepting", () => {
    const accepting = AT.accepting();
    expect(reduce(accepting, { type: "ACCEPT" })).toBe(accepting);
    expect(reduce(accepting, { type: "DECLINE" })).toBe(accepting);
  });

  it("declining leads to the confirmation, then cancelled", () => {
    const confirm = reduce(AT.declining(), { type: "DECLINE_OK" });
    expect(confirm.step).toBe("confirm");
    const cancelled = reduce(confirm, { type: "CONFIRM" });
    expect(cancelled).toMatchObject({ step: "done", outcome: "cancelled" });
    expect(resultOf(cancelled).selectedOffer).toBeNull();
  });

  it.each([
    ["accepting", "ACCEPT_FAILED"],
    ["declining", "DECLINE_FAILED"],
  ] as const)("a failure while %s ends in the error step", (step, type) => {
    expect(reduce(AT[step](), { type, error: ERR })).toMatchObject({ step: "error", error: ERR });
  });
});

describe("error step", () => {
  it("'Continue cancelling' (cancel anyway) ends with outcome error and the error attached", () => {
    const done = reduce(AT.error(), { type: "CANCEL_ANYWAY" });
    expect(done.outcome).toBe("error");
    expect(resultOf(done).error).toEqual(ERR);
  });

  it("closing the error screen (×, Escape, backdrop) still reports error", () => {
    const done = reduce(AT.error(), { type: "DISMISS" });
    expect(done).toMatchObject({ step: "done", outcome: "error" });
    expect(resultOf(done)).toMatchObject({ outcome: "error", error: ERR });
  });

  it.each(["submitting", "accepting", "declining"] as const)(
    "every way out after a failure while %s reports error",
    (step) => {
      const type = (
        {
          submitting: "SUBMIT_FAILED",
          accepting: "ACCEPT_FAILED",
          declining: "DECLINE_FAILED",
        } as const
      )[step];
      const failed = reduce(AT[step](), { type, error: ERR });
      for (const event of ["DISMISS", "CANCEL_ANYWAY"] as const) {
        expect(reduce(failed, { type: event }).outcome, event).toBe("error");
      }
    },
  );

  it("remembers which call failed", () => {
    expect(AT.error().failed).toBe("submitting");
    expect(reduce(AT.accepting(), { type: "ACCEPT_FAILED", error: ERR }).failed).toBe("accepting");
  });

  it("a failed accept can be retried: back to accepting, error cleared, then saved", () => {
    const failed = reduce(AT.accepting(), { type: "ACCEPT_FAILED", error: ERR });
    const retrying = reduce(failed, { type: "RETRY" });
    expect(retrying).toMatchObject({ step: "accepting", error: null, offer: OFFER });
    expect(reduce(retrying, { type: "RETRY" })).toBe(retrying);
    const saved = reduce(retrying, { type: "ACCEPT_OK" });
    expect(resultOf(saved)).toMatchObject({ outcome: "saved", selectedOffer: OFFER });
    expect(resultOf(saved).error).toBeUndefined();
    const again = reduce(retrying, { type: "ACCEPT_FAILED", error: ERR });
    expect(again).toMatchObject({ step: "error", failed: "accepting" });
  });

  it.each(["submitting", "declining"] as const)("a failure while %s offers no retry", (step) => {
    const type = step === "submitting" ? "SUBMIT_FAILED" : "DECLINE_FAILED";
    const failed = reduce(AT[step](), { type, error: ERR });
    expect(reduce(failed, { type: "RETRY" })).toBe(failed);
  });
});

describe("leaving from any step", () => {
  const steps = Object.keys(AT) as Array<keyof typeof AT>;

  it.each(steps.filter((s) => s !== "error"))("dismiss from %s ends dismissed", (step) => {
    expect(reduce(AT[step](), { type: "DISMISS" })).toMatchObject({
      step: "done",
      outcome: "dismissed",
    });
  });

  it.each(steps.filter((s) => s !== "error"))("cancel anyway from %s ends cancelled", (step) => {
    expect(reduce(AT[step](), { type: "CANCEL_ANYWAY" }).outcome).toBe("cancelled");
  });

  it.each(steps)("a failure from %s lands in the error step", (step) => {
    expect(reduce(AT[step](), { type: "FAIL", error: ERR }).step).toBe("error");
  });

  it("nothing leaves the final state", () => {
    const done = reduce(AT.confirm(), { type: "CONFIRM" });
    for (const event of [SUBMIT, { type: "DISMISS" }, { type: "FAIL", error: ERR }] as const) {
      expect(reduce(done, event)).toBe(done);
    }
  });
});

describe("events a step has no transition for", () => {
  /** One event of every type the machine knows. */
  const EVENTS: FlowEvent[] = [
    select("too_expensive"),
    { type: "SET_TEXT", text: "Moving abroad" },
    SUBMIT,
    { type: "BACK" },
    submitted(OFFER),
    { type: "SUBMIT_FAILED", error: ERR },
    { type: "ACCEPT" },
    { type: "ACCEPT_OK" },
    { type: "ACCEPT_FAILED", error: ERR },
    { type: "DECLINE" },
    { type: "DECLINE_OK" },
    { type: "DECLINE_FAILED", error: ERR },
    { type: "CONFIRM" },
    { type: "RETRY" },
  ];
  /** What each step answers besides the ways out (DISMISS, CANCEL_ANYWAY, FAIL). */
  const HANDLED: Record<keyof typeof AT, FlowEvent["type"][]> = {
    reasons: ["SELECT_REASON", "SUBMIT"],
    details: ["SET_TEXT", "SUBMIT", "BACK"],
    submitting: ["SUBMIT_OK", "SUBMIT_FAILED"],
    offer: ["ACCEPT", "DECLINE"],
    accepting: ["ACCEPT_OK", "ACCEPT_FAILED"],
    declining: ["DECLINE_OK", "DECLINE_FAILED"],
    confirm: ["CONFIRM"],
    error: ["RETRY"],
  };
  /** The error step after a failed accept, the one where RETRY does something. */
  const retryable = () => reduce(AT.accepting(), { type: "ACCEPT_FAILED", error: ERR });

  // A late API answer, a double click or a stale key press must not move the flow.
  it.each(Object.keys(HANDLED) as Array<keyof typeof AT>)("%s ignores them", (step) => {
    const state = step === "error" ? retryable() : AT[step]();
    for (const event of EVENTS.filter((e) => !HANDLED[step].includes(e.type))) {
      expect(reduce(state, event), event.type).toBe(state);
    }
  });
});

describe("resultOf", () => {
  it("reports dismissed for a flow that has not finished", () => {
    expect(resultOf(AT.offer())).toMatchObject({ outcome: "dismissed", selectedOffer: null });
  });

  it("reports the reason, its label and trimmed feedback", () => {
    const state = run(
      select("other"),
      SUBMIT,
      { type: "SET_TEXT", text: "  Moving abroad " },
      SUBMIT,
      submitted(null),
      { type: "CONFIRM" },
    );
    expect(resultOf(state)).toEqual({
      outcome: "cancelled",
      reason: "other",
      reasonLabel: "Other",
      feedbackText: "Moving abroad",
      selectedOffer: null,
      eventId: "evt_1",
    });
  });

  it("reports null feedback when none was given", () => {
    expect(resultOf(reduce(AT.reasons(), { type: "DISMISS" })).feedbackText).toBeNull();
  });
});
