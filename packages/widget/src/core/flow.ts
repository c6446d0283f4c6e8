/**
 * The cancel flow as a pure machine: `(state, event) → state`, no DOM and no network.
 *
 * Views dispatch events; the controller watches for the in-flight steps (`submitting`,
 * `accepting`, `declining`), performs the API call and dispatches its outcome. Keeping the
 * effects out of here means every transition, failure paths included, is unit-testable.
 */
import type {
  Outcome,
  PublicOffer,
  WidgetError,
  WidgetErrorCode,
  WidgetResult,
} from "@windback/protocol";

/** Whether a reason asks for free text on a follow-up step. */
export type TextMode = "required" | "optional" | "none";

export interface ReasonOption {
  value: string;
  label: string;
  text: TextMode;
}

export function flowError(
  code: WidgetErrorCode,
  message: string,
  status: number | null = null,
): WidgetError {
  return { code, message, status };
}

export type StepName =
  | "reasons"
  | "details"
  | "submitting"
  | "offer"
  | "accepting"
  | "declining"
  | "confirm"
  | "error"
  | "done";

type Validation = "reason_required" | "text_required" | null;

export interface FlowState {
  step: StepName;
  reasons: readonly ReasonOption[];
  reason: string | null;
  text: string;
  validation: Validation;
  offer: PublicOffer | null;
  eventId: string | null;
  error: WidgetError | null;
  /** The step whose API call failed, while on the error step (`accepting` can be retried). */
  failed: StepName | null;
  outcome: Outcome | null;
}

export type FlowEvent =
  | { type: "SELECT_REASON"; reason: string }
  | { type: "SET_TEXT"; text: string }
  | { type: "SUBMIT" }
  | { type: "BACK" }
  | { type: "SUBMIT_OK"; eventId: string; offer: PublicOffer | null }
  | { type: "SUBMIT_FAILED"; error: WidgetError }
  | { type: "ACCEPT" }
  | { type: "ACCEPT_OK" }
  | { type: "ACCEPT_FAILED"; error: WidgetError }
  | { type: "DECLINE" }
  | { type: "DECLINE_OK" }
  | { type: "DECLINE_FAILED"; error: WidgetError }
  | { type: "CONFIRM" }
  | { type: "CANCEL_ANYWAY" }
  | { type: "RETRY" }
  | { type: "DISMISS" }
  | { type: "FAIL"; error: WidgetError };

export function initialState(reasons: readonly ReasonOption[]): FlowState {
  return {
    step: "reasons",
    reasons,
    reason: null,
    text: "",
    validation: null,
    offer: null,
    eventId: null,
    error: null,
    failed: null,
    outcome: null,
  };
}

export function reasonOf(state: FlowState): ReasonOption | undefined {
  return state.reasons.find((r) => r.value === state.reason);
}

function finish(state: FlowState, outcome: Outcome): FlowState {
  return { ...state, step: "done", outcome };
}

function fail(state: FlowState, error: WidgetError): FlowState {
  return { ...state, step: "error", error, failed: state.step };
}

function submitOrAsk(state: FlowState): FlowState {
  const reason = reasonOf(state);
  if (!reason) return { ...state, validation: "reason_required" };
  if (state.step === "reasons" && reason.text !== "none") {
    return { ...state, step: "details", validation: null };
  }
  if (reason.text === "required" && state.text.trim() === "") {
    return { ...state, validation: "text_required" };
  }
  return { ...state, step: "submitting", validation: null };
}

export function reduce(state: FlowState, event: FlowEvent): FlowState {
  const { step } = state;
  if (step === "done") return state;

  // Leaving is always possible: these apply to every step that is not final.
  switch (event.type) {
    case "DISMISS":
    case "CANCEL_ANYWAY":
      // From the error step Windback could not do its part, so the host must still hear "error":
      // "Continue cancelling", ×, Escape and the backdrop all end there.
      return finish(
        state,
        step === "error" ? "error" : event.type === "DISMISS" ? "dismissed" : "cancelled",
      );
    case "FAIL":
      return fail(state, event.error);
  }

  switch (step) {
    case "reasons":
      if (event.type === "SELECT_REASON") {
        if (!state.reasons.some((r) => r.value === event.reason)) return state;
        return { ...state, reason: event.reason, validation: null };
      }
      if (event.type === "SUBMIT") return submitOrAsk(state);
      return state;
    case "details":
      if (event.type === "SET_TEXT") {
        return { ...state, text: event.text, validation: null };
      }
      if (event.type === "SUBMIT") return submitOrAsk(state);
      if (event.type === "BACK") return { ...state, step: "reasons", validation: null };
      return state;
    case "submitting":
      if (event.type === "SUBMIT_OK") {
        const next = { ...state, eventId: event.eventId, offer: event.offer };
        return { ...next, step: event.offer ? "offer" : "confirm" };
      }
      if (event.type === "SUBMIT_FAILED") return fail(state, event.error);
      return state;
    case "offer":
      if (event.type === "ACCEPT") return { ...state, step: "accepting" };
      if (event.type === "DECLINE") return { ...state, step: "declining" };
      return state;
    case "accepting":
      if (event.type === "ACCEPT_OK") return finish(state, "saved");
      if (event.type === "ACCEPT_FAILED") return fail(state, event.error);
      return state;
    case "declining":
      if (event.type === "DECLINE_OK") return { ...state, step: "confirm" };
      if (event.type === "DECLINE_FAILED") return fail(state, event.error);
      return state;
    case "confirm":
      if (event.type === "CONFIRM") return finish(state, "cancelled");
      return state;
    case "error":
      // A customer who chose to stay may try the offer again: back to its in-flight step.
      if (event.type === "RETRY" && state.failed === "accepting") {
        return { ...state, step: "accepting", error: null, failed: null };
      }
      return state;
  }
}

/** The result object of docs/design.md §3.2, as handed to the host page. */
export function resultOf(state: FlowState): WidgetResult {
  const reason = reasonOf(state);
  const text = state.text.trim();
  const result: WidgetResult = {
    outcome: state.outcome ?? "dismissed",
    reason: reason?.value ?? null,
    reasonLabel: reason?.label ?? null,
    feedbackText: text === "" ? null : text,
    selectedOffer: state.outcome === "saved" ? state.offer : null,
    eventId: state.eventId,
  };
  if (state.error) result.error = { ...state.error };
  return result;
}
