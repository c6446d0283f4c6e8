/** Maps an outcome to the public event name and calls observers without letting them break the flow. */
import type { WidgetEvent, WidgetResult } from "@windback/protocol";
import type { ShowOptions } from "./options";

/** `submit` means "go on and cancel": a confirmed cancellation, or Windback could not be reached. */
export function eventOf(result: WidgetResult): WidgetEvent {
  if (result.outcome === "saved") return "offer_accepted";
  if (result.outcome === "dismissed") return "dismiss";
  return "submit";
}

export function callbackOf(options: ShowOptions, event: WidgetEvent) {
  if (event === "offer_accepted") return options.onOfferAccepted;
  return event === "dismiss" ? options.onDismiss : options.onSubmit;
}

/** Observers only observe: one that throws is logged and the others still run. */
export function safeCall(
  handler: ((result: WidgetResult) => void) | undefined,
  result: WidgetResult,
) {
  if (typeof handler !== "function") return;
  try {
    handler(result);
  } catch (error) {
    console.error("[windback] a listener threw:", error);
  }
}
