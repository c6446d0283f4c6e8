/**
 * Fetches a translation for the script-tag widget from the server that serves widget.js.
 * Any failure (offline, blocked, slow) falls back to English: a missing translation must
 * never keep the customer from cancelling.
 */
import { ENGLISH, type Strings } from "./index";

const cache = new Map<string, Promise<Strings>>();

/** `lang` is what `resolveLocale()` returned, so it is a supported language. */
export function loadStrings(lang: string, assetBase: string, timeoutMs = 1500): Promise<Strings> {
  if (lang === "en") return Promise.resolve(ENGLISH);
  let pending = cache.get(lang);
  if (!pending) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    pending = fetch(`${assetBase.replace(/\/+$/, "")}/widget/locales/${lang}.json`, {
      signal: controller.signal,
      credentials: "omit",
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((strings: Strings) => ({ ...ENGLISH, ...strings }))
      .catch((error: unknown) => {
        console.warn(`[windback] "${lang}" translation unavailable, using English:`, error);
        cache.delete(lang);
        return ENGLISH;
      })
      .finally(() => clearTimeout(timer));
    cache.set(lang, pending);
  }
  return pending;
}
