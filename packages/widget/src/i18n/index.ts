/**
 * Translations. English is bundled into widget.js; the other languages are JSON files the
 * script-tag widget fetches on demand (keeping widget.js inside its size budget) and the iframe
 * bundle imports directly (see all.ts). Reason labels are keyed by the DESIGN §2.5 ids.
 */
import type { CancelReason } from "@windback/protocol";
import en from "./en.json";

export type Strings = typeof en & {
  dir: "ltr" | "rtl";
  reasons: Record<CancelReason, string>;
  detailsPrompt: Partial<Record<CancelReason, string>>;
  discount1?: string;
  extension1?: string;
};

export const ENGLISH = en as Strings;

/** Languages with a translation file (dist/locales/<lang>.json). */
export const LANGUAGES = ["en", "fr", "de", "es", "ar"];

/** First supported language among the candidates (`fr-CA` → `fr`), English otherwise. */
export function resolveLocale(...candidates: Array<string | null | undefined>): string {
  for (const candidate of candidates) {
    const lang = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (lang && LANGUAGES.includes(lang)) return lang;
  }
  return "en";
}

export type Template = "discount" | "pause" | "extension" | "downgrade" | "unlock";

/** Fills `{name}` slots; a `<key>1` variant, when present, is used for a count of exactly one. */
export function format(t: Strings, key: Template, values: Record<string, string | number>): string {
  const one = (t as Record<string, unknown>)[`${key}1`];
  const count = values.m ?? values.d;
  const template = count === 1 && typeof one === "string" ? one : t[key];
  return template.replace(/\{(\w+)\}/g, (slot, name: string) => String(values[name] ?? slot));
}
