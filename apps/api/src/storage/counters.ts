/**
 * The churn counters every backend keeps in the transaction of each change: events and MRR per
 * combination of the dimensions below, for all time and per UTC day of creation. Stats and the
 * timeseries are computed from them here, once, whatever the backend, so their cost follows the
 * number of counter rows (hundreds per day at most), never the number of events.
 */
import type { ChurnSource, ChurnStatus } from "@windback/protocol";
import type { ChurnStatsRow } from "./types.js";

export interface CounterRow {
  source: ChurnSource;
  /** '' for events without a reason. */
  cancelReason: string;
  status: ChurnStatus;
  offerShown: boolean;
  offerDeclined: boolean;
  offerAccepted: boolean;
  mrrVerified: boolean;
  events: number;
  mrrCents: number;
}

/**
 * A day's counters summed over the dimensions the timeseries does not split by (the reason and
 * whether the MRR is verified): a few dozen rows per day however many events it had, so the
 * timeseries reads the same number of rows at 10 k events as at 1 M.
 */
export interface DaySeriesRow
  extends Pick<
    CounterRow,
    "source" | "status" | "offerShown" | "offerDeclined" | "offerAccepted" | "events" | "mrrCents"
  > {
  /** YYYY-MM-DD (UTC), the day the events were created. */
  day: string;
}

const saved = (row: Pick<CounterRow, "source" | "offerAccepted" | "status">) =>
  row.source === "cancel_flow" &&
  row.offerAccepted &&
  (row.status === "offer_accepted" || row.status === "recovered");

/** The headline numbers of docs/design.md §2.7 from counter rows. */
export function statsFromCounters(rows: readonly CounterRow[]): ChurnStatsRow {
  const stats: ChurnStatsRow = {
    totalEvents: 0,
    newEvents: 0,
    offerAcceptedEvents: 0,
    recoveredEvents: 0,
    lostEvents: 0,
    totalMrrAtRisk: 0,
    recoveredMrr: 0,
    lostMrr: 0,
    submissions: 0,
    offersShown: 0,
    offersAccepted: 0,
    offersDeclined: 0,
    savedMrr: 0,
    claimedMrrAtRisk: 0,
    claimedRecoveredMrr: 0,
    claimedSavedMrr: 0,
    byReason: [],
  };
  const byReason = new Map<string, ChurnStatsRow["byReason"][number]>();
  for (const row of rows) {
    const { events, mrrCents: mrr } = row;
    const claimed = !row.mrrVerified;
    stats.totalEvents += events;
    if (row.status === "new") {
      stats.newEvents += events;
      stats.totalMrrAtRisk += mrr;
      if (claimed) stats.claimedMrrAtRisk += mrr;
    } else if (row.status === "lost") {
      stats.lostEvents += events;
      stats.lostMrr += mrr;
    } else {
      if (row.status === "offer_accepted") stats.offerAcceptedEvents += events;
      else stats.recoveredEvents += events;
      stats.recoveredMrr += mrr;
      if (claimed) stats.claimedRecoveredMrr += mrr;
    }
    if (row.source !== "cancel_flow") continue;
    stats.submissions += events;
    if (row.offerShown) stats.offersShown += events;
    if (row.offerAccepted) stats.offersAccepted += events;
    if (row.offerDeclined) stats.offersDeclined += events;
    if (saved(row)) {
      stats.savedMrr += mrr;
      if (claimed) stats.claimedSavedMrr += mrr;
    }
    if (row.cancelReason !== "") {
      const reason = byReason.get(row.cancelReason) ?? {
        reason: row.cancelReason,
        submissions: 0,
        offersShown: 0,
        offersAccepted: 0,
      };
      reason.submissions += events;
      if (row.offerShown) reason.offersShown += events;
      if (row.offerAccepted) reason.offersAccepted += events;
      byReason.set(row.cancelReason, reason);
    }
  }
  stats.byReason = [...byReason.values()]
    .filter((row) => row.submissions > 0)
    .sort((a, b) => b.submissions - a.submissions || (a.reason < b.reason ? -1 : 1));
  return stats;
}

/** Adds rows of the same dimensions together (counts from the daily table and from events). */
export function mergeCounters(...parts: readonly (readonly CounterRow[])[]): CounterRow[] {
  const merged = new Map<string, CounterRow>();
  for (const rows of parts) {
    for (const row of rows) {
      const key = [
        row.source,
        row.cancelReason,
        row.status,
        row.offerShown,
        row.offerDeclined,
        row.offerAccepted,
        row.mrrVerified,
      ].join("|");
      const existing = merged.get(key);
      if (existing) {
        existing.events += row.events;
        existing.mrrCents += row.mrrCents;
      } else {
        merged.set(key, { ...row });
      }
    }
  }
  return [...merged.values()];
}

/** One bucket of the timeseries (docs/design.md §8), from the counters of its days. */
export interface SeriesPoint {
  date: string;
  submissions: number;
  offersShown: number;
  offersAccepted: number;
  offersDeclined: number;
  cancelled: number;
  savedMrr: number;
  lostMrr: number;
}

/**
 * Buckets of `days` (each a YYYY-MM-DD bucket start, ascending) filled from day counters: a day
 * belongs to the last bucket that starts on or before it. Every bucket is present, zeros
 * included; each counts the events created in it, with their outcome so far, so the buckets of a
 * period add up to the stats of that period.
 */
export function seriesFromDayCounters(
  bucketStarts: readonly string[],
  rows: readonly DaySeriesRow[],
): SeriesPoint[] {
  const points = bucketStarts.map(
    (date): SeriesPoint => ({
      date,
      submissions: 0,
      offersShown: 0,
      offersAccepted: 0,
      offersDeclined: 0,
      cancelled: 0,
      savedMrr: 0,
      lostMrr: 0,
    }),
  );
  for (const row of rows) {
    // Bucket starts are sorted: binary search for the last start <= row.day.
    let lo = 0;
    let hi = bucketStarts.length - 1;
    let index = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((bucketStarts[mid] as string) <= row.day) {
        index = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const point = points[index];
    if (!point) continue;
    if (row.status === "lost") {
      point.cancelled += row.events;
      point.lostMrr += row.mrrCents;
    }
    if (row.source !== "cancel_flow") continue;
    point.submissions += row.events;
    if (row.offerShown) point.offersShown += row.events;
    if (row.offerAccepted) point.offersAccepted += row.events;
    if (row.offerDeclined) point.offersDeclined += row.events;
    if (saved(row)) point.savedMrr += row.mrrCents;
  }
  return points;
}
