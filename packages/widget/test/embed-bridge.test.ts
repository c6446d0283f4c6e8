import { describe, expect, it } from "vitest";
import { ALL_STRINGS } from "../src/i18n/all";
import { format, LANGUAGES, resolveLocale, type Strings } from "../src/i18n/index";
import { findParentOrigin } from "../src/parent-origin";

describe("findParentOrigin", () => {
  const frame = { framed: true, referrer: "", hint: null };

  it("prefers ancestorOrigins, which the browser sets", () => {
    expect(
      findParentOrigin({
        ...frame,
        ancestorOrigins: ["https://app.acme.com"],
        referrer: "https://evil.test/page",
      }),
    ).toBe("https://app.acme.com");
  });

  it("falls back to the referrer's origin, then to parent_origin", () => {
    expect(findParentOrigin({ ...frame, referrer: "https://app.acme.com/billing?x=1" })).toBe(
      "https://app.acme.com",
    );
    expect(findParentOrigin({ ...frame, hint: "http://localhost:3000" })).toBe(
      "http://localhost:3000",
    );
  });

  it("returns null when not framed or nothing usable is known", () => {
    expect(findParentOrigin({ ...frame, framed: false, referrer: "https://a.com" })).toBeNull();
    expect(findParentOrigin({ ...frame, hint: "javascript:alert(1)" })).toBeNull();
    expect(findParentOrigin({ ...frame, hint: "not a url" })).toBeNull();
  });
});

describe("translations", () => {
  const english = ALL_STRINGS.en as unknown as Record<string, unknown>;

  it.each(LANGUAGES)("%s has every key English has, and the same reason ids", (lang) => {
    const strings = ALL_STRINGS[lang] as unknown as Record<string, unknown>;
    expect(Object.keys(strings).sort()).toEqual(Object.keys(english).sort());
    expect(Object.keys(strings.reasons as object).sort()).toEqual(
      Object.keys(english.reasons as object).sort(),
    );
  });

  it("marks Arabic right-to-left", () => {
    expect(ALL_STRINGS.ar?.dir).toBe("rtl");
    expect(ALL_STRINGS.fr?.dir).toBe("ltr");
  });

  it("resolves locales by language and falls back to English", () => {
    expect(resolveLocale("fr-CA")).toBe("fr");
    expect(resolveLocale(undefined, "", "de_DE")).toBe("de");
    expect(resolveLocale("ja", "pt")).toBe("en");
  });

  it("fills templates and uses the singular variant for one", () => {
    const de = ALL_STRINGS.de;
    if (!de) throw new Error("missing de");
    expect(format(de, "discount", { p: 20, m: 3 })).toBe("20 % Rabatt für 3 Monate");
    expect(format(de, "discount", { p: 20, m: 1 })).toBe("20 % Rabatt für 1 Monat");
  });

  it("each file names its own language, which picks the plural rules", () => {
    for (const lang of LANGUAGES) expect(ALL_STRINGS[lang]?.lang).toBe(lang);
  });

  it("English: one vs other", () => {
    const en = ALL_STRINGS.en as Strings;
    expect(format(en, "discount", { p: 50, m: 1 })).toBe("50% off for 1 month");
    expect(format(en, "discount", { p: 50, m: 3 })).toBe("50% off for 3 months");
    expect(format(en, "pause", { d: 1 })).toBe("Pause your subscription for 1 day");
    expect(format(en, "pause", { d: 3 })).toBe("Pause your subscription for 3 days");
    expect(format(en, "extension", { d: 1 })).toBe("1 extra day, on us");
    expect(format(en, "unlock", { feature: "SSO", d: 3 })).toBe("SSO, unlocked for 3 days");
    expect(format(en, "downgrade", { plan: "Starter" })).toBe("Switch to the Starter plan");
  });

  it("Arabic: the forms for 1, 2, 3–10, 11–99 and 100", () => {
    const ar = ALL_STRINGS.ar as Strings;
    const months = (m: number) => format(ar, "discount", { p: 20, m });
    expect(months(1)).toBe("خصم 20% لمدة شهر واحد");
    expect(months(2)).toBe("خصم 20% لمدة شهرين");
    expect(months(3)).toBe("خصم 20% لمدة 3 أشهر");
    expect(months(10)).toBe("خصم 20% لمدة 10 أشهر");
    expect(months(11)).toBe("خصم 20% لمدة 11 شهرًا");
    expect(months(100)).toBe("خصم 20% لمدة 100 شهر");
    const days = (d: number) => format(ar, "pause", { d });
    expect(days(1)).toBe("أوقف اشتراكك مؤقتًا لمدة يوم واحد");
    expect(days(2)).toBe("أوقف اشتراكك مؤقتًا لمدة يومين");
    expect(days(3)).toBe("أوقف اشتراكك مؤقتًا لمدة 3 أيام");
    expect(days(11)).toBe("أوقف اشتراكك مؤقتًا لمدة 11 يومًا");
    expect(format(ar, "extension", { d: 2 })).toBe("يومان إضافيان مجانًا");
    expect(format(ar, "extension", { d: 7 })).toBe("7 أيام إضافية مجانًا");
    expect(format(ar, "unlock", { feature: "SSO", d: 30 })).toBe("SSO متاحة لمدة 30 يومًا");
  });

  it("every plural form has an `other` fallback and only known categories", () => {
    const categories = ["zero", "one", "two", "few", "many", "other"];
    for (const lang of LANGUAGES) {
      const strings = ALL_STRINGS[lang] as Strings;
      for (const key of ["discount", "pause", "extension", "downgrade", "unlock"] as const) {
        const forms = strings[key];
        if (typeof forms === "string") continue;
        expect(typeof forms.other, `${lang}.${key}.other`).toBe("string");
        for (const category of Object.keys(forms)) expect(categories).toContain(category);
      }
    }
  });
});
