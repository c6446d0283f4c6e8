import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface DemoServerOptions {
  /** The Windback API's base URL, e.g. http://localhost:8787. */
  apiUrl: string;
  /** The project's public key (pub_…) the pages embed. */
  publicKey: string;
  port: number;
  host?: string;
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "public");

const PAGES: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/iframe.html": "iframe.html",
  "/hostile.html": "hostile.html",
  "/cancel": "cancel.html",
};
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
    const page = await readFile(join(PUBLIC_DIR, "cancelled.html"), "utf8");
    return send(200, "text/html; charset=utf-8", render(page, {}));
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(405, "text/plain; charset=utf-8", "Method not allowed", { allow: "GET, HEAD" });
  }
  const asset = ASSETS[url.pathname];
  if (asset)
    return send(200, asset, await readFile(join(PUBLIC_DIR, url.pathname.slice(1)), "utf8"));
  const page = PAGES[url.pathname];
  if (!page) return send(404, "text/plain; charset=utf-8", "Not found");

  const pick = (name: string, fallback: string) => {
    const value = url.searchParams.get(name);
    return value && CHOICES[name]?.includes(value) ? value : fallback;
  };
  const template = await readFile(join(PUBLIC_DIR, page), "utf8");
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
