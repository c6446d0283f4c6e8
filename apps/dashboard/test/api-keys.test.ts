import type { ApiKey } from "@windback/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import {
  countUsable,
  keyState,
  knownPublicKey,
  rememberPublicKey,
  sortKeys,
} from "../src/lib/api-keys";

const NOW = Date.parse("2026-03-04T12:00:00Z");
const key = (id: string, overrides: Partial<ApiKey> = {}): ApiKey => ({
  id,
  key_type: "public",
  mode: "live",
  key_masked: `pub_••••••••${id.slice(-4).padStart(4, "0")}`,
  created_at: "2026-03-01T00:00:00.000Z",
  last_used_at: null,
  expires_at: null,
  revoked_at: null,
  ...overrides,
});

describe("key state", () => {
  it("active, expiring after a rotation, expired, revoked", () => {
    expect(keyState(key("a"), NOW)).toBe("active");
    expect(keyState(key("a", { expires_at: "2026-03-05T00:00:00Z" }), NOW)).toBe("expiring");
    expect(keyState(key("a", { expires_at: "2026-03-04T11:59:59Z" }), NOW)).toBe("expired");
    expect(
      keyState(
        key("a", { revoked_at: "2026-03-02T00:00:00Z", expires_at: "2026-03-09T00:00:00Z" }),
        NOW,
      ),
    ).toBe("revoked");
  });

  it("working keys first, and counted per type", () => {
    const keys = [
      key("old", { revoked_at: "2026-03-02T00:00:00Z" }),
      key("new"),
      key("sk", { key_type: "secret" }),
    ];
    expect(sortKeys(keys, NOW).map((k) => k.id)).toEqual(["new", "sk", "old"]);
    expect(countUsable(keys, "public", NOW)).toBe(1);
    expect(countUsable(keys, "secret", NOW)).toBe(1);
  });
});

describe("raw public keys remembered in this tab", () => {
  beforeEach(() => sessionStorage.clear());

  it("are offered while the server still lists them as working", () => {
    rememberPublicKey("acme", "k1", "pub_raw_one");
    expect(knownPublicKey("acme", [key("k1")], NOW)).toBe("pub_raw_one");
    expect(
      knownPublicKey("acme", [key("k1", { revoked_at: "2026-03-03T00:00:00Z" })], NOW),
    ).toBeNull();
    expect(knownPublicKey("acme", [], NOW)).toBeNull();
    expect(knownPublicKey("other-project", [key("k1")], NOW)).toBeNull();
  });

  it("the newest working one wins", () => {
    rememberPublicKey("acme", "k1", "pub_raw_one");
    rememberPublicKey("acme", "k2", "pub_raw_two");
    expect(knownPublicKey("acme", [key("k2"), key("k1")], NOW)).toBe("pub_raw_two");
    expect(knownPublicKey("acme", [key("k1")], NOW)).toBe("pub_raw_one");
  });

  it("without an id, match by the masked key's last 4 characters", () => {
    rememberPublicKey("acme", null, "pub_xxxxxxxxWXYZ");
    expect(knownPublicKey("acme", [key("k9", { key_masked: "pub_••••••••WXYZ" })], NOW)).toBe(
      "pub_xxxxxxxxWXYZ",
    );
    expect(knownPublicKey("acme", [key("k9", { key_masked: "pub_••••••••ABCD" })], NOW)).toBeNull();
  });

  it("secret keys are never stored", () => {
    rememberPublicKey("acme", "s1", "sk_secret_value");
    expect(JSON.stringify(sessionStorage)).not.toContain("sk_secret_value");
    expect(Object.keys(sessionStorage)).toHaveLength(0);
  });
});
