import type { FastifyServerOptions } from "fastify";
import type { AppConfig } from "./config.js";

/** Query parameters that may carry a key or personal data (the iframe URL carries both). */
const SENSITIVE_QUERY = /([?&](?:key|api_key|token|email|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, "$1[redacted]");
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
    serializers: {
      req(request: { method: string; url: string; host?: string; ip?: string; id?: string }) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
        };
      },
    },
  };
}
