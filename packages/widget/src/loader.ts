/**
 * Script-tag entry (dist/widget.js). Reads its configuration from its own `<script>` tag,
 * installs `window.Windback` and replays calls queued by the snippet before it loaded.
 */
import type { WidgetEvent, WidgetResult } from "@windback/protocol";
import { createApiClient, createTracker } from "./api-client";
import { flowError, initialState, reduce, resultOf } from "./core/flow";
import { renderFlow } from "./flow-view";
import { resolveLocale } from "./i18n/index";
import { loadStrings } from "./i18n/remote";
import { lockScroll, mountShadow } from "./mount-shadow";
import { callbackOf, eventOf, safeCall } from "./notify";
import type { InitOptions, Position, ShowOptions, Theme } from "./options";

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

function install(): WindbackApi {
  const config: InitOptions = readScriptConfig();
  const listeners: Record<WidgetEvent, Set<Handler>> = {
    submit: new Set(),
    dismiss: new Set(),
    offer_accepted: new Set(),
  };
  let current: { promise: Promise<WidgetResult>; focus(): void } | null = null;

  const keyOf = (options: InitOptions) => options.apiKey ?? options.publicKey;
  const clientFor = (options: InitOptions) => {
    const apiKey = keyOf(options);
    return apiKey ? createApiClient({ apiKey, apiBase: options.apiBase ?? location.origin }) : null;
  };
  const tracker = createTracker(() => clientFor(config));
  // Fetched now so the dialog opens without waiting when the customer clicks.
  void loadStrings(resolveLocale(config.locale, document.documentElement.lang), assetBase);

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
    const client = clientFor(merged);
    if (!client) {
      console.error(`${LOG} no data-api-key or init({ apiKey })`);
      const error = flowError("NOT_CONFIGURED", "No public key");
      // Failed, then left: the machine's own way to an `error` result.
      const state = reduce(initialState([]), { type: "FAIL", error });
      return Promise.resolve(finish(merged, resultOf(reduce(state, { type: "DISMISS" }))));
    }
    const opener = document.activeElement as HTMLElement | null;
    const theme = merged.theme ?? "light";
    const locale = resolveLocale(merged.locale, document.documentElement.lang);
    let focus = () => {};
    const promise = loadStrings(locale, assetBase).then(
      (strings) =>
        new Promise<WidgetResult>((resolve) => {
          const mount = mountShadow({
            zIndex: merged.zIndex ?? 2147483000,
            theme,
            ...(merged.nonce && { nonce: merged.nonce }),
          });
          const unlock = lockScroll();
          const view = renderFlow({
            container: mount.container,
            client,
            options: merged,
            strings,
            theme,
            position: merged.position ?? "center",
            mode: "modal",
            onDone(result) {
              view.unmount();
              mount.destroy();
              unlock();
              current = null;
              if (opener?.isConnected) opener.focus();
              resolve(finish(merged, result));
            },
          });
          focus = view.focus;
        }),
    );
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
