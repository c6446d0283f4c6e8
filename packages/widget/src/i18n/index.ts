/**
 * Translations. English is bundled into widget.js; the other languages are JSON files the
 * script-tag widget fetches on demand (keeping widget.js inside its size budget) and the iframe
 * bundle imports directly (see all.ts). Reason labels are keyed by the docs/design.md §2.5 ids.
 */
import type { CancelReason } from "@windback/protocol";
import en from "./en.json";

export type Template = "discount" | "pause" | "extension" | "downgrade" | "unlock";

/**
 * A template, or its plural forms keyed by `Intl.PluralRules` category (`zero`, `one`, `two`,
 * `few`, `many`, `other`) for the count in `{m}` or `{d}`; `other` is the fallback.
 */
type Forms = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

export type Strings = Omit<typeof en, Template> &
  Record<Template, Forms> & {
    dir: "ltr" | "rtl";
    reasons: Record<CancelReason, string>;
    detailsPrompt: Partial<Record<CancelReason, string>>;
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

/** Fills `{name}` slots, first choosing the plural form for the count (`m` or `d`) in `t.lang`. */
export function format(t: Strings, key: Template, values: Record<string, string | number>): string {
  const forms = t[key];
  const template =
    typeof forms === "string"
      ? forms
      : (forms[new Intl.PluralRules(t.lang).select(+(values.m ?? values.d ?? 0))] ?? forms.other);
  return template.replace(/\{(\w+)\}/g, (slot, name: string) => String(values[name] ?? slot));
}
