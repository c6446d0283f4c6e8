/**
 * Frame-host entry (dist/frame-host.js): the host-page half of the iframe embed
 * (docs/design.md §3.3). Dependency-free: it creates the `/embed` frame, listens to it and
 * resolves with its result; the flow itself runs inside the frame.
 */
import { WIDGET_TIMEOUT_MS, type WidgetResult } from "@windback/protocol";
import {
  clampHeight,
  embedUrl,
  errorResult,
  type FrameMountOptions,
  readFrameMessage,
} from "./core/frame-host";

/**
 * The `window.WindbackFrame` global.
 *
 * @example
 * ```js
 * const result = await WindbackFrame.mount(document.getElementById("cancel-flow"), {
 *   apiKey: "pub_…",
 *   customerEmail: "ada@example.com",
 * });
 * // "cancelled" and "error" both mean: go on with the cancellation.
 * if (result.outcome === "cancelled" || result.outcome === "error") cancelSubscription();
 * ```
 */
export interface WindbackFrameApi {
  /**
   * Appends the flow's frame to `container` and resolves with its result, once, when the
   * customer is done; the frame is then removed. While a frame is open, a second call returns
   * the same promise.
   */
  mount(container: HTMLElement, options: FrameMountOptions): Promise<WidgetResult>;
  version: string;
}

declare global {
  interface Window {
    WindbackFrame?: WindbackFrameApi;
  }
}

// Captured at evaluation time: document.currentScript is null once this script has finished.
const script = document.currentScript as HTMLScriptElement | null;
/** Where frame-host.js came from: the default Windback server (its src is a valid URL: it ran). */
const scriptOrigin = script?.src ? new URL(script.src).origin : location.origin;

let open: Promise<WidgetResult> | null = null;

/** A call Windback cannot act on still resolves (never rejects), so the host goes on cancelling. */
function misconfigured(message: string): Promise<WidgetResult> {
  console.error(`[windback] ${message}`);
  return Promise.resolve(errorResult("NOT_CONFIGURED", message));
}

function mount(container: HTMLElement, options: FrameMountOptions): Promise<WidgetResult> {
  if (open) return open;
  if (typeof container?.append !== "function") {
    return misconfigured("WindbackFrame.mount needs a container element");
  }
  if (!options?.apiKey) return misconfigured("WindbackFrame.mount needs { apiKey }");
  const apiBase = options.apiBase || scriptOrigin;
  let origin: string;
  try {
    origin = new URL(apiBase).origin;
  } catch {
    return misconfigured(`apiBase is not a URL: ${apiBase}`);
  }

  const opener = document.activeElement as HTMLElement | null;
  const frame = document.createElement("iframe");
  frame.title = "Cancel subscription";
  frame.src = embedUrl(options, apiBase, location.origin);
  // A good fit in any container (the flow is designed at 480 px at most); the height follows
  // the flow. Inline, so a page that wants another size sets it with !important.
  frame.style.cssText = "display:block;width:100%;max-width:480px;border:0";

  open = new Promise<WidgetResult>((resolve) => {
    let height = 0;
    const fit = () => {
      if (height) frame.style.height = `${clampHeight(height, innerHeight)}px`;
    };
    // Fail open: a frame that is blocked, slow or never loads must not keep anyone from cancelling.
    const timer = setTimeout(
      () =>
        finish(
          errorResult("FRAME_TIMEOUT", `The frame was not ready within ${WIDGET_TIMEOUT_MS} ms`),
        ),
      WIDGET_TIMEOUT_MS,
    );
    const onMessage = (event: MessageEvent) => {
      const message = readFrameMessage(event, { origin, window: frame.contentWindow });
      if (!message) return;
      if (message.type === "ready") {
        clearTimeout(timer);
        frame.focus();
      } else if (message.type === "resize") {
        height = message.height;
        fit();
      } else {
        finish(message.result);
      }
    };
    function finish(result: WidgetResult) {
      clearTimeout(timer);
      removeEventListener("message", onMessage);
      removeEventListener("resize", fit);
      frame.remove();
      open = null;
      if (opener?.isConnected) opener.focus();
      resolve(result);
    }
    addEventListener("message", onMessage);
    addEventListener("resize", fit);
    container.append(frame);
  });
  return open;
}

if (!window.WindbackFrame?.version) {
  window.WindbackFrame = { mount, version: __WINDBACK_VERSION__ };
}
