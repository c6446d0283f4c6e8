/**
 * Iframe entry (dist/embed.js), loaded by the `/embed` page. Renders the same flow inline and
 * talks to the parent page only through postMessage to the parent's exact origin.
 */
import type { FrameMessageType } from "@windback/protocol";
import { createApiClient } from "./api-client";
import { type FlowResult, flowError } from "./core/flow";
import { renderFlow } from "./flow-view";
import { ALL_STRINGS } from "./i18n/all";
import { ENGLISH, resolveLocale } from "./i18n/index";
import { applyStyles, css } from "./mount-shadow";
import { eventOf } from "./notify";
import { isTheme, type ShowOptions } from "./options";
import { findParentOrigin } from "./parent-origin";
import embedCss from "./views/embed.css?inline";

const params = new URLSearchParams(location.search);

const parentOrigin = findParentOrigin({
  framed: window.parent !== window,
  ancestorOrigins: location.ancestorOrigins,
  referrer: document.referrer,
  hint: params.get("parent_origin"),
});

function post(type: FrameMessageType, detail: Record<string, unknown> = {}): void {
  if (parentOrigin) window.parent.postMessage({ windback: { type, ...detail } }, parentOrigin);
}

function numberParam(name: string): number | undefined {
  const value = Number(params.get(name));
  return params.has(name) && Number.isFinite(value) ? value : undefined;
}

const customer: ShowOptions = {};
const CUSTOMER_FIELDS: Record<string, keyof ShowOptions> = {
  email: "customerEmail",
  name: "customerName",
  plan: "planName",
  subscription_id: "subscriptionId",
  currency: "currency",
  provider: "provider",
};
for (const [param, field] of Object.entries(CUSTOMER_FIELDS)) {
  const value = params.get(param);
  if (value) (customer as Record<string, unknown>)[field] = value;
}
const mrr = numberParam("mrr");
if (mrr !== undefined) customer.mrr = mrr;

const root =
  document.getElementById("windback") ?? document.body.appendChild(document.createElement("div"));
const key = params.get("key");
const theme = params.get("theme");
document.documentElement.style.colorScheme = theme === "dark" ? "dark" : "light dark";
document.body.style.margin = "0";
applyStyles(document, undefined, css + embedCss);

const view = renderFlow({
  container: root,
  client: key ? createApiClient({ apiKey: key, apiBase: location.origin }) : null,
  options: customer,
  strings:
    ALL_STRINGS[resolveLocale(params.get("locale"), document.documentElement.lang)] ?? ENGLISH,
  theme: isTheme(theme) ? theme : "light",
  position: "center",
  mode: "inline",
  onDone(result: FlowResult) {
    post(eventOf(result), { result });
  },
});

// The server marks a missing, unknown or unverifiable key so the customer sees the way out at once.
const keyStatus = root.dataset.keyStatus;
if (!key || keyStatus === "invalid" || keyStatus === "missing" || keyStatus === "unavailable") {
  view.session.dispatch({
    type: "FAIL",
    error: key
      ? flowError(
          "INVALID_API_KEY",
          `Public key ${keyStatus}`,
          keyStatus === "invalid" ? 401 : null,
        )
      : flowError("NOT_CONFIGURED", "No public key in the embed URL"),
  });
}

const STRING_FIELDS = [
  "customerEmail",
  "customerName",
  "subscriptionId",
  "planName",
  "currency",
  "provider",
];

window.addEventListener("message", (event: MessageEvent) => {
  if (!parentOrigin || event.origin !== parentOrigin || event.source !== window.parent) return;
  const message = (event.data as { windback?: { type?: unknown; [key: string]: unknown } })
    ?.windback;
  if (!message) return;
  if (message.type === "ping") post("ready");
  // Lets the host pass customer details without putting them in the frame URL (and its logs).
  if (message.type === "options") {
    for (const field of STRING_FIELDS) {
      const value = message[field];
      if (typeof value === "string") (customer as Record<string, unknown>)[field] = value;
    }
    for (const field of ["mrr", "tenureDays"] as const) {
      const value = message[field];
      if (typeof value === "number" && Number.isFinite(value)) customer[field] = value;
    }
  }
});

let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    post("resize", { height });
  }
}).observe(root);

post("ready");
