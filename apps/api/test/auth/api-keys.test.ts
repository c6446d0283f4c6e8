import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  generateApiKey,
  hashApiKey,
  keyTypeOf,
  looksLikeApiKey,
  maskedFromHint,
  sameDigest,
} from "../../src/auth/api-keys.js";

const BASE62 = /^[0-9A-Za-z]+$/;

describe("generated keys", () => {
  test("live keys: the type's prefix, 43 base62 characters, a hash and a hint of the last four", () => {
    for (const [type, prefix] of [
      ["public", "pub_"],
      ["secret", "sk_"],
    ] as const) {
      const { raw, record } = generateApiKey(type);
      const body = raw.slice(prefix.length);
      expect(raw.startsWith(prefix)).toBe(true);
      expect(body).toHaveLength(43);
      expect(body).toMatch(BASE62);
      expect(record).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        keyType: type,
        keyHash: createHash("sha256").update(raw).digest("hex"),
        keyHint: `${prefix}…${raw.slice(-4)}`,
        livemode: true,
      });
      expect(looksLikeApiKey(raw)).toBe(true);
      expect(keyTypeOf(raw)).toBe(type);
    }
  });

  test("test keys carry test_ after the prefix, in the key and in the hint", () => {
    for (const [type, prefix] of [
      ["public", "pub_test_"],
      ["secret", "sk_test_"],
    ] as const) {
      const { raw, record } = generateApiKey(type, false);
      expect(raw.startsWith(prefix)).toBe(true);
      expect(raw.slice(prefix.length)).toHaveLength(43);
      expect(record.livemode).toBe(false);
      expect(record.keyHint).toBe(`${prefix}…${raw.slice(-4)}`);
      expect(looksLikeApiKey(raw)).toBe(true);
    }
  });

  test("keys are unique and their characters uniformly distributed (no modulo bias)", () => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    const keys = 5000;
    for (let i = 0; i < keys; i++) {
      const { raw } = generateApiKey("secret");
      seen.add(raw);
      for (const char of raw.slice(3)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(seen.size).toBe(keys);
    expect(counts.size).toBe(62);
    // 215 000 characters: about 3 468 per character, σ ≈ 58. Mapping the 8 bytes ≥ 248 too would
    // make "0"–"7" 25 % more frequent; a single extra byte value would do so for "0" alone.
    const expected = (keys * 43) / 62;
    for (const [char, count] of counts) {
      expect(Math.abs(count - expected) / expected, `frequency of ${char}`).toBeLessThan(0.1);
    }
  });
});

describe("key checks", () => {
  test("the hash is the SHA-256 hex of the key's UTF-8 bytes", () => {
    expect(hashApiKey("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(hashApiKey("é")).toBe(
      createHash("sha256").update(Buffer.from("é", "utf8")).digest("hex"),
    );
  });

  test("the type comes from the prefix alone", () => {
    expect(keyTypeOf("pub_x")).toBe("public");
    expect(keyTypeOf("sk_x")).toBe("secret");
    expect(keyTypeOf("sk")).toBeNull();
    expect(keyTypeOf("xpub_x")).toBeNull();
    expect(keyTypeOf("")).toBeNull();
  });

  test("the masked form replaces the ellipsis with eight dots", () => {
    expect(maskedFromHint("sk_test_…abcd")).toBe("sk_test_••••••••abcd");
  });

  test("digests compare equal only when every byte is equal, and never throw on length", () => {
    const a = hashApiKey("one");
    expect(sameDigest(a, hashApiKey("one"))).toBe(true);
    expect(sameDigest(a, hashApiKey("two"))).toBe(false);
    expect(sameDigest(a, `${a.slice(0, -2)}00`)).toBe(a.endsWith("00"));
    expect(sameDigest(a, a.slice(0, -2))).toBe(false);
    expect(sameDigest(a, "")).toBe(false);
  });

  test("the shape check: prefix, optional test_, 32 to 128 base62 characters, nothing around", () => {
    const body = (n: number) => "A".repeat(n);
    for (const ok of [
      `pub_${body(32)}`,
      `sk_${body(128)}`,
      `pub_test_${body(43)}`,
      `sk_test_${body(43)}`,
      `sk_0123456789abcdefghijklmnopqrstuvwxyzABCDEF`,
    ]) {
      expect(looksLikeApiKey(ok), ok).toBe(true);
    }
    for (const bad of [
      `pub_${body(31)}`,
      `sk_${body(129)}`,
      `pk_${body(43)}`,
      `pub${body(43)}`,
      `pub_test_${body(31)}`,
      ` pub_${body(43)}`,
      `pub_${body(43)} `,
      `xpub_${body(43)}`,
      `pub_${body(42)}-`,
      `pub_${body(42)}_`,
      `pub_${body(40)}\n`,
      "",
    ]) {
      expect(looksLikeApiKey(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
