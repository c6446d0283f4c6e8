import { hash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { KeyType } from "@windback/protocol";
import type { NewApiKey } from "../storage/types.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters carry 256 bits, above the 32 random bytes the contract asks for. */
const KEY_BODY_LENGTH = 43;

const KEY_PREFIX: Record<KeyType, string> = { public: "pub_", secret: "sk_" };
/** Test keys (docs/design.md §11): `pub_test_…`, `sk_test_…`; what they write is test data. */
const TEST_MARK = "test_";

/** Uniform base62 via rejection sampling: bytes ≥ 248 would bias the modulo, so they are skipped. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** SHA-256 of the key's UTF-8 bytes, in hex (the one-shot `hash`: this runs on every request). */
export function hashApiKey(rawKey: string): string {
  return hash("sha256", rawKey, "hex");
}

export function keyTypeOf(rawKey: string): KeyType | null {
  if (rawKey.startsWith(KEY_PREFIX.public)) return "public";
  if (rawKey.startsWith(KEY_PREFIX.secret)) return "secret";
  return null;
}

/** The masked form shown in listings: the prefix, a fixed run of dots, and the last 4 characters. */
export function maskedFromHint(hint: string): string {
  return hint.replace("…", "••••••••");
}

export function generateApiKey(
  keyType: KeyType,
  livemode = true,
): { raw: string; record: NewApiKey } {
  const prefix = `${KEY_PREFIX[keyType]}${livemode ? "" : TEST_MARK}`;
  const raw = `${prefix}${randomBase62(KEY_BODY_LENGTH)}`;
  return {
    raw,
    record: {
      id: randomUUID(),
      keyType,
      keyHash: hashApiKey(raw),
      // What listings show: the prefix and the last four characters.
      keyHint: `${prefix}…${raw.slice(-4)}`,
      livemode,
    },
  };
}

/** Compares two hex digests without leaking where they differ. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Keys have a fixed shape; anything else is refused before touching the database. */
export function looksLikeApiKey(value: string): boolean {
  return /^(pub|sk)_(test_)?[0-9A-Za-z]{32,128}$/.test(value);
}
