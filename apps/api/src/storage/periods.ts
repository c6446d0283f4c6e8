/**
 * Periods over UTC days. Timestamps are ISO strings with milliseconds (`toIso`), so a day is the
 * first 10 characters and strings compare as times.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export const dayOf = (iso: string): string => iso.slice(0, 10);

export const midnightOf = (day: string): string => `${day}T00:00:00.000Z`;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(midnightOf(day)) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * [from, to) as the whole UTC days it covers (counted from daily counters) and at most two cut
 * pieces at its ends (counted from events): `days` is null when no whole day is covered.
 */
export function splitPeriod(
  from: string,
  to: string,
): { days: { from: string; to: string } | null; cuts: { from: string; to: string }[] } {
  if (from >= to) return { days: null, cuts: [] };
  const firstWhole = from === midnightOf(dayOf(from)) ? dayOf(from) : addDays(dayOf(from), 1);
  const endWhole = dayOf(to); // days before this one end at or before `to`
  if (firstWhole >= endWhole) return { days: null, cuts: [{ from, to }] };
  const cuts: { from: string; to: string }[] = [];
  if (from < midnightOf(firstWhole)) cuts.push({ from, to: midnightOf(firstWhole) });
  if (midnightOf(endWhole) < to) cuts.push({ from: midnightOf(endWhole), to });
  return { days: { from: firstWhole, to: endWhole }, cuts };
}
