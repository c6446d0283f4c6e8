import { describe, expect, it } from "vitest";
import {
  addDays,
  DEFAULT_PERIOD,
  daysBetween,
  initialPickerState,
  isDay,
  MAX_CUSTOM_DAYS,
  type PeriodChoice,
  periodFromQuery,
  periodToQuery,
  reducePeriodPicker,
  resolvePeriod,
  validateCustomRange,
} from "../src/lib/period";

// 2026-03-04 23:30 UTC: late enough that a local-time bug would land on the wrong day somewhere.
const NOW = Date.parse("2026-03-04T23:30:00Z");

describe("days", () => {
  it("accepts only real calendar days written YYYY-MM-DD", () => {
    expect(isDay("2026-03-04")).toBe(true);
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("2026-3-4")).toBe(false);
    expect(isDay("")).toBe(false);
    expect(isDay(undefined)).toBe(false);
  });

  it("adds days across months, years and DST changes", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(addDays("2026-03-29", -1)).toBe("2026-03-28");
    expect(daysBetween("2026-03-01", "2026-04-01")).toBe(31);
  });
});

describe("resolvePeriod: the [from, to) range the API gets", () => {
  it("last 7 days ends with today (UTC), included", () => {
    expect(resolvePeriod({ kind: "preset", preset: "7d" }, NOW)).toEqual({
      from: "2026-02-26",
      to: "2026-03-05",
      through: "2026-03-04",
      days: 7,
      interval: "day",
    });
  });

  it("30 and 90 days have daily buckets", () => {
    const thirty = resolvePeriod({ kind: "preset", preset: "30d" }, NOW);
    expect([thirty.from, thirty.to, thirty.days, thirty.interval]).toEqual([
      "2026-02-03",
      "2026-03-05",
      30,
      "day",
    ]);
    const ninety = resolvePeriod({ kind: "preset", preset: "90d" }, NOW);
    expect([ninety.days, ninety.interval]).toEqual([90, "day"]);
  });

  it("a custom range is used as given, weekly beyond 92 days", () => {
    const range = resolvePeriod({ kind: "custom", from: "2025-01-01", to: "2026-01-01" }, NOW);
    expect([range.from, range.to, range.through, range.days, range.interval]).toEqual([
      "2025-01-01",
      "2026-01-01",
      "2025-12-31",
      365,
      "week",
    ]);
    expect(
      resolvePeriod({ kind: "custom", from: "2026-01-01", to: "2026-04-03" }, NOW).interval,
    ).toBe("day");
    expect(
      resolvePeriod({ kind: "custom", from: "2026-01-01", to: "2026-04-04" }, NOW).interval,
    ).toBe("week");
  });
});

describe("custom range checks", () => {
  it("refuses what the API would not answer sensibly", () => {
    expect(validateCustomRange("2026-03-01", "2026-03-01")).toBeNull();
    expect(validateCustomRange("2026-03-02", "2026-03-01")).toBe("order");
    expect(validateCustomRange("2026-03-01", "")).toBe("invalid");
    expect(validateCustomRange("2026-02-30", "2026-03-01")).toBe("invalid");
    expect(
      validateCustomRange("2020-01-01", addDays("2020-01-01", MAX_CUSTOM_DAYS - 1)),
    ).toBeNull();
    expect(validateCustomRange("2020-01-01", addDays("2020-01-01", MAX_CUSTOM_DAYS))).toBe(
      "too_long",
    );
  });
});

describe("the period in the URL", () => {
  it("round-trips presets and custom ranges", () => {
    const choices: PeriodChoice[] = [
      { kind: "preset", preset: "7d" },
      { kind: "preset", preset: "90d" },
      { kind: "custom", from: "2026-01-01", to: "2026-02-01" },
    ];
    for (const choice of choices) expect(periodFromQuery(periodToQuery(choice))).toEqual(choice);
  });

  it("falls back to the default for anything malformed", () => {
    expect(periodFromQuery({})).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ period: "365d" })).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ from: "2026-02-01", to: "2026-01-01" })).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ from: "2026-01-01", to: "2026-01-01" })).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ from: "2026-01-01" })).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ from: "2010-01-01", to: "2026-01-01" })).toEqual(DEFAULT_PERIOD);
    expect(periodFromQuery({ from: "<script>", to: "2026-01-01" })).toEqual(DEFAULT_PERIOD);
  });
});

describe("the period picker", () => {
  const start = initialPickerState({ kind: "preset", preset: "30d" }, NOW);

  it("a preset applies at once and closes the custom inputs", () => {
    const opened = reducePeriodPicker(start, { type: "OPEN_CUSTOM", now: NOW });
    const picked = reducePeriodPicker(opened, { type: "PICK_PRESET", preset: "7d" });
    expect(picked.choice).toEqual({ kind: "preset", preset: "7d" });
    expect(picked.customOpen).toBe(false);
  });

  it("custom starts from the period on screen and applies only when valid", () => {
    const opened = reducePeriodPicker(start, { type: "OPEN_CUSTOM", now: NOW });
    expect([opened.customFrom, opened.customThrough]).toEqual(["2026-02-03", "2026-03-04"]);
    expect(opened.choice).toEqual(start.choice);

    const wrong = reducePeriodPicker(
      reducePeriodPicker(opened, { type: "EDIT_CUSTOM", from: "2026-03-10" }),
      { type: "APPLY_CUSTOM" },
    );
    expect(wrong.error).toBe("order");
    expect(wrong.choice).toEqual(start.choice);

    const fixed = reducePeriodPicker(wrong, { type: "EDIT_CUSTOM", from: "2026-03-01" });
    expect(fixed.error).toBeNull();
    const applied = reducePeriodPicker(fixed, { type: "APPLY_CUSTOM" });
    expect(applied.choice).toEqual({ kind: "custom", from: "2026-03-01", to: "2026-03-05" });
  });

  it("follows the URL when it changes elsewhere, and ignores a SYNC to the same period", () => {
    const synced = reducePeriodPicker(start, {
      type: "SYNC",
      choice: { kind: "custom", from: "2026-01-01", to: "2026-01-08" },
      now: NOW,
    });
    expect(synced.customOpen).toBe(true);
    expect([synced.customFrom, synced.customThrough]).toEqual(["2026-01-01", "2026-01-07"]);
    expect(
      reducePeriodPicker(start, {
        type: "SYNC",
        choice: { kind: "preset", preset: "30d" },
        now: NOW,
      }),
    ).toBe(start);
  });
});
