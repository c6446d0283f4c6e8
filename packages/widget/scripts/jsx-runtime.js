// Build-only stand-in for preact/jsx-runtime: the automatic JSX transform's calls routed to
// Preact's createElement, which the bundle carries anyway. Saves ~200 gzip bytes of widget.js.
import { createElement, Fragment } from "preact";

export { Fragment };

export function jsx(type, props, key) {
  return createElement(type, key === undefined ? props : { ...props, key });
}

export { jsx as jsxDEV, jsx as jsxs };
