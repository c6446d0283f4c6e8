import { ERROR_CODES, type KeyType } from "@windback/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { toIso } from "../lib/clock.js";
import { AppError, unauthenticated } from "../lib/errors.js";
import { StorageUnavailableError } from "../storage/errors.js";
import type { AuthenticatedKey, Repositories, UserRecord } from "../storage/types.js";
import { hashApiKey, keyTypeOf, looksLikeApiKey, sameDigest } from "./api-keys.js";
import {
  hashSessionToken,
  looksLikeSessionToken,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  SESSION_REFRESH_MS,
} from "./sessions.js";

/** `account`: a person signed in to the dashboard (JWT); `secret`/`public`: an API key of that type. */
export type PrincipalKind = "account" | "secret" | "public";

export type Principal =
  | {
      kind: "user";
      userId: string;
      user: UserRecord;
      /** How the person signed in: a Bearer JWT, or the dashboard's session cookie. */
      via: "jwt" | "cookie";
      /** The cookie session's hash, when `via` is "cookie". */
      sessionHash?: string;
    }
  | {
      kind: "key";
      keyType: KeyType;
      keyId: string;
      projectId: string;
      userId: string;
      /** False for a test key (pub_test_, sk_test_): it writes and reads test data. */
      livemode: boolean;
    };

export const KIND_LABEL: Record<PrincipalKind, string> = {
  account: "a dashboard session (JWT or session cookie)",
  secret: "a secret key (sk_)",
  public: "a public key (pub_)",
};

export function kindOf(principal: Principal): PrincipalKind {
  if (principal.kind === "user") return "account";
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

/**
 * Who is calling (docs/design.md §2.2): a Bearer value that is not a key is a JWT and only a JWT
 * (no fallback to X-API-Key); otherwise the key from the Bearer value or X-API-Key.
 */
export async function authenticate(
  app: FastifyInstance,
  request: FastifyRequest,
): Promise<Principal> {
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
    return { kind: "user", userId: user.id, user, via: "jwt" };
  }

  const headerKey = request.headers["x-api-key"];
  const rawKey = bearer ?? (typeof headerKey === "string" ? headerKey.trim() : undefined);
  if (rawKey === undefined || rawKey === "") {
    // No credential in the headers: the dashboard's session cookie, if there is one.
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie !== undefined) return authenticateSession(app, request, cookie);
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
  // Kept in memory and written in batches by the read cache (storage/cache): no write here.
  const at = toIso(now);
  await app.repos.apiKeys.touch(found.key.id, at, at);
  return {
    kind: "key",
    keyType: found.key.keyType,
    keyId: found.key.id,
    projectId: found.key.projectId,
    userId: found.userId,
    livemode: found.key.livemode,
  };
}

/** The account behind a session cookie; the expiry slides forward at most once an hour. */
async function authenticateSession(
  app: FastifyInstance,
  request: FastifyRequest,
  cookie: string,
): Promise<Principal> {
  const expired = () =>
    unauthenticated("The session has ended; sign in again", ERROR_CODES.INVALID_TOKEN);
  if (!looksLikeSessionToken(cookie)) throw expired();
  const sessionHash = hashSessionToken(cookie);
  const now = app.clock.now();
  const session = await app.repos.sessions.findActive(sessionHash, toIso(now));
  const user = session ? await app.repos.users.findById(session.userId) : null;
  if (!session || !user) throw expired();
  if (Date.parse(session.lastSeenAt) < now - SESSION_REFRESH_MS) {
    try {
      await app.repos.sessions.extend(sessionHash, toIso(now), toIso(now + SESSION_LIFETIME_MS));
      request.sessionRenewed = true;
    } catch (error) {
      // A busy database must not sign anyone out: the session is still valid as it is.
      if (!(error instanceof StorageUnavailableError)) throw error;
    }
  }
  return { kind: "user", userId: user.id, user, via: "cookie", sessionHash };
}

/** The principal of an authenticated route; a route without `config.auth` never calls this. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new AppError(401, ERROR_CODES.UNAUTHENTICATED, "Authentication required");
  return request.principal;
}
