/**
 * What the widget hands to the host page, and the messages between the `/embed` frame and the
 * page that hosts it. The script tag, the iframe page, `/frame-host.js` and merchants' own code
 * share these definitions.
 */
import type { CustomerOptions } from "./customer-fields.js";
import type { ErrorCode } from "./errors.js";
import type { PublicOffer } from "./index.js";

export type Outcome = "cancelled" | "saved" | "dismissed" | "error";

/** Failures the widget reports that are not the API's own codes. */
export const WIDGET_ERROR_CODES = [
  /** The request never got an answer (offline, DNS, CORS refused by the browser). */
  "NETWORK_ERROR",
  /** No answer within 3 s. */
  "TIMEOUT",
  /** No public key was given (`data-api-key`, `init({apiKey})` or `key=`). */
  "NOT_CONFIGURED",
  /** `show()` was called without `customerEmail`. */
  "MISSING_EMAIL",
  /** The API answered 2xx with a body the widget cannot read. */
  "BAD_RESPONSE",
  /** The frame (iframe embed or frame host) did not say it was ready within 3 s. */
  "FRAME_TIMEOUT",
  /** The script tag's UI file (`ui.<hash>.js`) failed to load or its SRI check failed. */
  "UI_LOAD_FAILED",
] as const;

/**
 * A stable code in `result.error.code`: the API's code when it answered with one, `HTTP_<status>`
 * when it answered without one, or one of {@link WIDGET_ERROR_CODES}.
 */
export type WidgetErrorCode = ErrorCode | (typeof WIDGET_ERROR_CODES)[number] | `HTTP_${number}`;

export interface WidgetError {
  code: WidgetErrorCode;
  message: string;
  status: number | null;
}

/**
 * The result of `Windback.show()` and `WindbackFrame.mount()`.
 *
 * @example
 * ```js
 * const result = await Windback.show({ customerEmail: "ada@example.com" });
 * // "cancelled" and "error" both mean: go on with the cancellation.
 * if (result.outcome === "cancelled" || result.outcome === "error") cancelSubscription();
 * ```
 */
export interface WidgetResult {
  outcome: Outcome;
  reason: string | null;
  reasonLabel: string | null;
  feedbackText: string | null;
  selectedOffer: PublicOffer | null;
  eventId: string | null;
  error?: WidgetError;
}

/** Observer events of `Windback.on()`; also the frame's message types that carry a result. */
export type WidgetEvent = "submit" | "dismiss" | "offer_accepted";

/** Frame → host. The host checks `event.origin` (the Windback origin) and `event.source`. */
export type FrameToHostMessage =
  | { type: "ready" }
  | { type: "resize"; height: number }
  | { type: WidgetEvent; result: WidgetResult };

/** Host → frame. `options` passes customer details without putting them in the frame URL. */
export type HostToFrameMessage = { type: "ping" } | ({ type: "options" } & CustomerOptions);

/** Every message is wrapped so a page's other postMessage traffic is never mistaken for ours. */
export interface FrameEnvelope<M extends FrameToHostMessage | HostToFrameMessage> {
  windback: M;
}

/** Type names of {@link FrameToHostMessage}. */
export type FrameMessageType = FrameToHostMessage["type"];

/**
 * `Windback.preview(options)`: the real flow UI mounted inline, starting on the offer screen, for
 * showing a merchant an offer before it is saved (the dashboard's Offers screen, docs/design.md §8).
 * It records nothing: its buttons move the flow through its steps without any request.
 */
export interface WidgetPreviewOptions<Container = unknown> {
  /** The element (an `HTMLElement`) the preview is appended to, in its own shadow root. */
  container: Container;
  offer: PublicOffer;
  /** The cancel reason the customer picked; defaults to `other`. */
  reason?: string;
  locale?: string;
  /** `light` (default), `dark` or `auto` (follows `prefers-color-scheme`). */
  theme?: "light" | "dark" | "auto";
  /** Called with the result the host page would receive when the preview's flow ends. */
  onDone?(result: WidgetResult): void;
}

/** What `Windback.preview()` resolves with. */
export interface WidgetPreviewHandle {
  /** Shows another offer or theme in place, on whatever step the preview is on. */
  update(changes: Pick<Partial<WidgetPreviewOptions>, "offer" | "theme">): void;
  /** Back to the offer screen. */
  restart(): void;
  /** Removes the preview from its container. */
  destroy(): void;
}

/** One bundle of the widget's build manifest (`packages/widget/dist/manifest.json`). */
export interface WidgetManifestEntry {
  file: string;
  /** The immutable, content-hashed copy, e.g. `widget.1a2b3c4d.js`. */
  hashedFile: string;
  hash: string;
  /** Subresource Integrity value of the hashed copy, `sha384-…`. */
  integrity: string;
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/**
 * The widget's build manifest, also served at `/dashboard/widget-manifest.json` for the
 * dashboard's SRI-pinned snippet.
 */
export interface WidgetManifest {
  /** The script-tag loader (`widget.js`). */
  widget: WidgetManifestEntry;
  /** The UI the loader fetches with SRI (docs/design.md §14). */
  ui?: WidgetManifestEntry;
  embed?: WidgetManifestEntry;
  "frame-host"?: WidgetManifestEntry;
}
