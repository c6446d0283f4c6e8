import { describe, expect, it } from "vitest";
import { ALL_STRINGS } from "../src/i18n/all";
import { format, LANGUAGES, resolveLocale } from "../src/i18n/index";
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
});
