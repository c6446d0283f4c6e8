/**
 * Iframe entry (dist/embed.js), loaded by the `/embed` page. Renders the same flow inline and
 * talks to the parent page only through postMessage to the parent's exact origin.
 */
import {
  CUSTOMER_FIELDS,
  type CustomerField,
  customerFieldValue,
  type FrameEnvelope,
  type FrameToHostMessage,
  type HostToFrameMessage,
  type WidgetResult,
} from "@windback/protocol";
import { createApiClient } from "./api-client";
import { flowError } from "./core/flow";
import { renderFlow } from "./flow-view";
import { ALL_STRINGS } from "./i18n/all";
import { ENGLISH, resolveLocale } from "./i18n/index";
import { css } from "./mount-shadow";
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

function post(message: FrameToHostMessage): void {
  const envelope: FrameEnvelope<FrameToHostMessage> = { windback: message };
  if (parentOrigin) window.parent.postMessage(envelope, parentOrigin);
}

const customer: ShowOptions = {};

/** Takes each customer field whose value fits the field; a missing or unfit one changes nothing. */
function takeCustomerFields(read: (field: CustomerField) => unknown): void {
  for (const field of CUSTOMER_FIELDS) {
    const value = customerFieldValue(field, read(field));
    if (value !== undefined) (customer as Record<string, unknown>)[field.option] = value;
  }
}

takeCustomerFields((field) => params.get(field.query));
// A customer token (docs/design.md §11) rides in the URL the merchant's page built; the API
// redacts it from its logs.
const token = params.get("token");
if (token) customer.customerToken = token;

const root =
  document.getElementById("windback") ?? document.body.appendChild(document.createElement("div"));
const key = params.get("key");
const theme = params.get("theme");
document.documentElement.style.colorScheme = theme === "dark" ? "dark" : "light dark";
document.body.style.margin = "0";
// The /embed page's CSP allows inline styles, so one <style> element serves every browser.
const style = document.createElement("style");
style.textContent = css + embedCss;
document.head.append(style);

const view = renderFlow({
  container: root,
  client: key ? createApiClient({ apiKey: key, apiBase: location.origin }) : null,
  options: customer,
  strings:
    ALL_STRINGS[resolveLocale(params.get("locale"), document.documentElement.lang)] ?? ENGLISH,
  theme: isTheme(theme) ? theme : "light",
  position: "center",
  mode: "inline",
  testMode: !!key?.startsWith("pub_test_"),
  onDone(result: WidgetResult) {
    post({ type: eventOf(result), result });
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

window.addEventListener("message", (event: MessageEvent) => {
  if (!parentOrigin || event.origin !== parentOrigin || event.source !== window.parent) return;
  // Checked at run time below: the parent is another site's page and may send anything.
  const message = (event.data as Partial<FrameEnvelope<HostToFrameMessage>> | null)?.windback;
  if (!message) return;
  if (message.type === "ping") post({ type: "ready" });
  // Lets the host pass customer details without putting them in the frame URL (and its logs).
  if (message.type === "options") takeCustomerFields((field) => message[field.option]);
});

let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    post({ type: "resize", height });
  }
}).observe(root);

post({ type: "ready" });
