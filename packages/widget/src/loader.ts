/**
 * Script-tag entry (dist/widget.js). Reads its configuration from its own `<script>` tag,
 * installs `window.Windback` and replays calls queued by the snippet before it loaded.
 */
import { createApiClient, createTracker } from "./api-client";
import type { FlowResult } from "./core/flow";
import { renderFlow } from "./flow-view";
import { resolveLocale } from "./i18n/index";
import { lockScroll, mountShadow } from "./mount-shadow";
import { callbackOf, eventOf, safeCall, type WidgetEvent } from "./notify";
import { type InitOptions, isPosition, isTheme, type ShowOptions } from "./options";

type Handler = (result: FlowResult) => void;

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
  show(options?: ShowOptions): Promise<FlowResult>;
  showCancelForm(options?: ShowOptions): Promise<FlowResult>;
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

function readScriptConfig(): InitOptions {
  const data = script?.dataset ?? {};
  let apiBase = data.apiBase;
  if (!apiBase) {
    try {
      apiBase = new URL(script?.src ?? "", location.href).origin;
    } catch {
      apiBase = location.origin;
    }
  }
  return {
    ...(data.apiKey && { apiKey: data.apiKey }),
    ...(isTheme(data.theme) && { theme: data.theme }),
    ...(isPosition(data.position) && { position: data.position }),
    ...(data.locale && { locale: data.locale }),
    apiBase,
  };
}

function errorResult(code: string, message: string): FlowResult {
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

function install(): WindbackApi {
  const config: InitOptions = readScriptConfig();
  const listeners: Record<WidgetEvent, Set<Handler>> = {
    submit: new Set(),
    dismiss: new Set(),
    offer_accepted: new Set(),
  };
  let current: { promise: Promise<FlowResult>; focus(): void } | null = null;

  const keyOf = (options: InitOptions) => options.apiKey ?? options.publicKey;
  const clientFor = (options: InitOptions) => {
    const apiKey = keyOf(options);
    return apiKey ? createApiClient({ apiKey, apiBase: options.apiBase ?? location.origin }) : null;
  };
  const tracker = createTracker(() => clientFor(config));

  function finish(options: ShowOptions, result: FlowResult): FlowResult {
    const event = eventOf(result);
    safeCall(callbackOf(options, event), result);
    for (const handler of listeners[event]) safeCall(handler, result);
    return result;
  }

  function show(options: ShowOptions = {}): Promise<FlowResult> {
    if (current) {
      current.focus();
      return current.promise;
    }
    const merged: InitOptions = { ...config, ...options };
    const client = clientFor(merged);
    if (!client) {
      console.error(`${LOG} no public key: set data-api-key or call Windback.init({ apiKey })`);
      const result = errorResult("NOT_CONFIGURED", "No Windback public key is configured");
      return Promise.resolve(finish(merged, result));
    }
    const opener = document.activeElement as HTMLElement | null;
    const theme = merged.theme ?? "light";
    const mount = mountShadow({
      zIndex: merged.zIndex ?? 2147483000,
      theme,
      ...(merged.nonce && { nonce: merged.nonce }),
    });
    const unlock = lockScroll();
    let focus = () => {};
    const promise = new Promise<FlowResult>((resolve) => {
      const view = renderFlow({
        container: mount.container,
        client,
        options: merged,
        locale: resolveLocale(merged.locale, document.documentElement.lang),
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
    });
    current = { promise, focus };
    return promise;
  }

  const methods = {
    show,
    showCancelForm: show,
    init(options: InitOptions) {
      Object.assign(config, options);
    },
    on(event: WidgetEvent, handler: Handler) {
      const set = listeners[event];
      if (!set || typeof handler !== "function") {
        console.error(`${LOG} unknown event "${String(event)}"`);
        return () => {};
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    track(event: string, properties?: Record<string, unknown>) {
      if (typeof event !== "string" || !event) return;
      tracker.push({
        event,
        ...(properties && { properties }),
        ...(config.customerEmail && { customer_email: config.customerEmail }),
        occurred_at: new Date().toISOString(),
      });
    },
    version: "__VERSION__",
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
  for (const args of Array.from(queued)) {
    const [method, ...rest] = Array.from(args);
    api(String(method), ...rest);
  }
}
