import { describe, expect, it } from "vitest";
import {
  currencyDigits,
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatMoney,
  formatRate,
  formatRelative,
  NOT_AVAILABLE,
  ratio,
} from "../src/lib/format";

const en = { locale: "en-US" };
/** Intl separates some amounts with (narrow) no-break spaces; compare with plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("money: integer minor units + ISO currency", () => {
  it("4900 usd is $49.00", () => {
    expect(formatMoney(4900, "usd", en)).toBe("$49.00");
    expect(formatMoney(0, "usd", en)).toBe("$0.00");
    expect(formatMoney(5, "USD", en)).toBe("$0.05");
  });

  it("follows the currency's minor unit: yen have none, dinars three", () => {
    expect(currencyDigits("jpy")).toBe(0);
    expect(currencyDigits("kwd")).toBe(3);
    expect(formatMoney(4900, "jpy", en)).toBe("¥4,900");
    expect(plain(formatMoney(12345, "kwd", en))).toBe("KWD 12.345");
  });

  it("writes the amount the reader's way", () => {
    expect(plain(formatMoney(123456, "eur", { locale: "de-DE" }))).toBe("1.234,56 €");
  });

  it("shortens large amounts on request, and only those", () => {
    expect(formatMoney(1_234_567, "usd", { ...en, compact: true })).toBe("$12.3K");
    expect(formatMoney(250_000_000, "usd", { ...en, compact: true })).toBe("$2.5M");
    expect(formatMoney(999_999, "usd", { ...en, compact: true })).toBe("$9,999.99");
    expect(formatMoney(1_234_567, "usd", en)).toBe("$12,345.67");
  });

  it("shows a malformed currency code as given instead of guessing one", () => {
    expect(currencyDigits("us")).toBeNull();
    expect(formatMoney(4900, "us", en)).toBe("49.00 US");
  });
});

describe("rates", () => {
  it("0.4286 is 42.9%", () => {
    expect(formatRate(0.4286, en)).toBe("42.9%");
    expect(formatRate(0.5, en)).toBe("50%");
    expect(formatRate(1, en)).toBe("100%");
    expect(formatRate(0, en)).toBe("0%");
  });

  it("0 of 0 is —, not 0%", () => {
    expect(ratio(0, 0)).toBeNull();
    expect(formatRate(ratio(0, 0), en)).toBe(NOT_AVAILABLE);
    expect(formatRate(ratio(0, 5), en)).toBe("0%");
    expect(formatRate(ratio(3, 7), en)).toBe("42.9%");
  });

  it("a missing part is —", () => {
    expect(ratio(undefined, 3)).toBeNull();
    expect(ratio(2, null)).toBeNull();
    expect(formatRate(undefined)).toBe(NOT_AVAILABLE);
    expect(formatRate(Number.NaN)).toBe(NOT_AVAILABLE);
  });

  it("counts are grouped", () => {
    expect(formatCount(1234567, en)).toBe("1,234,567");
  });
});

describe("dates", () => {
  const iso = "2026-03-04T23:30:00.000Z";

  it("shows an RFC 3339 UTC timestamp in the reader's time zone", () => {
    expect(plain(formatDateTime(iso, { ...en, timeZone: "UTC" }))).toBe("Mar 4, 2026, 11:30 PM");
    expect(plain(formatDateTime(iso, { ...en, timeZone: "Europe/Berlin" }))).toBe(
      "Mar 5, 2026, 12:30 AM",
    );
    expect(formatDate(iso, { ...en, timeZone: "America/Los_Angeles" })).toBe("Mar 4, 2026");
  });

  it("keeps a UTC day on its day wherever the reader is", () => {
    expect(formatDay("2026-03-04", en)).toBe("Mar 4, 2026");
    expect(formatDay("2026-03-04", { ...en, short: true })).toBe("Mar 4");
  });

  it("shows — for what is not a date", () => {
    expect(formatDateTime(null)).toBe(NOT_AVAILABLE);
    expect(formatDateTime("yesterday")).toBe(NOT_AVAILABLE);
    expect(formatDate(undefined)).toBe(NOT_AVAILABLE);
    expect(formatDay("2026-13-45")).toBe(NOT_AVAILABLE);
    expect(formatDay("March 4")).toBe(NOT_AVAILABLE);
  });

  it("says how long ago, in words", () => {
    const now = Date.parse("2026-03-04T12:00:00Z");
    expect(formatRelative("2026-03-04T09:00:00Z", now, en)).toBe("3 hours ago");
    expect(formatRelative("2026-03-05T11:00:00Z", now, en)).toBe("in 23 hours");
    expect(formatRelative("2026-03-04T11:59:50Z", now, en)).toBe("now");
    expect(formatRelative("2026-02-25T12:00:00Z", now, en)).toBe("last week");
    expect(formatRelative(null, now, en)).toBe(NOT_AVAILABLE);
  });
});
