/**
 * Runs one cancel flow: holds the machine's state and performs the API call that each in-flight
 * step stands for. Framework-free, so the script tag and the iframe share it unchanged.
 */
import {
  type CancelFlowSubmitRequest,
  CUSTOMER_FIELDS,
  type WidgetError,
  type WidgetResult,
} from "@windback/protocol";
import type { ApiClient, ApiResult } from "./api-client";
import {
  type FlowEvent,
  type FlowState,
  flowError,
  initialState,
  type ReasonOption,
  reduce,
  resultOf,
} from "./core/flow";
import type { ShowOptions } from "./options";

export interface Session {
  /** Set only by the preview, to show the merchant's latest edit of the offer in place. */
  state: FlowState;
  dispatch(event: FlowEvent): void;
}

export interface SessionOptions {
  client: ApiClient | null;
  reasons: readonly ReasonOption[];
  customer: ShowOptions;
  onChange(state: FlowState): void;
  onDone(result: WidgetResult): void;
  /** Where the flow starts instead of the reasons step (the preview starts on the offer). */
  start?: Partial<FlowState> | undefined;
}

const NOT_CONFIGURED = flowError("NOT_CONFIGURED", "No public key");

export function createSession(options: SessionOptions): Session {
  const { client, customer } = options;
  // Only a non-empty string is a token; anything else is left out of every body.
  const token = typeof customer.customerToken === "string" && customer.customerToken;
  const withToken = <T extends object>(body: T) =>
    token ? { ...body, customer_token: token } : body;
  let state: FlowState = { ...initialState(options.reasons), ...options.start };

  function dispatch(event: FlowEvent): void {
    const previous = state;
    state = reduce(previous, event);
    if (state === previous) return;
    options.onChange(state);
    if (state.step !== previous.step) enter(previous);
  }

  function settle<T>(
    request: Promise<ApiResult<T>>,
    ok: (data: T) => FlowEvent,
    failed: (error: WidgetError) => FlowEvent,
  ): void {
    void request.then((result) => dispatch(result.ok ? ok(result.data) : failed(result.error)));
  }

  // Returns whatever dispatch/settle return (nothing): `return x()` just ends each case.
  function enter(previous: FlowState) {
    const email = customer.customerEmail?.trim() ?? "";
    switch (state.step) {
      case "submitting": {
        if (!client) return dispatch({ type: "SUBMIT_FAILED", error: NOT_CONFIGURED });
        if (!email) {
          const error = flowError("MISSING_EMAIL", "customerEmail is required");
          return dispatch({ type: "SUBMIT_FAILED", error });
        }
        // Show options go under their wire names; the email is sent trimmed, as checked above.
        const body: Record<string, unknown> = {};
        for (const { option, wire } of CUSTOMER_FIELDS) {
          const value = customer[option];
          if (value !== undefined && value !== "") body[wire] = value;
        }
        body.customer_email = email;
        body.cancel_reason = state.reason;
        const text = state.text.trim();
        if (text) body.cancel_reason_text = text;
        if (token) body.customer_token = token;
        return settle(
          client.submit(body as unknown as CancelFlowSubmitRequest),
          (data) =>
            typeof data?.event_id === "string"
              ? { type: "SUBMIT_OK", eventId: data.event_id, offer: data.offer ?? null }
              : {
                  type: "SUBMIT_FAILED",
                  error: flowError("BAD_RESPONSE", "Unexpected answer"),
                },
          (error) => ({ type: "SUBMIT_FAILED", error }),
        );
      }
      case "accepting":
        if (!client || !state.offer)
          return dispatch({ type: "ACCEPT_FAILED", error: NOT_CONFIGURED });
        return settle(
          client.acceptOffer(
            withToken({
              customer_email: email,
              cancel_reason: state.reason ?? "other",
              offer_type: state.offer.offer_type,
              ...(state.eventId && { event_id: state.eventId }),
            }),
          ),
          () => ({ type: "ACCEPT_OK" }),
          (error) => ({ type: "ACCEPT_FAILED", error }),
        );
      case "declining":
        if (!client || !state.eventId) {
          return dispatch({ type: "DECLINE_FAILED", error: NOT_CONFIGURED });
        }
        return settle(
          client.decline(withToken({ event_id: state.eventId })),
          () => ({ type: "DECLINE_OK" }),
          (error) => ({ type: "DECLINE_FAILED", error }),
        );
      case "done":
        // "Cancel anyway" straight from the offer still means the offer was seen and refused.
        if (previous.step === "offer" && state.outcome === "cancelled" && state.eventId) {
          void client?.decline(withToken({ event_id: state.eventId }));
        }
        return options.onDone(resultOf(state));
      default:
        return;
    }
  }

  return {
    get state() {
      return state;
    },
    set state(next) {
      state = next;
      options.onChange(next);
    },
    dispatch,
  };
}
