/**
 * Creates the isolated host for the script-tag widget: a `<windback-widget>` element appended to
 * `<body>` (or, for a preview, to the given element, in the page's flow) with an open shadow root
 * that carries the widget's styles.
 */
import css from "./views/styles.css?inline";

export { css };

export interface ShadowMount {
  /** The element Preact renders into, inside the shadow root. */
  container: HTMLElement;
  destroy(): void;
}

/**
 * Puts the widget's CSS into its shadow root. A constructable sheet is not subject to
 * `style-src`, so a strict host CSP needs nothing; the `<style>` fallback carries the nonce.
 */
function applyStyles(target: ShadowRoot, nonce?: string): void {
  if ("adoptedStyleSheets" in target && typeof CSSStyleSheet.prototype.replaceSync === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement("style");
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  target.append(style);
}

export function mountShadow(options: {
  zIndex?: number;
  theme: string;
  nonce?: string | undefined;
  parent?: HTMLElement;
}): ShadowMount {
  const { parent } = options;
  const host = document.createElement("windback-widget");
  host.dataset.theme = options.theme;
  // Inline !important beats any author rule, even `* { … !important }` on the host page.
  host.style.cssText = `all:initial!important;display:block!important${parent ? "" : `;position:fixed!important;inset:0!important;z-index:${options.zIndex}!important`}`;
  const shadow = host.attachShadow({ mode: "open" });
  applyStyles(shadow, options.nonce);
  const container = document.createElement("div");
  shadow.append(container);
  (parent ?? document.body).append(host);
  return { container, destroy: () => host.remove() };
}

/** Locks the page behind the dialog from scrolling; the returned function restores it exactly. */
export function lockScroll(): () => void {
  const saved = [document.documentElement.style, document.body.style].map(
    (style) => [style, style.overflow] as const,
  );
  for (const [style] of saved) style.overflow = "hidden";
  return () => {
    for (const [style, overflow] of saved) style.overflow = overflow;
  };
}
