import cors, { type FastifyCorsOptions } from "@fastify/cors";
import { EXPOSED_HEADERS } from "@windback/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

/** What a browser on a merchant's page may send and read on the cancel-flow routes. */
export const CORS_ALLOWED_METHODS = "GET, POST";
export const CORS_ALLOWED_HEADERS = "Content-Type, X-API-Key, Authorization";
export const CORS_EXPOSED_HEADERS = EXPOSED_HEADERS.join(", ");
/** Seconds a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * True for a serialized http(s) origin as browsers send it (`https://app.example.com:8443`).
 * `null` (sandboxed frames, file: pages, some redirects) and anything malformed are not.
 */
export function isSerializedOrigin(value: string | undefined): value is string {
  if (value === undefined || value === "null") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

export interface CorsPluginOptions {
  /** The API prefix (`/api/v1`); the browser-facing paths live under it. */
  prefix: string;
}

/**
 * CORS for the browser-facing routes only (`/cancel-flow/*`, `/track`); dashboard routes get
 * none. A preflight carries no key, so it cannot know the project: it is answered for any
 * well-formed origin with pinned methods and headers, and the real request is where the origin
 * guard (plugins/origin-guard.ts) enforces the project's allowed origins and sets the
 * Access-Control-Allow-Origin header. Registered before the rate limiter and auth, because a
 * preflight carries no credentials and must not spend anyone's budget.
 */
export const corsPlugin = fp<CorsPluginOptions>(
  async (app: FastifyInstance, { prefix }) => {
    const cancelFlowPrefix = `${prefix}/cancel-flow/`;
    const trackPath = `${prefix}/track`;
    const isBrowserFacing = (request: FastifyRequest) => {
      const path = request.url.split("?", 1)[0] ?? "";
      return path.startsWith(cancelFlowPrefix) || path === trackPath;
    };
    const refuse: FastifyCorsOptions = { origin: false };

    await app.register(cors, {
      hideOptionsRoute: true,
      delegator: (request, callback) => {
        const origin = request.headers.origin;
        const isPreflight =
          request.method === "OPTIONS" &&
          request.headers["access-control-request-method"] !== undefined;
        // Real requests: the origin guard decides once it knows the key's project.
        if (!isPreflight || !isBrowserFacing(request) || !isSerializedOrigin(origin)) {
          callback(null, refuse);
          return;
        }
        callback(null, {
          // The exact origin, never "*": the guard is what makes it meaningful.
          origin,
          methods: CORS_ALLOWED_METHODS,
          allowedHeaders: CORS_ALLOWED_HEADERS,
          exposedHeaders: CORS_EXPOSED_HEADERS,
          credentials: false,
          maxAge: CORS_MAX_AGE_SECONDS,
          strictPreflight: true,
        });
      },
    });
  },
  { name: "windback-cors" },
);
