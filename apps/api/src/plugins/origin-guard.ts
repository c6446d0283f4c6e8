import { ERROR_CODES } from "@windback/protocol";
import type { FastifyInstance, FastifyReply, onRequestHookHandler } from "fastify";
import fp from "fastify-plugin";
import { forbidden } from "../lib/errors.js";
import { principalOf } from "./auth.js";
import { CORS_EXPOSED_HEADERS, isSerializedOrigin } from "./cors.js";
import { createKeyedLimiter } from "./rate-limits.js";

function addVaryOrigin(reply: FastifyReply) {
  const vary = reply.getHeader("vary");
  const values = (Array.isArray(vary) ? vary.join(",") : String(vary ?? ""))
    .split(",")
    .map((v) => v.trim().toLowerCase());
  if (values.includes("origin") || values.includes("*")) return;
  reply.header("vary", vary ? `${vary}, Origin` : "Origin");
}

/**
 * The origin rule of docs/design.md §2.6 for routes with `config.cancelFlow`, appended in `onRoute` after
 * the auth hook (this plugin is registered after the auth plugin), so the key's project is known:
 *
 * 1. An `Origin` header that is `null`, malformed, or not in the project's allowed origins → 403
 *    ORIGIN_NOT_ALLOWED, before any of the project's data is read or written (only the allowed
 *    origins themselves are read). An empty list allows any origin; the API's own origin (the
 *    /embed iframe page) is always allowed. No `Origin` header (a merchant's server) passes.
 * 2. An allowed origin gets `Access-Control-Allow-Origin: <that origin>`, `Vary: Origin` and the
 *    exposed rate-limit headers now, so a later 429/415/400/404 stays readable by the widget.
 *    Errors raised before this hook (the per-IP 429, an invalid key's 401) carry no CORS headers:
 *    the browser reports a network error and the widget falls back to "let them cancel".
 * 3. Then, for `cancelFlow: true`, the key's shared cancel-flow budget (§2.8). It runs after the
 *    guard so that a page on a disallowed origin cannot burn a merchant's budget.
 */
export const originGuardPlugin = fp(
  async (app: FastifyInstance) => {
    const ownOrigin = new URL(app.config.publicUrl).origin;

    // One store for every cancel-flow route: the budget is per key, not per route.
    const cancelFlowLimit = createKeyedLimiter(app, app.config.rateLimits.cancelFlow, (request) => {
      const principal = principalOf(request);
      return principal.kind === "key" ? `key:${principal.keyId}` : `user:${principal.userId}`;
    });

    const guardOrigin: onRequestHookHandler = async function guardOrigin(request, reply) {
      const origin = request.headers.origin;
      if (origin === undefined) return;
      const principal = principalOf(request);
      // Cancel-flow routes accept keys only; a session has no single project to guard.
      if (principal.kind !== "key") return;
      if (!isSerializedOrigin(origin)) {
        throw forbidden(
          `Origin "${origin}" is not allowed to use this key`,
          ERROR_CODES.ORIGIN_NOT_ALLOWED,
        );
      }
      if (origin !== ownOrigin) {
        const allowed = await app.repos.projects.getAllowedOrigins(principal.projectId);
        if (allowed.length > 0 && !allowed.includes(origin)) {
          throw forbidden(
            `Origin ${origin} is not in this project's allowed origins`,
            ERROR_CODES.ORIGIN_NOT_ALLOWED,
          );
        }
      }
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-expose-headers", CORS_EXPOSED_HEADERS);
      addVaryOrigin(reply);
    };

    app.addHook("onRoute", (routeOptions) => {
      const cancelFlow = routeOptions.config?.cancelFlow;
      if (!cancelFlow) return;
      if (!routeOptions.config?.auth) {
        throw new Error(`${routeOptions.url}: config.cancelFlow needs config.auth`);
      }
      const hooks: onRequestHookHandler[] = [guardOrigin];
      if (cancelFlow === true) hooks.push(cancelFlowLimit);
      const existing = routeOptions.onRequest;
      routeOptions.onRequest = existing
        ? [...(Array.isArray(existing) ? existing : [existing]), ...hooks]
        : hooks;
    });
  },
  { name: "windback-origin-guard", dependencies: ["windback-auth", "windback-rate-limit"] },
);
