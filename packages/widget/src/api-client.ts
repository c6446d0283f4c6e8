/**
 * The widget's only door to the Windback API. Every call resolves to `{ok:true,data}` or
 * `{ok:false,error}` and never throws, so the flow can always fall through to "error" and let
 * the customer cancel.
 */
import type {
  CancelFlowAcceptRequest,
  CancelFlowDeclineRequest,
  CancelFlowSubmitRequest,
  CancelFlowSubmitResponse,
  TrackEvent,
} from "@windback/protocol";
import type { FlowError } from "./core/flow";

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: FlowError };

export interface ApiClientOptions {
  apiBase: string;
  apiKey: string;
  /** DESIGN §3.4: no answer within 3 s counts as a failure. */
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
  const timeoutMs = options.timeoutMs ?? 3000;

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
        credentials: "omit",
        mode: "cors",
      });
      const payload: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const apiError = payload as { error?: unknown; code?: unknown } | null;
        return {
          ok: false,
          error: {
            code: typeof apiError?.code === "string" ? apiError.code : `HTTP_${response.status}`,
            message:
              typeof apiError?.error === "string"
                ? apiError.error
                : `Request failed with status ${response.status}`,
            status: response.status,
          },
        };
      }
      return { ok: true, data: payload as T };
    } catch (cause) {
      return {
        ok: false,
        error: timedOut
          ? { code: "TIMEOUT", message: `No answer within ${timeoutMs} ms`, status: null }
          : {
              code: "NETWORK_ERROR",
              message: cause instanceof Error ? cause.message : "Network error",
              status: null,
            },
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

const MAX_BATCH = 100; // DESIGN §2.6: /track accepts at most 100 events per request.

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
    for (let i = 0; i < batch.length; i += MAX_BATCH) {
      void client.track(batch.slice(i, i + MAX_BATCH), keepalive);
    }
  }

  if (typeof window !== "undefined") {
    window.addEventListener("pagehide", () => flush(true));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") flush(true);
    });
  }

  return {
    push(event) {
      queue.push(event);
      if (queue.length >= 20) flush();
      else timer ??= setTimeout(() => flush(), delayMs);
    },
    flush,
  };
}
