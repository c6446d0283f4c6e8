/**
 * Dashboard cookie sessions (docs/design.md §8): an opaque random value in an HttpOnly cookie,
 * stored only as its SHA-256; 7 days, sliding. The dashboard is served by the API, so the cookie
 * never crosses origins.
 */
import { createHash, randomBytes } from "node:crypto";
import type { CookieSerializeOptions } from "@fastify/cookie";

export const SESSION_COOKIE = "windback_session";
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** A session's expiry slides forward at most this often (one write per hour of use, not per request). */
export const SESSION_REFRESH_MS = 60 * 60 * 1000;

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What the cookie's value must look like before it is looked up at all. */
export function looksLikeSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function sessionCookieOptions(publicUrl: string): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: publicUrl.startsWith("https:"),
    maxAge: SESSION_LIFETIME_MS / 1000,
  };
}
