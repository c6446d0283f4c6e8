/**
 * The script tag's UI bundle (dist/ui.<hash>.js, docs/design.md §14): Preact, the flow, the
 * styles and the translations. widget.js (the loader) fetches it with SRI on idle or at the
 * first `show()`, then calls `window.WindbackUI.open()` (or `preview()`); this file installs
 * nothing else.
 */
import type { WidgetPreviewHandle, WidgetPreviewOptions, WidgetResult } from "@windback/protocol";
import { type ApiClient, createApiClient } from "./api-client";
import { type FlowViewOptions, renderFlow } from "./flow-view";
import { resolveLocale } from "./i18n/index";
import { loadStrings } from "./i18n/remote";
import { lockScroll, mountShadow } from "./mount-shadow";
import type { InitOptions } from "./options";

/** What the loader hands over for one `show()`. */
export interface UiContext {
  /** The merged init and show options; `apiKey` (or `publicKey`) is set. */
  options: InitOptions;
  /** Where widget.js came from: translations are fetched from there. */
  assetBase: string;
  /**
   * Called right before the dialog mounts, with its focus function. False means the loader gave
   * up waiting (the 3 s rule) and already resolved `error`: nothing is mounted then.
   */
  onOpen(focus: () => void): boolean;
  onDone(result: WidgetResult): void;
}

export interface WindbackUi {
  open(context: UiContext): void;
  preview(
    options: WidgetPreviewOptions<HTMLElement>,
    assetBase: string,
  ): Promise<WidgetPreviewHandle>;
  /** Fetches the page's translation ahead of the first `show()`. */
  preload(locale: string | undefined, assetBase: string): void;
  version: string;
}

declare global {
  interface Window {
    WindbackUI?: WindbackUi;
  }
}

const localeOf = (locale: string | undefined) =>
  resolveLocale(locale, document.documentElement.lang);

function open({ options, assetBase, onOpen, onDone }: UiContext): void {
  const theme = options.theme ?? "light";
  const apiKey = (options.apiKey ?? options.publicKey) as string;
  void loadStrings(localeOf(options.locale), assetBase).then((strings) => {
    let focus = () => {};
    if (!onOpen(() => focus())) return;
    const mount = mountShadow({
      zIndex: options.zIndex ?? 2147483000,
      theme,
      ...(options.nonce && { nonce: options.nonce }),
    });
    const unlock = lockScroll();
    const view = renderFlow({
      container: mount.container,
      client: createApiClient({ apiKey, apiBase: options.apiBase ?? location.origin }),
      options,
      strings,
      theme,
      position: options.position ?? "center",
      mode: "modal",
      testMode: apiKey.startsWith("pub_test_"),
      onDone(result) {
        view.unmount();
        mount.destroy();
        unlock();
        onDone(result);
      },
    });
    focus = view.focus;
  });
}

/**
 * `Windback.preview()`: the same flow, inline in the given element and starting on the offer
 * screen. Its client answers every call locally (no request, so nothing is recorded), which lets
 * the preview's buttons walk through the real steps.
 */
function preview(
  options: WidgetPreviewOptions<HTMLElement>,
  assetBase: string,
): Promise<WidgetPreviewHandle> {
  let { offer } = options;
  return loadStrings(localeOf(options.locale), assetBase).then((strings) => {
    const theme = options.theme ?? "light";
    const mount = mountShadow({ theme, parent: options.container });
    const answer = () =>
      Promise.resolve({ ok: true, data: { success: true, event_id: "preview", offer } } as const);
    const start = () =>
      ({ step: "offer", reason: options.reason ?? "other", offer, eventId: "preview" }) as const;
    const view: FlowViewOptions = {
      container: mount.container,
      client: { submit: answer, acceptOffer: answer, decline: answer, track: answer } as ApiClient,
      options: {},
      strings,
      theme,
      position: "center",
      mode: "preview",
      start: start(),
      onDone: (result) => options.onDone?.(result),
    };
    let flow = renderFlow(view);
    return {
      update(changes) {
        offer = changes.offer ?? offer;
        view.theme = changes.theme ?? view.theme;
        flow.session.state = { ...flow.session.state, offer };
      },
      restart() {
        flow.unmount();
        view.start = start();
        flow = renderFlow(view);
      },
      destroy() {
        flow.unmount();
        mount.destroy();
      },
    };
  });
}

window.WindbackUI ??= {
  open,
  preview,
  preload: (locale, assetBase) => void loadStrings(localeOf(locale), assetBase),
  version: __WINDBACK_VERSION__,
};
