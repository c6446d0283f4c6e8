/**
 * The embed snippets of the Install screen (docs/design.md §3, docs/widget.md), filled with the
 * server's origin and the project's public key. Values are escaped for the HTML attribute or the
 * JavaScript string they land in, so a pasted snippet is always well-formed.
 */
import type { WidgetManifestEntry } from "@windback/protocol";

/** Shown instead of a key the browser does not know (Windback keeps only a hash of each key). */
export const KEY_PLACEHOLDER = "pub_YOUR_PUBLIC_KEY";

const escapeAttribute = (value: string) =>
  value.replace(
    /[&"<>]/g,
    (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c] ?? c,
  );

/** A JSON string literal that is also safe inside an inline `<script>`. */
const jsString = (value: string) => JSON.stringify(value).replace(/</g, "\\u003c");

export interface SnippetInput {
  /** The Windback server's origin, e.g. `https://windback.example.com`. */
  origin: string;
  /** The raw public key, or null to show the placeholder. */
  publicKey: string | null;
}

const keyOf = (input: SnippetInput) => input.publicKey ?? KEY_PLACEHOLDER;
const originOf = (input: SnippetInput) => input.origin.replace(/\/+$/, "");

const QUEUE_STUB =
  "<script>\n" +
  "  // Calls made before widget.js has loaded are queued and replayed once it has.\n" +
  "  window.Windback = window.Windback || function () { (Windback.q = Windback.q || []).push(arguments); };\n" +
  "</script>";

const SHOW_EXAMPLE =
  "<script>\n" +
  '  document.getElementById("cancel-button").addEventListener("click", async (event) => {\n' +
  "    // Without widget.js (blocked, offline) the link keeps working: Windback never blocks cancelling.\n" +
  "    if (!window.Windback || !Windback.version) return;\n" +
  "    event.preventDefault();\n" +
  "    const cancelUrl = event.currentTarget.href;\n" +
  '    const result = await Windback.show({ customerEmail: "customer@example.com" });\n' +
  '    // "cancelled" and "error" both mean: go on with the cancellation.\n' +
  '    if (result.outcome === "cancelled" || result.outcome === "error") location.assign(cancelUrl);\n' +
  "  });\n" +
  "</script>";

/** §3.1: the script tag, the queue stub and a cancel button that calls `Windback.show`. */
export function scriptTagSnippet(input: SnippetInput): string {
  return [
    QUEUE_STUB,
    `<script src="${escapeAttribute(`${originOf(input)}/widget.js`)}" data-api-key="${escapeAttribute(keyOf(input))}" async></script>`,
    "",
    '<a id="cancel-button" href="/billing/cancel">Cancel subscription</a>',
    SHOW_EXAMPLE,
  ].join("\n");
}

/**
 * The script tag pinned to one build with Subresource Integrity. The server keeps only the current
 * hashed file, so this snippet must be updated with every Windback upgrade (docs/widget.md).
 */
export function pinnedScriptTagSnippet(input: SnippetInput, widget: WidgetManifestEntry): string {
  return [
    QUEUE_STUB,
    "<script",
    `  src="${escapeAttribute(`${originOf(input)}/${widget.hashedFile}`)}"`,
    `  integrity="${escapeAttribute(widget.integrity)}"`,
    '  crossorigin="anonymous"',
    `  data-api-key="${escapeAttribute(keyOf(input))}"`,
    "  async",
    "></script>",
  ].join("\n");
}

/** §3.3: the iframe embed; the page's customer email goes in `email=`. */
export function iframeSnippet(input: SnippetInput): string {
  const params = new URLSearchParams({ key: keyOf(input), email: "customer@example.com" });
  const src = `${originOf(input)}/embed?${params.toString()}`;
  return [
    "<iframe",
    `  src="${escapeAttribute(src)}"`,
    '  title="Cancel subscription"',
    '  style="width: 100%; max-width: 32rem; min-height: 30rem; border: 0"',
    "></iframe>",
  ].join("\n");
}

/** §3.3: the frame host, which creates the iframe and resolves with the widget's result. */
export function frameHostSnippet(input: SnippetInput): string {
  return [
    '<div id="cancel-flow"></div>',
    `<script src="${escapeAttribute(`${originOf(input)}/frame-host.js`)}"></script>`,
    "<script>",
    '  WindbackFrame.mount(document.getElementById("cancel-flow"), {',
    `    apiKey: ${jsString(keyOf(input))},`,
    '    customerEmail: "customer@example.com",',
    "  }).then((result) => {",
    '    // "cancelled" and "error" both mean: go on with the cancellation.',
    '    if (result.outcome === "cancelled" || result.outcome === "error") {',
    "      // cancel the subscription here",
    "    }",
    "  });",
    "</script>",
  ].join("\n");
}

/** Shown instead of a secret's id when the project has no active customer-token secret. */
export const SECRET_ID_PLACEHOLDER = "YOUR_SECRET_ID";

/**
 * §11: the merchant's server mints an HS256 customer token with `jose` (the HMAC key is the
 * secret string as UTF-8; the header's `kid` is the secret's id) and hands it to the page, which
 * passes it to `Windback.show({customerToken})`. Needs nothing but `npm install jose`.
 */
export function customerTokenSnippet(secretId: string | null): string {
  return [
    "// Node (npm install jose). Keep the secret (wbct_…) in an environment variable.",
    'import { SignJWT } from "jose";',
    "",
    "const secret = new TextEncoder().encode(process.env.WINDBACK_CUSTOMER_TOKEN_SECRET);",
    "",
    "/** A token for the signed-in customer on your cancel page, valid for one hour (at most 24). */",
    "export function windbackCustomerToken(customer) {",
    "  return new SignJWT({",
    "    email: customer.email, // required",
    "    name: customer.name,",
    "    plan: customer.planName,",
    "    mrr: customer.mrrCents, // integer cents",
    "    currency: customer.currency,",
    "  })",
    `    .setProtectedHeader({ alg: "HS256", kid: ${jsString(secretId ?? SECRET_ID_PLACEHOLDER)} })`,
    "    .setSubject(String(customer.id))",
    "    .setIssuedAt()",
    '    .setExpirationTime("1h")',
    "    .sign(secret);",
    "}",
    "",
    "// In the cancel page your server renders:",
    "//   Windback.show({ customerToken: <the token>, customerEmail: customer.email })",
  ].join("\n");
}
