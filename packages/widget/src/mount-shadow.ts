/**
 * Creates the isolated host for the script-tag widget: a `<windback-widget>` element appended to
 * `<body>` with an open shadow root that carries the widget's styles.
 */
import css from "./views/styles.css?inline";

export interface ShadowMount {
  host: HTMLElement;
  /** The element Preact renders into, inside the shadow root. */
  container: HTMLElement;
  destroy(): void;
}

let sheet: CSSStyleSheet | undefined;

/** Constructable sheets are not subject to `style-src`, so a host CSP needs no nonce for them. */
function supportsAdoptedSheets(root: ShadowRoot): boolean {
  return "adoptedStyleSheets" in root && typeof CSSStyleSheet.prototype.replaceSync === "function";
}

export function mountShadow(options: {
  zIndex: number;
  theme: string;
  nonce?: string;
}): ShadowMount {
  const host = document.createElement("windback-widget");
  host.dataset.theme = options.theme;
  // Inline !important beats any author rule, even `* { … !important }` on the host page.
  host.style.cssText = `all:initial!important;position:fixed!important;inset:0!important;z-index:${options.zIndex}!important;display:block!important`;
  const shadow = host.attachShadow({ mode: "open" });
  if (supportsAdoptedSheets(shadow)) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    if (options.nonce) style.nonce = options.nonce;
    style.textContent = css;
    shadow.append(style);
  }
  const container = document.createElement("div");
  shadow.append(container);
  document.body.append(host);
  return { host, container, destroy: () => host.remove() };
}

/** Locks the page behind the dialog from scrolling; the returned function restores it exactly. */
export function lockScroll(): () => void {
  const html = document.documentElement;
  const body = document.body;
  const saved = [html.style.overflow, body.style.overflow, body.style.paddingRight];
  // Keeps the page from shifting sideways when its scrollbar disappears.
  const scrollbar = window.innerWidth - html.clientWidth;
  html.style.overflow = "hidden";
  body.style.overflow = "hidden";
  if (scrollbar > 0) {
    const current = Number.parseFloat(getComputedStyle(body).paddingRight) || 0;
    body.style.paddingRight = `${current + scrollbar}px`;
  }
  return () => {
    [html.style.overflow, body.style.overflow, body.style.paddingRight] = saved as [
      string,
      string,
      string,
    ];
  };
}
