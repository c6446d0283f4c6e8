import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mintCustomerToken } from "./customer-token.js";
import type { DemoTokenSecret } from "./seed.js";

export interface DemoServerOptions {
  /** The Windback API's base URL, e.g. http://localhost:8787. */
  apiUrl: string;
  /** The project's public key (pub_…) the pages embed. */
  publicKey: string;
  port: number;
  host?: string;
  /**
   * The project's customer-token secret: `GET /customer-token` mints the signed-in customer's
   * token with it. Without one that route answers 404 and the pages show the flow unverified.
   */
  customerTokenSecret?: DemoTokenSecret;
}

/** The demo's stand-in for a sign-in: the billing page's `?email=` customer, kept in a cookie. */
const CUSTOMER_COOKIE = "acme_customer";
const DEFAULT_CUSTOMER = "ada@example.com";
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}$/;

function cookieCustomer(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CUSTOMER_COOKIE) {
      const email = decodeURIComponent(value.join("="));
      return EMAIL.test(email) ? email : null;
    }
  }
  return null;
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "public");

/** The billing page in its three variants: one layout (billing.html), different fragments. */
interface BillingVariant {
  note: string;
  /** Files in public/fragments/ for the layout's slots. */
  fragments: { head?: string; "body-start"?: string; "body-end": string };
}

const SCRIPT_TAG_NOTE =
  "This is a demo SaaS page. “Cancel subscription” opens the Windback widget, loaded with one script tag from the Windback API on another origin.";

const BILLING_PAGES: Record<string, BillingVariant> = {
  "/": { note: SCRIPT_TAG_NOTE, fragments: { "body-end": "script-tag.html" } },
  "/index.html": { note: SCRIPT_TAG_NOTE, fragments: { "body-end": "script-tag.html" } },
  "/hostile.html": {
    note: "Hostile CSS page: the widget must look exactly as it does on the clean page.",
    fragments: {
      head: "hostile-head.html",
      "body-start": "hostile-header.html",
      "body-end": "script-tag.html",
    },
  },
  "/iframe.html": {
    note: "The same flow through the iframe embed: the frame is served by the Windback API, and the API's frame-host.js hosts it on this page (postMessage only).",
    fragments: { "body-end": "iframe-embed.html" },
  },
};
const PAGES: Record<string, string> = { "/cancel": "cancel.html" };
const ASSETS: Record<string, string> = {
  "/demo.css": "text/css; charset=utf-8",
  "/demo.js": "text/javascript; charset=utf-8",
};

/** Only these values reach the page templates, so a query string cannot inject markup. */
const CHOICES: Record<string, readonly string[]> = {
  theme: ["light", "dark", "auto"],
  position: ["center", "bottom-right", "bottom-left"],
  lang: ["en", "fr", "de", "es", "ar"],
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) =>
    escapeHtml(values[name] ?? ""),
  );
}

const readPublic = (file: string) => readFile(join(PUBLIC_DIR, file), "utf8");

/** Fills the layout's `<!--slot:…-->` comments with trusted fragments, before placeholders. */
async function billingTemplate(variant: BillingVariant): Promise<string> {
  let html = (await readPublic("billing.html")).replace("<!--slot:note-->", variant.note);
  for (const slot of ["head", "body-start", "body-end"] as const) {
    const file = variant.fragments[slot];
    html = html.replace(`<!--slot:${slot}-->`, file ? await readPublic(`fragments/${file}`) : "");
  }
  return html;
}

async function handle(options: DemoServerOptions, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://demo.invalid");
  const send = (
    status: number,
    type: string,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      "content-type": type,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  // The progressive-enhancement path: without the widget, cancelling still works.
  if (url.pathname === "/cancel" && req.method === "POST") {
    return send(200, "text/html; charset=utf-8", render(await readPublic("cancelled.html"), {}));
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(405, "text/plain; charset=utf-8", "Method not allowed", { allow: "GET, HEAD" });
  }
  // Acme's server vouches for its signed-in customer (docs/design.md §11). Same origin only (no
  // CORS), never cached, and the token is not logged.
  if (url.pathname === "/customer-token") {
    const email = cookieCustomer(req);
    if (!options.customerTokenSecret || !email) {
      return send(404, "application/json", JSON.stringify({ error: "No signed-in customer" }));
    }
    const minted = await mintCustomerToken(options.customerTokenSecret, email);
    return send(
      200,
      "application/json",
      JSON.stringify({ token: minted.token, expires_at: minted.expiresAt }),
    );
  }
  const asset = ASSETS[url.pathname];
  if (asset) return send(200, asset, await readPublic(url.pathname.slice(1)));
  const billing = BILLING_PAGES[url.pathname];
  const page = PAGES[url.pathname];
  if (!billing && !page) return send(404, "text/plain; charset=utf-8", "Not found");

  const pick = (name: string, fallback: string) => {
    const value = url.searchParams.get(name);
    return value && CHOICES[name]?.includes(value) ? value : fallback;
  };
  const template = billing ? await billingTemplate(billing) : await readPublic(page as string);
  // Signing in, demo style: the billing page's customer (as demo.js shows it) is the one the
  // token route vouches for.
  const requested = url.searchParams.get("email");
  const customer = requested && EMAIL.test(requested) ? requested : DEFAULT_CUSTOMER;
  const signIn: Record<string, string> = billing
    ? {
        "set-cookie": `${CUSTOMER_COOKIE}=${encodeURIComponent(customer)}; Path=/; HttpOnly; SameSite=Lax`,
      }
    : {};
  return send(
    200,
    "text/html; charset=utf-8",
    render(template, {
      API_URL: options.apiUrl,
      PUBLIC_KEY: options.publicKey,
      THEME: pick("theme", "light"),
      POSITION: pick("position", "center"),
      LANG: pick("lang", "en"),
    }),
    signIn,
  );
}

/** Starts the demo SaaS page. Resolves once it listens; `close()` stops it. */
export function startDemoServer(
  options: DemoServerOptions,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal error");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({ server, url: `http://localhost:${port}` });
    });
  });
}
