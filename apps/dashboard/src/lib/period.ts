/**
 * The analytics period: presets (last 7, 30, 90 days) or a custom range, kept in the URL, turned
 * into the half-open UTC range [from, to) the API expects (docs/design.md §8).
 *
 * Days are UTC days, like the API's timeseries buckets, so the KPI tiles and the chart's buckets
 * add up to the same totals. People pick an inclusive "through" day; the API gets `to` = the day
 * after it.
 */
import type { StatsInterval } from "@windback/protocol";

export const PERIOD_PRESETS = [
  { id: "7d", days: 7, label: "Last 7 days" },
  { id: "30d", days: 30, label: "Last 30 days" },
  { id: "90d", days: 90, label: "Last 90 days" },
] as const;
type PresetId = (typeof PERIOD_PRESETS)[number]["id"];

/** A preset, or a custom [from, to) range of `YYYY-MM-DD` UTC days. */
export type PeriodChoice =
  | { kind: "preset"; preset: PresetId }
  | { kind: "custom"; from: string; to: string };

export const DEFAULT_PERIOD: PeriodChoice = { kind: "preset", preset: "30d" };

/** The longest custom range (3 years: 157 weekly buckets, well under the API's 366). */
export const MAX_CUSTOM_DAYS = 1096;
/** Up to this many days the chart has a bucket per day; beyond, one per week. */
const MAX_DAILY_DAYS = 92;

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD` (2026-02-30 is not). */
export function isDay(value: string | null | undefined): value is string {
  if (!value || !DAY_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The UTC day of a timestamp in milliseconds. */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface ResolvedPeriod {
  /** First day, inclusive. */
  from: string;
  /** The day after the last one: [from, to). */
  to: string;
  /** The last day, inclusive (what people read). */
  through: string;
  days: number;
  interval: StatsInterval;
}

/** The [from, to) range of a choice; a preset's range ends with today (UTC), included. */
export function resolvePeriod(choice: PeriodChoice, now: number): ResolvedPeriod {
  let from: string;
  let to: string;
  if (choice.kind === "preset") {
    const days = PERIOD_PRESETS.find((p) => p.id === choice.preset)?.days ?? 30;
    to = addDays(utcDay(now), 1);
    from = addDays(to, -days);
  } else {
    ({ from, to } = choice);
  }
  const days = daysBetween(from, to);
  return {
    from,
    to,
    through: addDays(to, -1),
    days,
    interval: days <= MAX_DAILY_DAYS ? "day" : "week",
  };
}

export type CustomRangeError = "invalid" | "order" | "too_long";

export const CUSTOM_RANGE_MESSAGES: Record<CustomRangeError, string> = {
  invalid: "Enter both days as dates (YYYY-MM-DD).",
  order: "The first day must be on or before the last day.",
  too_long: `Choose at most ${MAX_CUSTOM_DAYS} days (3 years).`,
};

/** Checks an inclusive custom range as typed; null when it is usable. */
export function validateCustomRange(from: string, through: string): CustomRangeError | null {
  if (!isDay(from) || !isDay(through)) return "invalid";
  const days = daysBetween(from, through) + 1;
  if (days < 1) return "order";
  if (days > MAX_CUSTOM_DAYS) return "too_long";
  return null;
}

/** The period in the URL: `?period=7d`, or `?from=2026-01-01&to=2026-02-01` ([from, to)). */
export function periodFromQuery(query: Readonly<Record<string, string | undefined>>): PeriodChoice {
  const preset = PERIOD_PRESETS.find((p) => p.id === query.period);
  if (preset) return { kind: "preset", preset: preset.id };
  const { from, to } = query;
  if (isDay(from) && isDay(to) && validateCustomRange(from, addDays(to, -1)) === null) {
    return { kind: "custom", from, to };
  }
  return DEFAULT_PERIOD;
}

export function periodToQuery(choice: PeriodChoice): Record<string, string> {
  return choice.kind === "preset"
    ? { period: choice.preset }
    : { from: choice.from, to: choice.to };
}

export function samePeriod(a: PeriodChoice, b: PeriodChoice): boolean {
  if (a.kind === "preset" || b.kind === "preset") {
    return a.kind === b.kind && a.kind === "preset" && b.kind === "preset" && a.preset === b.preset;
  }
  return a.from === b.from && a.to === b.to;
}

// ── The period picker: a pure reducer over what the user has typed and chosen ──

export interface PeriodPickerState {
  /** The period in effect (what the data on screen is for). */
  choice: PeriodChoice;
  /** Whether the custom range inputs are shown. */
  customOpen: boolean;
  /** The custom range as typed, inclusive. */
  customFrom: string;
  customThrough: string;
  error: CustomRangeError | null;
}

export type PeriodPickerEvent =
  | { type: "PICK_PRESET"; preset: PresetId }
  | { type: "OPEN_CUSTOM"; now: number }
  | { type: "EDIT_CUSTOM"; from?: string; through?: string }
  | { type: "APPLY_CUSTOM" }
  | { type: "SYNC"; choice: PeriodChoice; now: number };

export function initialPickerState(choice: PeriodChoice, now: number): PeriodPickerState {
  const resolved = resolvePeriod(choice, now);
  return {
    choice,
    customOpen: choice.kind === "custom",
    customFrom: resolved.from,
    customThrough: resolved.through,
    error: null,
  };
}

export function reducePeriodPicker(
  state: PeriodPickerState,
  event: PeriodPickerEvent,
): PeriodPickerState {
  switch (event.type) {
    case "PICK_PRESET":
      return {
        ...state,
        choice: { kind: "preset", preset: event.preset },
        customOpen: false,
        error: null,
      };
    case "OPEN_CUSTOM": {
      // Start from the range on screen, so "custom" begins as the period the user was looking at.
      const resolved = resolvePeriod(state.choice, event.now);
      return {
        ...state,
        customOpen: true,
        customFrom: resolved.from,
        customThrough: resolved.through,
        error: null,
      };
    }
    case "EDIT_CUSTOM":
      return {
        ...state,
        customFrom: event.from ?? state.customFrom,
        customThrough: event.through ?? state.customThrough,
        error: null,
      };
    case "APPLY_CUSTOM": {
      const error = validateCustomRange(state.customFrom, state.customThrough);
      if (error) return { ...state, error };
      return {
        ...state,
        error: null,
        choice: { kind: "custom", from: state.customFrom, to: addDays(state.customThrough, 1) },
      };
    }
    case "SYNC":
      // The URL changed (back button, a link): it wins over what was on screen.
      if (samePeriod(state.choice, event.choice)) return state;
      return initialPickerState(event.choice, event.now);
  }
}
