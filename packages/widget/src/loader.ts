/**
 * Script-tag entry (dist/widget.js), the small loader of docs/design.md §14: reads its
 * configuration from its own `<script>` tag, installs `window.Windback` (queue, show, on, init,
 * track) and replays calls queued by the snippet. The UI (Preact, styles, translations) is a
 * second, content-hashed file fetched with SRI on idle or at the first `show()`; when it fails
 * or takes longer than 3 s, `show()` resolves `outcome: "error"` so the host goes on cancelling.
 */
import {
  WIDGET_TIMEOUT_MS,
  type WidgetEvent,
  type WidgetPreviewHandle,
  type WidgetPreviewOptions,
  type WidgetResult,
} from "@windback/protocol";
import { createApiClient, createTracker } from "./api-client";
import { errorResult } from "./core/frame-host";
import { callbackOf, eventOf, safeCall } from "./notify";
import type { InitOptions, Position, ShowOptions, Theme } from "./options";
import type { WindbackUi } from "./ui";

type Handler = (result: WidgetResult) => void;

/**
 * The `window.Windback` global.
 *
 * @example
 * ```js
 * const result = await Windback.show({ customerEmail: "ada@example.com" });
 * if (result.outcome === "cancelled" || result.outcome === "error") cancelSubscription();
 * ```
 */
export interface WindbackApi {
  (method: string, ...args: unknown[]): unknown;
  show(options?: ShowOptions): Promise<WidgetResult>;
  showCancelForm(options?: ShowOptions): Promise<WidgetResult>;
  init(options: InitOptions): void;
  /** Adds an observer; returns a function that removes it. */
  on(event: WidgetEvent, handler: Handler): () => void;
  track(event: string, properties?: Record<string, unknown>): void;
  /** Mounts the flow inline on the offer screen, sending nothing (the dashboard's preview). */
  preview(options: WidgetPreviewOptions<HTMLElement>): Promise<WidgetPreviewHandle>;
  version: string;
  q?: ArrayLike<unknown>[];
}

declare global {
  interface Window {
    Windback?: WindbackApi | ((...args: unknown[]) => void);
  }
}

const LOG = "[windback]";
// Captured at evaluation time: document.currentScript is null once this script has finished.
const script = document.currentScript as HTMLScriptElement | null;

/**
 * Where widget.js came from: the default API base and where translations are fetched. No
 * try/catch: a script that runs was fetched from its src, so the src is a valid URL.
 */
const assetBase = script?.src ? new URL(script.src).origin : location.origin;

/** Unknown theme or position values fall back to the defaults at render time. */
function readScriptConfig(): InitOptions {
  const data = script?.dataset ?? {};
  return {
    apiKey: data.apiKey,
    theme: data.theme as Theme,
    position: data.position as Position,
    locale: data.locale,
    apiBase: data.apiBase || assetBase,
  };
}

/**
 * The UI bundle: `window.WindbackUI` once its script ran. The script element carries the build's
 * SRI hash (a changed or truncated file never runs) and the loader's CSP nonce. A failed load is
 * forgotten, so the next `show()` tries again.
 */
let ui: Promise<WindbackUi> | null = null;
export function loadUi(): Promise<WindbackUi> {
  const loaded = window.WindbackUI;
  if (loaded) return Promise.resolve(loaded);
  ui ??= new Promise<WindbackUi>((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = `${assetBase}/${__WINDBACK_UI__.file}`;
    if (__WINDBACK_UI__.integrity) tag.integrity = __WINDBACK_UI__.integrity;
    tag.crossOrigin = "anonymous";
    if (script?.nonce) tag.nonce = script.nonce;
    tag.onload = () => (window.WindbackUI ? resolve(window.WindbackUI) : tag.onerror?.(""));
    tag.onerror = () => {
      ui = null;
      tag.remove();
      reject(new Error("the UI did not load"));
    };
    document.head.append(tag);
  });
  return ui;
}

function install(): WindbackApi {
  const config: InitOptions = readScriptConfig();
  const listeners: Record<WidgetEvent, Set<Handler>> = {
    submit: new Set(),
    dismiss: new Set(),
    offer_accepted: new Set(),
  };
  let current: { promise: Promise<WidgetResult>; focus(): void } | null = null;

  const keyOf = (options: InitOptions) => options.apiKey ?? options.publicKey;
  const tracker = createTracker(() => {
    const apiKey = keyOf(config);
    return apiKey ? createApiClient({ apiKey, apiBase: config.apiBase ?? location.origin }) : null;
  });
  // Warm: fetch the UI (and the page's translation) while the customer reads the page, so the
  // first click opens the dialog at once. Only once the page has loaded and is idle: a slow UI
  // file must never hold the host page's own `load`. A failure here is retried by `show()`.
  const warm = () =>
    (window.requestIdleCallback ?? setTimeout)(() =>
      loadUi().then(
        (loaded) => loaded.preload(config.locale, assetBase),
        () => {},
      ),
    );
  if (document.readyState === "complete") warm();
  else addEventListener("load", warm, { once: true });

  function finish(options: ShowOptions, result: WidgetResult): WidgetResult {
    const event = eventOf(result);
    safeCall(callbackOf(options, event), result);
    for (const handler of listeners[event]) safeCall(handler, result);
    return result;
  }

  function show(options: ShowOptions = {}): Promise<WidgetResult> {
    if (current) {
      current.focus();
      return current.promise;
    }
    const merged: InitOptions = { ...config, ...options };
    if (!keyOf(merged)) {
      console.error(`${LOG} no data-api-key or init({ apiKey })`);
      return Promise.resolve(finish(merged, errorResult("NOT_CONFIGURED", "No public key")));
    }
    const opener = document.activeElement as HTMLElement | null;
    let focus = () => {};
    // Settled once: by the dialog's result, or by the 3 s rule / a failed load before it opened.
    let settled = false;
    const promise = new Promise<WidgetResult>((resolve) => {
      const end = (result: WidgetResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        current = null;
        resolve(finish(merged, result));
      };
      const timer = setTimeout(() => {
        // A hanging UI request is not waited for again: the next show() starts a fresh one.
        if (!window.WindbackUI) ui = null;
        end(errorResult("TIMEOUT", `The widget did not open within ${WIDGET_TIMEOUT_MS} ms`));
      }, WIDGET_TIMEOUT_MS);
      loadUi().then(
        (loaded) =>
          loaded.open({
            options: merged,
            assetBase,
            onOpen(focusDialog) {
              if (settled) return false;
              clearTimeout(timer);
              focus = focusDialog;
              return true;
            },
            onDone(result) {
              end(result);
              if (opener?.isConnected) opener.focus();
            },
          }),
        (error: Error) => {
          console.error(`${LOG} ${error.message}`);
          end(errorResult("UI_LOAD_FAILED", error.message));
        },
      );
    });
    current = { promise, focus: () => focus() };
    return promise;
  }

  const methods = {
    show,
    showCancelForm: show,
    init(options: InitOptions) {
      Object.assign(config, options);
    },
    on(event: WidgetEvent, handler: Handler) {
      // Unknown event names are ignored rather than thrown: the host page must never break.
      listeners[event]?.add(handler);
      return () => listeners[event]?.delete(handler);
    },
    track(event: string, properties?: Record<string, unknown>) {
      if (!event) return;
      tracker.push({
        event,
        ...(properties && { properties }),
        ...(config.customerEmail && { customer_email: config.customerEmail }),
        occurred_at: new Date().toISOString(),
      });
    },
    // No 3 s rule here: a preview blocks nobody, and a failed UI load rejects for the page to show.
    preview: (options: WidgetPreviewOptions<HTMLElement>) =>
      loadUi().then((loaded) => loaded.preview(options, assetBase)),
    version: __WINDBACK_VERSION__,
  };

  // Callable too, so the queue-stub style `Windback("show", {...})` keeps working after load.
  const api = ((method: string, ...args: unknown[]) => {
    const fn = (methods as Record<string, unknown>)[method];
    if (typeof fn === "function") return fn(...args);
    console.error(`${LOG} unknown method "${method}"`);
    return undefined;
  }) as WindbackApi;
  return Object.assign(api, methods);
}

const existing = window.Windback as Partial<WindbackApi> | undefined;
if (!existing?.version) {
  const queued = existing?.q ?? [];
  const api = install();
  window.Windback = api;
  for (const args of queued) api(...(Array.from(args) as [string, ...unknown[]]));
}
