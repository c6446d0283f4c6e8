import type { FastifyServerOptions } from "fastify";
import type { AppConfig } from "./config.js";

/** Query parameters that may carry a key, a token or a password. */
const SENSITIVE_QUERY = /([?&](?:key|api_key|token|email|password)=)[^&#]*/gi;
/** The only `/embed` parameters that are not about the customer. */
const EMBED_SAFE_QUERY = new Set(["theme", "locale", "parent_origin"]);

/**
 * A URL as it may be logged. The `/embed` iframe URL carries the customer's details (name, plan,
 * MRR…) in its query, so every value there is redacted but the presentation ones.
 */
export function redactUrl(url: string): string {
  const [path = "", query] = url.split("?", 2);
  if (query !== undefined && (path === "/embed" || path.endsWith("/embed"))) {
    const redacted = query
      .split("&")
      .map((pair) => {
        const name = pair.split("=", 1)[0] ?? "";
        return EMBED_SAFE_QUERY.has(name) || !pair.includes("=") ? pair : `${name}=[redacted]`;
      })
      .join("&");
    return `${path}?${redacted}`;
  }
  return url.replace(SENSITIVE_QUERY, "$1[redacted]");
}

/** What a log line says about a request: no headers, no body, the URL redacted. */
export function serializeRequest(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
}) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}

/** pino options: secrets never reach the log, whatever the level. */
export function loggerOptions(
  config: AppConfig,
): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        "req.headers.authorization",
        'req.headers["x-api-key"]',
        "req.headers.cookie",
        'res.headers["set-cookie"]',
        "*.password",
        "*.current_password",
        "*.new_password",
        "*.token",
        "*.key",
        "*.raw_public_key",
        "*.raw_secret_key",
        "*.jwtSecret",
      ],
      censor: "[redacted]",
    },
    serializers: { req: serializeRequest },
  };
}
