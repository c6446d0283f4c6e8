/**
 * Each route's policy, declared once on the route and built here, so a request's way through the
 * hooks reads in this one file:
 *
 * ```ts
 * config: { auth: ["account", "secret"] }                       // dashboard resource
 * config: { auth: ["public", "secret"], browser: { budget: "cancel_flow" } } // the widget's calls
 * config: { auth: "none" }                                      // public (health, assets, login)
 * ```
 *
 * A request meets, in order:
 * 1. the CORS preflight (`preflightPlugin`, registered first): an `OPTIONS` preflight to a
 *    browser-facing route is answered for any well-formed origin with pinned methods and headers,
 *    without credentials or budget (a preflight carries no key, so it cannot know the project);
 *    every other preflight gets no CORS headers;
 * 2. the per-IP limit (plugins/rate-limits.ts, appended to every route before these hooks);
 * 3. authentication (`config.auth`): 401 without a valid credential, 403 for a principal the route
 *    does not accept. It runs after the per-IP limiter, so failed guesses spend budget;
 * 4. for `browser` routes, the origin guard (docs/design.md §2.6): an `Origin` that is `null`,
 *    malformed or not among the key's project's allowed origins → 403 ORIGIN_NOT_ALLOWED before
 *    any project data is read (only the allowed origins are). An allowed origin gets
 *    `Access-Control-Allow-Origin: <origin>`, `Vary: Origin` and the exposed rate-limit headers
 *    now, so a later 429/400/404 stays readable by the widget. No `Origin` (a server) passes;
 * 5. the per-key budget the route names, after the guard so a foreign page cannot spend it.
 *
 * Every route must declare `config.auth`; registering one without it fails at start-up, so a route
 * cannot forget its policy. The OpenAPI `security` of each operation comes from the same
 * declaration.
 */
import cors, { type FastifyCorsOptions } from "@fastify/cors";
import { ERROR_CODES, EXPOSED_HEADERS } from "@windback/protocol";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  RouteOptions,
} from "fastify";
import fp from "fastify-plugin";
import { flowClientOf } from "../auth/client.js";
import { authenticate, KIND_LABEL, kindOf, principalOf } from "../auth/principal.js";
import { SESSION_COOKIE, sessionCookieOptions } from "../auth/sessions.js";
import { forbidden } from "../lib/errors.js";
import { createKeyedLimiter } from "./rate-limits.js";

/** The per-key budgets a browser-facing route can spend (docs/design.md §2.8). */
export type Budget = "cancel_flow" | "track";

/** What a browser on a merchant's page may send and read on the browser-facing routes. */
const CORS_ALLOWED_METHODS = "GET, POST";
const CORS_ALLOWED_HEADERS = "Content-Type, X-API-Key, Authorization";
const CORS_EXPOSED_HEADERS = EXPOSED_HEADERS.join(", ");
/** Seconds a browser may cache a preflight answer. */
const CORS_MAX_AGE_SECONDS = 600;

/**
 * True for a serialized http(s) origin as browsers send it (`https://app.example.com:8443`).
 * `null` (sandboxed frames, file: pages, some redirects) and anything malformed are not.
 */
function isSerializedOrigin(value: string | undefined): value is string {
  if (value === undefined || value === "null") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * Answers CORS preflights for the browser-facing routes only; dashboard routes get none.
 * Registered before the rate limiter and authentication: a preflight carries no credentials and
 * must not spend anyone's budget.
 */
const preflightPlugin = fp<{ paths: ReadonlySet<string> }>(
  async (app: FastifyInstance, { paths }) => {
    const refuse: FastifyCorsOptions = { origin: false };
    // In a context of its own, @fastify/cors's hook runs only for its `OPTIONS *` route: real
    // requests never pay for it (the origin guard answers them).
    await app.register(async (preflights) => {
      await preflights.register(cors, {
        hideOptionsRoute: true,
        delegator: (request, callback) => {
          const origin = request.headers.origin;
          const isPreflight =
            request.method === "OPTIONS" &&
            request.headers["access-control-request-method"] !== undefined;
          const path = request.url.split("?", 1)[0] ?? "";
          // Real requests: the origin guard decides once it knows the key's project.
          if (!isPreflight || !paths.has(path) || !isSerializedOrigin(origin)) {
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
    });
  },
  { name: "windback-preflight" },
);

function addVaryOrigin(reply: FastifyReply) {
  const vary = reply.getHeader("vary");
  if (vary === undefined) {
    reply.header("vary", "Origin");
    return;
  }
  const values = (Array.isArray(vary) ? vary.join(",") : String(vary ?? ""))
    .split(",")
    .map((v) => v.trim().toLowerCase());
  if (values.includes("origin") || values.includes("*")) return;
  reply.header("vary", vary ? `${vary}, Origin` : "Origin");
}

function appendHooks(
  routeOptions: RouteOptions,
  name: "onRequest" | "preHandler",
  hooks: readonly (onRequestHookHandler | preHandlerHookHandler)[],
): void {
  if (hooks.length === 0) return;
  const existing: unknown = routeOptions[name];
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  Object.assign(routeOptions, { [name]: [...before, ...hooks] });
}

const policyPlugin = fp<{ paths: Set<string> }>(
  async (app: FastifyInstance, { paths }) => {
    app.decorateRequest("principal", null);
    app.decorateRequest("sessionRenewed", false);
    app.decorateRequest("customer", null);
    const ownOrigin = new URL(app.config.publicUrl).origin;

    /**
     * A cookie is sent by the browser whoever made the page, so a cookie-authenticated change
     * must come from the dashboard itself (its origin, or `Sec-Fetch-Site: same-origin`) and
     * carry a JSON body (a cross-site form cannot send one without a CORS preflight we never
     * grant). Reads are safe: SameSite=Lax keeps the cookie off cross-site subrequests anyway.
     */
    function refuseCrossSite(request: FastifyRequest): void {
      if (request.method === "GET" || request.method === "HEAD") return;
      const origin = request.headers.origin;
      const sameOrigin =
        origin === ownOrigin ||
        (origin === undefined && request.headers["sec-fetch-site"] === "same-origin");
      const type = request.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
      const length = Number(request.headers["content-length"] ?? 0);
      const hasBody = length > 0 || request.headers["transfer-encoding"] !== undefined;
      if (!sameOrigin || type !== "application/json" || !hasBody) {
        throw forbidden(
          sameOrigin
            ? "A change made with the session cookie must send a JSON body"
            : "A change made with the session cookie must come from the dashboard's own origin",
          ERROR_CODES.CSRF_REJECTED,
        );
      }
    }

    // A sliding session: its cookie goes out again with the answer that extended it.
    const cookieOptions = sessionCookieOptions(app.config.publicUrl);
    // A callback hook, not an async one: it runs on every response and rarely has work to do.
    app.addHook("onSend", (request, reply, payload, done) => {
      if (request.sessionRenewed) {
        const token = request.cookies?.[SESSION_COOKIE];
        if (token && !reply.hasHeader("set-cookie")) {
          reply.setCookie(SESSION_COOKIE, token, cookieOptions);
        }
      }
      done(null, payload);
    });

    // Budgets are per key *and client* (auth/client.ts), so no one can spend a merchant's other
    // customers' budget; a per-key ceiling across all clients stops floods from many addresses.
    // One store per budget, shared by every route that names it.
    const { cancelFlow, cancelFlowKeyCeiling, track } = app.config.rateLimits;
    const keyId = (request: FastifyRequest) => {
      const principal = principalOf(request);
      return principal.kind === "key" ? principal.keyId : `user:${principal.userId}`;
    };
    const perClient = (request: FastifyRequest) =>
      `${keyId(request)}|${flowClientOf(request, principalOf(request)).identity}`;
    const budgets: Record<Budget, preHandlerHookHandler[]> = {
      cancel_flow: [
        createKeyedLimiter(app, "cancel_flow", cancelFlow, perClient),
        createKeyedLimiter(app, "cancel_flow_key", cancelFlowKeyCeiling, keyId, { quiet: true }),
      ],
      track: [createKeyedLimiter(app, "track", track, perClient)],
    };

    const guardOrigin: onRequestHookHandler = async function guardOrigin(request, reply) {
      const origin = request.headers.origin;
      // The answer depends on the Origin (CORS headers or a 403), whether one was sent or not.
      addVaryOrigin(reply);
      if (origin === undefined) return;
      const principal = principalOf(request);
      // Browser-facing routes accept keys only; a session has no single project to guard.
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
    };

    app.addHook("onRoute", (routeOptions) => {
      // @fastify/cors's own catch-all preflight route (hidden) has no policy of ours.
      if (routeOptions.method === "OPTIONS" && routeOptions.url.endsWith("*")) return;
      const { auth, browser } = routeOptions.config ?? {};
      if (auth === undefined) {
        throw new Error(
          `${routeOptions.method} ${routeOptions.url}: declare config.auth ("none" for a public route)`,
        );
      }

      const hooks: onRequestHookHandler[] = [];
      if (auth !== "none") {
        hooks.push(async function requireAuth(request) {
          const principal = await authenticate(app, request);
          const kind = kindOf(principal);
          if (!auth.includes(kind)) {
            throw forbidden(
              `This route does not accept ${KIND_LABEL[kind]}; use ${auth.map((k) => KIND_LABEL[k]).join(" or ")}`,
            );
          }
          if (principal.kind === "user" && principal.via === "cookie") refuseCrossSite(request);
          request.principal = principal;
        });
      }
      if (browser) {
        if (auth === "none" || !auth.includes("public") || routeOptions.url.includes(":")) {
          throw new Error(
            `${routeOptions.url}: a browser route takes the public key and has no path parameters`,
          );
        }
        paths.add(routeOptions.url);
        hooks.push(guardOrigin);
        // After validation: a request refused for bad input (or no key) spends no one's budget,
        // and a server's budget can be per customer (the body names them).
        if (browser.budget) appendHooks(routeOptions, "preHandler", budgets[browser.budget]);
      }
      appendHooks(routeOptions, "onRequest", hooks);

      // Documented by construction: public routes need nothing; a session is a Bearer token, a
      // key either header.
      const schemes =
        auth === "none"
          ? []
          : [...new Set(auth.map((kind) => (kind === "account" ? "bearerAuth" : "apiKey")))];
      routeOptions.schema = {
        ...routeOptions.schema,
        security: schemes.map((scheme): Record<string, string[]> => ({ [scheme]: [] })),
      };
    });
  },
  { name: "windback-route-policy", dependencies: ["windback-rate-limit"] },
);

/**
 * The two halves of the policy, sharing the set of browser-facing paths (filled as routes
 * register, read by the preflight): register `preflight` before the rate limiter and `hooks`
 * after it.
 */
export function createRoutePolicy() {
  const paths = new Set<string>();
  return {
    preflight: [preflightPlugin, { paths }] as const,
    hooks: [policyPlugin, { paths }] as const,
  };
}
