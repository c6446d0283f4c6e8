/**
 * Serves the widget: the script-tag loader (`/widget.js` and its content-hashed immutable twin)
 * and the UI it fetches with SRI (`/ui.<hash>.js`, immutable: docs/design.md §14),
 * the iframe page (`/embed`) with its own bundle, the iframe's host-page half (`/frame-host.js`,
 * docs/design.md §3.3) and the translations the script-tag bundle fetches on demand. No auth:
 * these are public assets, outside `/api/v1`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants as zlibConstants } from "node:zlib";
import { CUSTOMER_FIELDS } from "@windback/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface WidgetRoutesOptions {
  /** Absolute path of packages/widget/dist (manifest.json, widget.js, ui.js, embed.js, frame-host.js). */
  distDir: string;
  /** Allowed origins for the project of this public key; null when the key is unknown/revoked/not a pub_ key. Empty array = any origin. */
  allowedOriginsForPublicKey(rawKey: string): Promise<string[] | null>;
}

interface ManifestEntry {
  file: string;
  hashedFile: string;
}

interface Encoded {
  body: Buffer;
  /** Strong ETags differ per encoding, as RFC 9110 requires for different representations. */
  etag: string;
}

interface Asset extends Encoded {
  /** The 8 hex characters in `hashedFile`, e.g. `widget.1a2b3c4d.js`. */
  hash: string;
  /** Compressed once at start-up, so the 12 KB gzip budget is what actually crosses the wire. */
  br: Encoded;
  gzip: Encoded;
}

/** The bundles, by their name in manifest.json and in their URLs (`/<name>.js`). */
const BUNDLES = ["widget", "ui", "embed", "frame-host"] as const;
type BundleName = (typeof BUNDLES)[number];

interface Assets {
  bundles: Record<BundleName, Asset>;
  locales: Map<string, Asset>;
}

const JS = "text/javascript; charset=utf-8";
const SHORT_CACHE = "public, max-age=300";
const IMMUTABLE = "public, max-age=31536000, immutable";
// Origins come from the database already normalised; this keeps anything else out of the header.
const SAFE_ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const PUBLIC_KEY = /^pub_[A-Za-z0-9_-]{16,200}$/;
const LANG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

function asset(body: Buffer, hash: string): Asset {
  const digest = createHash("sha256").update(body).digest("base64url").slice(0, 22);
  return {
    body,
    hash,
    etag: `"${digest}"`,
    br: {
      body: brotliCompressSync(body, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
      etag: `"${digest}-br"`,
    },
    gzip: { body: gzipSync(body, { level: 9 }), etag: `"${digest}-gz"` },
  };
}

/** The best encoding the client accepts (q > 0): br, then gzip, then none. */
function pickEncoding(request: FastifyRequest): "br" | "gzip" | null {
  const accepted = new Map<string, number>();
  for (const part of (request.headers["accept-encoding"] ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim().match(/^q=([0-9.]+)$/)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return null;
}

/** Reads the build once, at registration; throws with the reason when it is missing or partial. */
function loadAssets(distDir: string): Assets {
  const manifest = JSON.parse(readFileSync(join(distDir, "manifest.json"), "utf8")) as Record<
    string,
    ManifestEntry | undefined
  >;
  const load = (name: BundleName): Asset => {
    const entry = manifest[name];
    const hash = entry?.hashedFile.match(/^[a-z-]+\.([0-9a-f]{8})\.js$/)?.[1];
    if (!entry || !hash) throw new Error(`manifest.json has no valid "${name}" entry`);
    return asset(readFileSync(join(distDir, entry.file)), hash);
  };
  const locales = new Map<string, Asset>();
  const localeDir = join(distDir, "locales");
  if (existsSync(localeDir)) {
    for (const file of readdirSync(localeDir)) {
      const lang = file.match(/^([a-z]{2,3})\.json$/)?.[1];
      if (lang) locales.set(lang, asset(readFileSync(join(localeDir, file)), ""));
    }
  }
  const bundles = Object.fromEntries(BUNDLES.map((name) => [name, load(name)]));
  return { bundles: bundles as Record<BundleName, Asset>, locales };
}

/** Weak comparison, as RFC 9110 asks for If-None-Match. */
function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers["if-none-match"];
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  file: Asset,
  type: string,
  cache: string,
) {
  const encoding = pickEncoding(request);
  const chosen = encoding ? file[encoding] : file;
  reply
    .header("Content-Type", type)
    .header("Cache-Control", cache)
    .header("ETag", chosen.etag)
    .header("Vary", "Accept-Encoding")
    .header("Access-Control-Allow-Origin", "*")
    .header("X-Content-Type-Options", "nosniff");
  if (encoding) reply.header("Content-Encoding", encoding);
  if (notModified(request, chosen.etag)) return reply.code(304).send();
  return reply.send(chosen.body);
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send({ error: "Not found", code: "NOT_FOUND" });
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/**
 * `frame-ancestors` for a key: the project's origins plus `'self'`, or `*` when the list is
 * empty. A missing or unknown key also gets `*`: that page can only show the error state and
 * its "continue cancelling" button, and letting the host frame it is what lets the host hear
 * `outcome: "error"` and go on with its own cancellation (fail-open).
 */
function frameAncestors(origins: string[] | null): string {
  const safe = (origins ?? []).filter((origin) => SAFE_ORIGIN.test(origin));
  return origins && safe.length > 0 ? ["'self'", ...safe].join(" ") : "*";
}

function embedPage(options: { lang: string; keyStatus: string; embedHash: string }) {
  const lang = LANG.test(options.lang) ? options.lang : "en";
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Cancel subscription</title>
</head>
<body>
<div id="windback" data-key-status="${escapeHtml(options.keyStatus)}"></div>
<script src="/embed.js?v=${escapeHtml(options.embedHash)}" defer></script>
</body>
</html>
`;
}

const text = (maxLength: number) => ({ type: "string", maxLength }) as const;

/**
 * The `/embed` query. Customer fields go by their CUSTOMER_FIELDS query names, with a generous
 * cap: the page checks each value against its field and drops one that does not fit, so only
 * absurd sizes are refused here (a 400 is a page the customer cannot use). `token` is a customer
 * token (docs/design.md §11), redacted from logs with the rest of the query's secrets.
 */
const embedQuerySchema = {
  type: "object",
  properties: {
    key: text(256),
    theme: text(16),
    locale: text(35),
    parent_origin: text(300),
    token: text(4096),
    ...Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field.query, text(320)])),
  },
};

export async function widgetRoutes(app: FastifyInstance, opts: WidgetRoutesOptions) {
  let assets: Assets | null = null;
  let loadError = "";
  try {
    assets = loadAssets(opts.distDir);
  } catch (error) {
    // The API keeps serving without the widget; these routes answer 503 until it is built.
    loadError = error instanceof Error ? error.message : String(error);
    app.log.warn(
      { distDir: opts.distDir, err: loadError },
      "widget bundle not found: run `pnpm --filter @windback/widget build`",
    );
  }

  const unavailable = (reply: FastifyReply) =>
    reply.code(503).send({
      error: `The widget is not built on this server (${loadError})`,
      code: "SERVICE_UNAVAILABLE",
    });

  // Static files are cheap and shared by every customer behind one NAT: no per-IP budget. They
  // have no tags, so the OpenAPI document (JSON operations only) leaves them out.
  const assetConfig = { config: { auth: "none" as const, rateLimit: false as const } };

  for (const name of BUNDLES) {
    app.get(`/${name}.js`, assetConfig, async (request, reply) => {
      if (!assets) return unavailable(reply);
      return send(request, reply, assets.bundles[name], JS, SHORT_CACHE);
    });

    app.get<{ Params: { hash: string } }>(
      `/${name}.:hash.js`,
      {
        ...assetConfig,
        schema: {
          params: {
            type: "object",
            properties: { hash: { type: "string", maxLength: 64 } },
            required: ["hash"],
          },
        },
      },
      async (request, reply) => {
        if (!assets) return unavailable(reply);
        // Only the current build is kept: an old pin gets 404, never different bytes.
        if (request.params.hash !== assets.bundles[name].hash) return notFound(reply);
        return send(request, reply, assets.bundles[name], JS, IMMUTABLE);
      },
    );
  }

  app.get<{ Params: { file: string } }>(
    "/widget/locales/:file",
    {
      ...assetConfig,
      schema: {
        params: {
          type: "object",
          properties: { file: { type: "string", maxLength: 16 } },
          required: ["file"],
        },
      },
    },
    async (request, reply) => {
      if (!assets) return unavailable(reply);
      const lang = request.params.file.match(/^([a-z]{2,3})\.json$/)?.[1];
      const file = lang ? assets.locales.get(lang) : undefined;
      if (!file) return notFound(reply);
      return send(request, reply, file, "application/json; charset=utf-8", SHORT_CACHE);
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    "/embed",
    { config: { auth: "none" }, schema: { querystring: embedQuerySchema } },
    async (request, reply) => {
      if (!assets) return unavailable(reply);
      const key = request.query.key ?? "";
      let origins: string[] | null = null;
      let keyStatus = "missing";
      if (PUBLIC_KEY.test(key)) {
        try {
          origins = await opts.allowedOriginsForPublicKey(key);
          keyStatus = origins ? "valid" : "invalid";
        } catch (error) {
          // Fail open: the page shows its error state and the host can still cancel.
          request.log.error({ err: error }, "could not look up the embed key");
          keyStatus = "unavailable";
        }
      } else if (key) {
        keyStatus = "invalid";
      }
      const csp = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        `frame-ancestors ${frameAncestors(origins)}`,
      ].join("; ");
      return reply
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Content-Security-Policy", csp)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store")
        .send(
          embedPage({
            lang: request.query.locale ?? "en",
            keyStatus,
            embedHash: assets.bundles.embed.hash,
          }),
        );
    },
  );
}
