/**
 * Small per-browser preferences in `localStorage`: the last project opened (for `/dashboard/`)
 * and the currency amounts are shown in on Analytics. Nothing here is a secret.
 */

const LAST_PROJECT = "windback.dashboard.last-project";
const CURRENCY = "windback.dashboard.currency.";

const localStore = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

function read(key: string, storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string, storage: Storage | undefined): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Disabled storage or quota: the preference lasts for this page only.
  }
}

export const lastProject = (storage = localStore()): string | null => read(LAST_PROJECT, storage);

export const rememberProject = (slug: string, storage = localStore()): void =>
  write(LAST_PROJECT, slug, storage);

/**
 * Currencies offered for the totals on Analytics. The API sums amounts as recorded, without
 * conversion (docs/design.md §2.7), so the merchant says which currency their events are in.
 */
export const DISPLAY_CURRENCIES = [
  "usd",
  "eur",
  "gbp",
  "cad",
  "aud",
  "chf",
  "jpy",
  "sek",
  "inr",
  "brl",
] as const;

export function displayCurrency(slug: string, storage = localStore()): string {
  const saved = read(CURRENCY + slug, storage);
  return saved && (DISPLAY_CURRENCIES as readonly string[]).includes(saved) ? saved : "usd";
}

export const setDisplayCurrency = (slug: string, currency: string, storage = localStore()): void =>
  write(CURRENCY + slug, currency, storage);
