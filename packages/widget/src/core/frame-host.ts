/**
 * The decisions of `/frame-host.js`, with no DOM: the frame's URL, which messages count, how tall
 * the frame may be, and the result when the frame never answers. The entry (`frame-host.ts`) only
 * wires these to an iframe and a message listener.
 */
import {
  CUSTOMER_FIELDS,
  type CustomerOptions,
  customerFieldValue,
  type FrameToHostMessage,
  type Outcome,
  type WidgetErrorCode,
  type WidgetResult,
} from "@windback/protocol";

/**
 * Options of `WindbackFrame.mount(container, options)`: the project's public key, the customer
 * (every CUSTOMER_FIELDS option) and how the flow looks.
 */
export interface FrameMountOptions extends CustomerOptions {
  /** The project's public key (`pub_…`). */
  apiKey: string;
  /** The Windback server; defaults to the origin `frame-host.js` was loaded from. */
  apiBase?: string;
  customerEmail: string;
  /** A customer token minted by the merchant's server (docs/design.md §11). */
  customerToken?: string;
  theme?: "light" | "dark" | "auto";
  locale?: string;
}

/** Below this the flow's first screen cannot show its buttons; the frame never gets smaller. */
export const FRAME_MIN_HEIGHT = 120;
/** Room left around the frame so the page behind it stays visible (and a backdrop clickable). */
export const VIEWPORT_MARGIN = 32;

/**
 * The `/embed` URL for these options: `key`, every valid customer field under its query name,
 * `token`, `theme`, `locale`, and `parent_origin` for browsers without `ancestorOrigins`.
 * A field that does not fit (wrong type, too long) is left out, as the frame would drop it.
 */
export function embedUrl(
  options: FrameMountOptions,
  apiBase: string,
  parentOrigin: string,
): string {
  const url = new URL(`${apiBase.replace(/\/+$/, "")}/embed`);
  const query = url.searchParams;
  query.set("key", options.apiKey);
  for (const field of CUSTOMER_FIELDS) {
    const value = customerFieldValue(field, options[field.option]);
    if (value !== undefined) query.set(field.query, String(value));
  }
  for (const [name, value] of [
    ["token", options.customerToken],
    ["theme", options.theme],
    ["locale", options.locale],
  ] as const) {
    if (typeof value === "string" && value !== "") query.set(name, value);
  }
  query.set("parent_origin", parentOrigin);
  return url.href;
}

const OUTCOMES: readonly string[] = [
  "cancelled",
  "saved",
  "dismissed",
  "error",
] satisfies Outcome[];

/**
 * The frame's message, or null when the event is not one: it must come from the Windback origin
 * AND from the frame's own window (another frame of the same origin does not count), wrapped as
 * `{windback: …}`, with a known type and a well-formed payload.
 */
export function readFrameMessage(
  event: { origin: string; source: unknown; data: unknown },
  frame: { origin: string; window: unknown },
): FrameToHostMessage | null {
  if (event.origin !== frame.origin || !frame.window || event.source !== frame.window) return null;
  const message = (event.data as { windback?: unknown } | null)?.windback as
    | { type?: unknown; height?: unknown; result?: unknown }
    | undefined;
  switch (message?.type) {
    case "ready":
      return { type: "ready" };
    case "resize":
      return typeof message.height === "number" && Number.isFinite(message.height)
        ? { type: "resize", height: message.height }
        : null;
    case "submit":
    case "dismiss":
    case "offer_accepted": {
      const result = message.result as WidgetResult | null | undefined;
      return typeof result === "object" && result !== null && OUTCOMES.includes(result.outcome)
        ? { type: message.type, result }
        : null;
    }
    default:
      return null;
  }
}

/** The frame's height for the flow's reported height: at least the minimum, at most the viewport. */
export function clampHeight(height: number, viewportHeight: number): number {
  const max = Math.max(FRAME_MIN_HEIGHT, viewportHeight - VIEWPORT_MARGIN);
  return Math.min(Math.max(Math.ceil(height), FRAME_MIN_HEIGHT), max);
}

/** The result when Windback could not run the flow: `error` tells the host to go on cancelling. */
export function errorResult(code: WidgetErrorCode, message: string): WidgetResult {
  return {
    outcome: "error",
    reason: null,
    reasonLabel: null,
    feedbackText: null,
    selectedOffer: null,
    eventId: null,
    error: { code, message, status: null },
  };
}
