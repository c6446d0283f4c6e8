import type { CustomerTokenSecret } from "@windback/protocol";
import { describe, expect, it } from "vitest";
import {
  createBlockedReason,
  MAX_ACTIVE_SECRETS,
  newestActiveSecretId,
  sortSecrets,
  verificationWarning,
} from "../src/lib/customer-tokens";
import { customerTokenSnippet, SECRET_ID_PLACEHOLDER } from "../src/lib/snippets";

const secret = (
  id: string,
  created: string,
  revoked: string | null = null,
): CustomerTokenSecret => ({
  id,
  secret_masked: `wbct_••••${id.slice(-4)}`,
  created_at: created,
  revoked_at: revoked,
});
const old = secret("00000000-0000-4000-8000-000000000001", "2026-01-01T00:00:00Z");
const newer = secret("00000000-0000-4000-8000-000000000002", "2026-02-01T00:00:00Z");
const revoked = secret(
  "00000000-0000-4000-8000-000000000003",
  "2026-03-01T00:00:00Z",
  "2026-03-02T00:00:00Z",
);

describe("customer-token secrets", () => {
  it("lists active secrets first, newest first, then revoked ones", () => {
    expect(sortSecrets([old, revoked, newer]).map((s) => s.id)).toEqual([
      newer.id,
      old.id,
      revoked.id,
    ]);
  });

  it(`blocks a new secret once ${MAX_ACTIVE_SECRETS} are active; revoked ones do not count`, () => {
    expect(createBlockedReason([])).toBeNull();
    expect(createBlockedReason([old, revoked])).toBeNull();
    expect(createBlockedReason([old, newer, revoked])).toMatch(/at most 2 active/);
  });

  it("names the newest active secret as the snippet's kid", () => {
    expect(newestActiveSecretId([old, newer, revoked])).toBe(newer.id);
    expect(newestActiveSecretId([revoked])).toBeNull();
    expect(newestActiveSecretId([])).toBeNull();
  });

  it("warns before Required with no active secret, and only then", () => {
    expect(verificationWarning("required", [revoked])).toMatch(/No active secret/);
    expect(verificationWarning("required", [])).toMatch(/No active secret/);
    expect(verificationWarning("required", [old])).toBeNull();
    expect(verificationWarning("optional", [])).toBeNull();
    expect(verificationWarning("off", [])).toBeNull();
    // Not known yet (still loading): no warning rather than a wrong one.
    expect(verificationWarning("required", null)).toBeNull();
  });
});

describe("the server snippet that mints a customer token", () => {
  it("signs HS256 with the secret's id as kid, the required claims and a short lifetime", () => {
    const code = customerTokenSnippet(newer.id);
    expect(code).toContain('import { SignJWT } from "jose"');
    expect(code).toContain(`.setProtectedHeader({ alg: "HS256", kid: "${newer.id}" })`);
    expect(code).toContain("email: customer.email");
    expect(code).toContain(".setIssuedAt()");
    expect(code).toContain('.setExpirationTime("1h")');
    expect(code).toContain("process.env.WINDBACK_CUSTOMER_TOKEN_SECRET");
    expect(code).not.toMatch(/wbct_[A-Za-z0-9_-]{10,}/);
  });

  it("shows a placeholder kid without an active secret, and escapes what it is given", () => {
    expect(customerTokenSnippet(null)).toContain(`kid: "${SECRET_ID_PLACEHOLDER}"`);
    expect(customerTokenSnippet('a"b</script>')).toContain('kid: "a\\"b\\u003c/script>"');
  });
});
