import { jwtVerify, SignJWT } from "jose";

export const JWT_ISSUER = "windback";
export const JWT_AUDIENCE = "windback-dashboard";
export const JWT_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

interface SessionClaims {
  userId: string;
  /** The account's token_version when the token was issued. */
  tokenVersion: number;
}

export interface JwtService {
  sign(claims: SessionClaims): Promise<string>;
  /** Returns the claims, or null for any invalid, expired or foreign token. */
  verify(token: string): Promise<SessionClaims | null>;
}

export function createJwtService(secret: Uint8Array, now: () => number): JwtService {
  return {
    async sign({ userId, tokenVersion }) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({ ver: tokenVersion })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + JWT_LIFETIME_SECONDS)
        .sign(secret);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          // Pinned: `none`, HS512 and every asymmetric algorithm are refused.
          algorithms: ["HS256"],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          requiredClaims: ["exp", "iat", "sub"],
          currentDate: new Date(now()),
        });
        if (typeof payload.sub !== "string" || typeof payload.ver !== "number") return null;
        return { userId: payload.sub, tokenVersion: payload.ver };
      } catch {
        return null;
      }
    },
  };
}
