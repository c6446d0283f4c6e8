/**
 * Key facts the API keys and Install screens show: whether a key still works, and which raw
 * public key this browser session knows.
 *
 * Windback stores only a hash of each key (docs/design.md §2.2): the raw key exists in the
 * browser only in the answer that created it. Public keys are meant to be published in pages, so
 * the dashboard keeps the ones created in this tab in `sessionStorage` to fill the Install
 * snippets; secret keys are never stored anywhere.
 */
import type { ApiKey, KeyType } from "@windback/protocol";

export type KeyState = "active" | "expiring" | "expired" | "revoked";

/** A rotated key keeps working until `expires_at`; a revoked one stops at once. */
export function keyState(key: ApiKey, now: number): KeyState {
  if (key.revoked_at !== null) return "revoked";
  if (key.expires_at !== null) {
    return Date.parse(key.expires_at) > now ? "expiring" : "expired";
  }
  return "active";
}

/** Whether the key still authenticates requests. */
const isUsable = (key: ApiKey, now: number): boolean => {
  const state = keyState(key, now);
  return state === "active" || state === "expiring";
};

/** Keys that still work first (newest first, as the API lists them), then the others. */
export function sortKeys(keys: readonly ApiKey[], now: number): ApiKey[] {
  return [...keys].sort((a, b) => Number(isUsable(b, now)) - Number(isUsable(a, now)));
}

export const countUsable = (keys: readonly ApiKey[], type: KeyType, now: number): number =>
  keys.filter((key) => key.key_type === type && isUsable(key, now)).length;

const STORAGE_KEY = "windback.dashboard.public-keys";

/** Per project slug, newest first; `id` is null when the answer did not say (project creation). */
type Known = Record<string, { id: string | null; key: string }[]>;

function readKnown(storage: Storage | undefined): Known {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Known) : {};
  } catch {
    return {};
  }
}

const sessionStore = (): Storage | undefined => {
  try {
    return globalThis.sessionStorage;
  } catch {
    // Storage can be disabled; the app then simply forgets keys when the screen changes.
    return undefined;
  }
};

/** Remembers a raw public key created in this tab. Secret keys are refused, by design. */
export function rememberPublicKey(
  slug: string,
  id: string | null,
  raw: string,
  storage: Storage | undefined = sessionStore(),
): void {
  if (!raw.startsWith("pub_")) return;
  const known = readKnown(storage);
  known[slug] = [{ id, key: raw }, ...(known[slug] ?? []).filter((k) => k.key !== raw)];
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(known));
  } catch {
    // Quota or disabled storage: the key is still shown on this screen.
  }
}

/**
 * The raw public key to put in the snippets: the newest one remembered in this tab that the
 * server still lists as usable (by id, or by its masked form's last 4 characters when the id was
 * not known); null when there is none (revoked, expired, or never seen in this tab).
 */
export function knownPublicKey(
  slug: string,
  keys: readonly ApiKey[],
  now: number,
  storage: Storage | undefined = sessionStore(),
): string | null {
  const usable = keys.filter((k) => k.key_type === "public" && isUsable(k, now));
  const matches = (known: { id: string | null; key: string }) =>
    known.id !== null
      ? usable.some((k) => k.id === known.id)
      : usable.some(
          (k) => k.key_masked.startsWith("pub_") && k.key_masked.endsWith(known.key.slice(-4)),
        );
  return (readKnown(storage)[slug] ?? []).find(matches)?.key ?? null;
}
