import { SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { createJwtService, JWT_AUDIENCE, JWT_ISSUER } from "../src/auth/jwt.js";

const SECRET = new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!!");
const NOW = Date.UTC(2026, 0, 1);
const jwt = createJwtService(SECRET, () => NOW);

/** A token signed with the right secret, with the claims given. */
function forge(claims: Record<string, unknown>, set: { iss?: string; aud?: string; sub?: string }) {
  const iat = Math.floor(NOW / 1000);
  const token = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt(iat);
  token.setExpirationTime(iat + 60);
  if (set.iss !== undefined) token.setIssuer(set.iss);
  if (set.aud !== undefined) token.setAudience(set.aud);
  if (set.sub !== undefined) token.setSubject(set.sub);
  return token.sign(SECRET);
}

describe("session JWTs signed with the right secret but not by this service", () => {
  const ours = { iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: "user_1" };

  test("the control: our issuer, audience, subject and version are accepted", async () => {
    expect(await jwt.verify(await forge({ ver: 3 }, ours))).toEqual({
      userId: "user_1",
      tokenVersion: 3,
    });
  });

  test.each([
    ["another issuer", { ver: 1 }, { ...ours, iss: "someone-else" }],
    ["no issuer", { ver: 1 }, { ...ours, iss: undefined }],
    ["another audience", { ver: 1 }, { ...ours, aud: "windback-widget" }],
    ["no audience", { ver: 1 }, { ...ours, aud: undefined }],
    ["a version that is not a number", { ver: "1" }, ours],
    ["no version", {}, ours],
  ])("%s is refused", async (_, claims, set) => {
    expect(await jwt.verify(await forge(claims, set))).toBeNull();
  });

  test("garbage is refused, not thrown", async () => {
    await expect(jwt.verify("not.a.jwt")).resolves.toBeNull();
  });

  test("its own tokens name the issuer and audience", async () => {
    const token = await jwt.sign({ userId: "user_1", tokenVersion: 0 });
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ iss: "windback", aud: "windback-dashboard", sub: "user_1" });
  });
});
