/**
 * The widget's only door to the Windback API. Every call resolves to `{ok:true,data}` or
 * `{ok:false,error}` and never throws, so the flow can always fall through to "error" and let
 * the customer cancel.
 */
import {
  type CancelFlowAcceptRequest,
  type CancelFlowDeclineRequest,
  type CancelFlowSubmitRequest,
  type CancelFlowSubmitResponse,
  type TrackEvent,
  WIDGET_TIMEOUT_MS,
  type WidgetError,
  type WidgetErrorCode,
} from "@windback/protocol";
import { flowError } from "./core/flow";

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: WidgetError };

export interface ApiClientOptions {
  apiBase: string;
  apiKey: string;
  /** docs/design.md §3.4: no answer within 3 s (`WIDGET_TIMEOUT_MS`) counts as a failure. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ApiClient {
  submit(body: CancelFlowSubmitRequest): Promise<ApiResult<CancelFlowSubmitResponse>>;
  acceptOffer(body: CancelFlowAcceptRequest): Promise<ApiResult<{ success: true }>>;
  decline(body: CancelFlowDeclineRequest): Promise<ApiResult<{ success: true }>>;
  /** `keepalive` lets the request outlive the page (used when flushing on `pagehide`). */
  track(events: TrackEvent[], keepalive?: boolean): Promise<ApiResult<unknown>>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.apiBase.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? WIDGET_TIMEOUT_MS;

  async function post<T>(path: string, body: unknown, keepalive = false): Promise<ApiResult<T>> {
    const doFetch = options.fetch ?? globalThis.fetch;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await doFetch(`${base}/api/v1${path}`, {
        method: "POST",
        // sendBeacon cannot carry X-API-Key, so page-hide flushes use keepalive fetch instead.
        headers: { "Content-Type": "application/json", "X-API-Key": options.apiKey },
        body: JSON.stringify(body),
        signal: controller.signal,
        keepalive,
      });
      const payload: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const apiError = payload as { error?: unknown; code?: unknown } | null;
        // The API's own code when it sent one; anything else is reported as HTTP_<status>.
        const code = `${apiError?.code ?? `HTTP_${response.status}`}` as WidgetErrorCode;
        return { ok: false, error: flowError(code, `${apiError?.error ?? code}`, response.status) };
      }
      return { ok: true, data: payload as T };
    } catch (cause) {
      return {
        ok: false,
        error: timedOut
          ? flowError("TIMEOUT", `No answer within ${timeoutMs} ms`)
          : flowError("NETWORK_ERROR", `${(cause as Error)?.message ?? cause}`),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    submit: (body) => post("/cancel-flow/submit", body),
    acceptOffer: (body) => post("/cancel-flow/accept-offer", body),
    decline: (body) => post("/cancel-flow/decline", body),
    track: (events, keepalive) => post("/track", { events }, keepalive),
  };
}

export interface Tracker {
  push(event: TrackEvent): void;
  flush(keepalive?: boolean): void;
}

// Flushing at 20 keeps every request well under /track's 100-event cap (docs/design.md §2.6).
const MAX_QUEUE = 20;

/**
 * Batches `track` calls: flushed after a short delay, at 20 events, and with a keepalive request
 * when the page is hidden or unloaded, so the last events of a session are not lost.
 */
export function createTracker(getClient: () => ApiClient | null, delayMs = 2000): Tracker {
  let queue: TrackEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(keepalive = false): void {
    clearTimeout(timer);
    timer = undefined;
    const client = getClient();
    if (!client || queue.length === 0) return;
    const batch = queue;
    queue = [];
    void client.track(batch, keepalive);
  }

  // Only the script-tag bundle creates a tracker, and it always runs in a browser.
  window.addEventListener("pagehide", () => flush(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush(true);
  });

  return {
    push(event) {
      queue.push(event);
      if (queue.length >= MAX_QUEUE) flush();
      else timer ??= setTimeout(() => flush(), delayMs);
    },
    flush,
  };
}
