import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
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

export function hashApiKey(rawKey: string): string {
  return createHash("sha256").update(rawKey, "utf8").digest("hex");
}

export function keyTypeOf(rawKey: string): KeyType | null {
  if (rawKey.startsWith(KEY_PREFIX.public)) return "public";
  if (rawKey.startsWith(KEY_PREFIX.secret)) return "secret";
  return null;
}

/** Whether a raw key is a test key (`pub_test_…`, `sk_test_…`). */
function isTestKey(rawKey: string): boolean {
  const type = keyTypeOf(rawKey);
  return type !== null && rawKey.startsWith(KEY_PREFIX[type] + TEST_MARK);
}

function keyHint(rawKey: string): string {
  const type = keyTypeOf(rawKey);
  const prefix = type ? KEY_PREFIX[type] + (isTestKey(rawKey) ? TEST_MARK : "") : "";
  return `${prefix}…${rawKey.slice(-4)}`;
}

/** The masked form shown in listings: the prefix, a fixed run of dots, and the last 4 characters. */
export function maskedFromHint(hint: string): string {
  return hint.replace("…", "••••••••");
}

export function generateApiKey(
  keyType: KeyType,
  livemode = true,
): { raw: string; record: NewApiKey } {
  const raw = `${KEY_PREFIX[keyType]}${livemode ? "" : TEST_MARK}${randomBase62(KEY_BODY_LENGTH)}`;
  return {
    raw,
    record: {
      id: randomUUID(),
      keyType,
      keyHash: hashApiKey(raw),
      keyHint: keyHint(raw),
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
