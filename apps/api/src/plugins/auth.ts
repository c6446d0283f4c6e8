import { ERROR_CODES } from "@windback/protocol";
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import fp from "fastify-plugin";
import { hashApiKey, keyTypeOf, looksLikeApiKey, sameDigest } from "../auth/api-keys.js";
import { isUnavailableError } from "../db/database.js";
import { toIso } from "../lib/clock.js";
import { AppError, forbidden, unauthenticated } from "../lib/errors.js";
import type { AuthenticatedKey, KeyType, Repositories, UserRecord } from "../repositories/types.js";

/** `jwt`: an account session; `secret`/`public`: an API key of that type. */
export type PrincipalKind = "jwt" | "secret" | "public";

export type Principal =
  | { kind: "user"; userId: string; user: UserRecord }
  | { kind: "key"; keyType: KeyType; keyId: string; projectId: string; userId: string };

/** last_used_at is written at most once a minute per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const KIND_LABEL: Record<PrincipalKind, string> = {
  jwt: "a dashboard session (JWT)",
  secret: "a secret key (sk_)",
  public: "a public key (pub_)",
};

function kindOf(principal: Principal): PrincipalKind {
  if (principal.kind === "user") return "jwt";
  return principal.keyType === "public" ? "public" : "secret";
}

/**
 * The usable (neither revoked nor expired) key behind a raw key, or null. The one lookup every
 * consumer of raw keys goes through: shape check first, then by SHA-256 hash.
 */
export async function findUsableKey(
  repos: Repositories,
  rawKey: string,
  now: number,
): Promise<AuthenticatedKey | null> {
  if (!looksLikeApiKey(rawKey)) return null;
  const keyHash = hashApiKey(rawKey);
  const found = await repos.apiKeys.findUsableByHash(keyHash, toIso(now));
  // The lookup is by hash; the constant-time comparison keeps that true if the store changes.
  return found && sameDigest(found.keyHash, keyHash) ? found : null;
}

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const authorization = request.headers.authorization;
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match?.[1]) {
      throw unauthenticated(
        "The Authorization header must be 'Bearer <token>'",
        ERROR_CODES.INVALID_TOKEN,
      );
    }
    bearer = match[1];
  }

  // A Bearer value that is not a key is a JWT and only a JWT: no fallback to X-API-Key.
  if (bearer !== undefined && keyTypeOf(bearer) === null) {
    const claims = await app.jwt.verify(bearer);
    const user = claims ? await app.repos.users.findById(claims.userId) : null;
    if (!claims || !user || user.tokenVersion !== claims.tokenVersion) {
      throw unauthenticated(
        "The session token is invalid or has expired",
        ERROR_CODES.INVALID_TOKEN,
      );
    }
    return { kind: "user", userId: user.id, user };
  }

  const headerKey = request.headers["x-api-key"];
  const rawKey = bearer ?? (typeof headerKey === "string" ? headerKey.trim() : undefined);
  if (rawKey === undefined || rawKey === "") {
    throw unauthenticated(
      "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'",
    );
  }
  const now = app.clock.now();
  const found = await findUsableKey(app.repos, rawKey, now);
  if (!found) {
    throw unauthenticated(
      "The API key is invalid, revoked or expired",
      ERROR_CODES.INVALID_API_KEY,
    );
  }
  try {
    await app.repos.apiKeys.touch(found.key.id, toIso(now), toIso(now - LAST_USED_RESOLUTION_MS));
  } catch (error) {
    // Bookkeeping must not turn a read into a 503 while another writer holds the lock.
    if (!isUnavailableError(error)) throw error;
    request.log.debug({ err: error }, "last_used_at not recorded: database busy");
  }
  return {
    kind: "key",
    keyType: found.key.keyType,
    keyId: found.key.id,
    projectId: found.key.projectId,
    userId: found.userId,
  };
}

/**
 * Authenticates every route that declares `config.auth`. The hook is appended in `onRoute`, so it
 * runs after the rate limiter's hook (registered earlier): failed guesses still spend the budget.
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest("principal", null);

    app.addHook("onRoute", (routeOptions) => {
      const accepted = routeOptions.config?.auth;
      if (!accepted) return;
      const hook: onRequestHookHandler = async function requireAuth(request) {
        const principal = await authenticate(app, request);
        if (!accepted.includes(kindOf(principal))) {
          throw forbidden(
            `This route does not accept ${KIND_LABEL[kindOf(principal)]}; use ${accepted.map((k) => KIND_LABEL[k]).join(" or ")}`,
          );
        }
        request.principal = principal;
      };
      const existing = routeOptions.onRequest;
      routeOptions.onRequest = existing
        ? [...(Array.isArray(existing) ? existing : [existing]), hook]
        : [hook];
      // Documented by construction in the OpenAPI output: a session is a Bearer token, a key
      // either header.
      const schemes = new Set(accepted.map((kind) => (kind === "jwt" ? "bearerAuth" : "apiKey")));
      routeOptions.schema = {
        ...routeOptions.schema,
        security: [...schemes].map((scheme): Record<string, string[]> => ({ [scheme]: [] })),
      };
    });
  },
  { name: "windback-auth" },
);

/** The principal of an authenticated route; a route without `config.auth` never calls this. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new AppError(401, ERROR_CODES.UNAUTHENTICATED, "Authentication required");
  return request.principal;
}
