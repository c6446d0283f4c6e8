/**
 * Loads the API's own `/widget.js` once, on demand: only the Offers preview needs it, so it stays
 * out of the dashboard's initial JavaScript. It is served from the dashboard's origin (docs/design.md
 * §8), which the dashboard's CSP (`script-src 'self'`) allows, and it fetches its UI file itself,
 * with SRI (docs/widget.md, "Loader and UI").
 */
import type { WidgetPreviewHandle, WidgetPreviewOptions } from "@windback/protocol";

export type PreviewWidget = (
  options: WidgetPreviewOptions<HTMLElement>,
) => Promise<WidgetPreviewHandle>;

/** The part of the widget's `window.Windback` the dashboard uses. */
interface WidgetGlobal {
  Windback?: { preview?: PreviewWidget };
}

/** `Windback.preview` once widget.js has run, else null. */
function installed(): PreviewWidget | null {
  const api = (window as WidgetGlobal).Windback;
  return typeof api?.preview === "function"
    ? (options) => (api.preview as PreviewWidget)(options)
    : null;
}

let loading: Promise<PreviewWidget> | null = null;

/** Resolves with `Windback.preview`; a failed load is forgotten, so the next call tries again. */
export function loadPreviewWidget(src = "/widget.js"): Promise<PreviewWidget> {
  const ready = installed();
  if (ready) return Promise.resolve(ready);
  loading ??= new Promise<PreviewWidget>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    const fail = () => {
      loading = null;
      script.remove();
      reject(new Error(`${src} did not load`));
    };
    script.onload = () => {
      const preview = installed();
      if (preview) resolve(preview);
      else fail();
    };
    script.onerror = fail;
    document.head.append(script);
  });
  return loading;
}
