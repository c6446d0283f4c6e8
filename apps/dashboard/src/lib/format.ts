/**
 * Numbers as people read them: money from integer minor units, rates that say "—" when there is
 * nothing to divide, RFC 3339 UTC timestamps in the reader's time zone.
 *
 * Every function takes the locale (and time zone) as an argument with the browser's as default,
 * so tests pin them and the output never depends on the machine.
 */

export interface FormatOptions {
  /** BCP 47 tag; the browser's language when omitted. */
  locale?: string | undefined;
}

/** What the app shows where a number cannot honestly be given (0 of 0, a missing field). */
export const NOT_AVAILABLE = "—";

const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions) {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

/** Minor-unit digits of an ISO 4217 currency (2 for USD, 0 for JPY, 3 for KWD), or null if unknown. */
export function currencyDigits(currency: string): number | null {
  try {
    return (
      new Intl.NumberFormat("en", {
        style: "currency",
        currency: currency.toUpperCase(),
      }).resolvedOptions().maximumFractionDigits ?? 2
    );
  } catch {
    return null;
  }
}

export interface MoneyOptions extends FormatOptions {
  /** Short form for large amounts ("$12K") on KPI tiles; the exact amount stays available. */
  compact?: boolean;
}

/** Amounts from this many major units on are shortened when `compact` is asked for. */
const COMPACT_FROM = 10_000;

/**
 * Integer minor units (cents for USD, yen for JPY: docs/design.md §2.1 "money is integer cents")
 * with an ISO currency code → `$49.00`. A malformed code is shown as given, not guessed: `49.00 US`.
 */
export function formatMoney(minor: number, currency: string, options: MoneyOptions = {}): string {
  const code = currency.toUpperCase();
  const digits = currencyDigits(code);
  if (digits === null) {
    const amount = numberFormat(options.locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(minor / 100);
    return `${amount} ${code}`;
  }
  const major = minor / 10 ** digits;
  if (options.compact && Math.abs(major) >= COMPACT_FROM) {
    return numberFormat(options.locale, {
      style: "currency",
      currency: code,
      notation: "compact",
      maximumFractionDigits: 1,
    }).format(major);
  }
  return numberFormat(options.locale, { style: "currency", currency: code }).format(major);
}

/** `part / whole`, or null when `whole` is 0 (or either is missing): a rate of nothing is no rate. */
export function ratio(
  part: number | null | undefined,
  whole: number | null | undefined,
): number | null {
  if (part === null || part === undefined || whole === null || whole === undefined) return null;
  if (whole === 0 || !Number.isFinite(part) || !Number.isFinite(whole)) return null;
  return part / whole;
}

/** 0.4286 → `42.9%`; null → `—`. */
export function formatRate(rate: number | null | undefined, options: FormatOptions = {}): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return NOT_AVAILABLE;
  return numberFormat(options.locale, {
    style: "percent",
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(rate);
}

/** 1234 → `1,234`. */
export function formatCount(value: number, options: FormatOptions = {}): string {
  return numberFormat(options.locale, { maximumFractionDigits: 0 }).format(value);
}

export interface DateOptions extends FormatOptions {
  /** IANA time zone; the browser's when omitted. */
  timeZone?: string | undefined;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(options: DateOptions, style: Intl.DateTimeFormatOptions) {
  const key = `${options.locale ?? ""}|${options.timeZone ?? ""}|${JSON.stringify(style)}`;
  let format = dateFormatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(options.locale, {
      ...style,
      ...(options.timeZone && { timeZone: options.timeZone }),
    });
    dateFormatters.set(key, format);
  }
  return format;
}

function parseTimestamp(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** RFC 3339 UTC → the reader's local date and time, e.g. `Mar 4, 2026, 2:05 PM`; `—` if invalid. */
export function formatDateTime(iso: string | null | undefined, options: DateOptions = {}): string {
  const date = iso ? parseTimestamp(iso) : null;
  if (!date) return NOT_AVAILABLE;
  return dateFormat(options, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** RFC 3339 UTC → the reader's local date, e.g. `Mar 4, 2026`; `—` if invalid. */
export function formatDate(iso: string | null | undefined, options: DateOptions = {}): string {
  const date = iso ? parseTimestamp(iso) : null;
  if (!date) return NOT_AVAILABLE;
  return dateFormat(options, { dateStyle: "medium" }).format(date);
}

/**
 * A UTC calendar day `YYYY-MM-DD` (a period bound or a chart bucket) → `Mar 4, 2026`, in UTC so
 * the day never shifts with the reader's time zone.
 */
export function formatDay(day: string, options: FormatOptions & { short?: boolean } = {}): string {
  const date = parseTimestamp(`${day}T00:00:00Z`);
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return NOT_AVAILABLE;
  return dateFormat(
    { locale: options.locale, timeZone: "UTC" },
    options.short ? { month: "short", day: "numeric" } : { dateStyle: "medium" },
  ).format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** `3 hours ago`, `in 23 hours`, `now`; `—` if invalid. */
export function formatRelative(
  iso: string | null | undefined,
  now: number,
  options: FormatOptions = {},
): string {
  const date = iso ? parseTimestamp(iso) : null;
  if (!date) return NOT_AVAILABLE;
  const seconds = Math.round((date.getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(options.locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, "second");
}
