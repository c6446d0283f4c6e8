/**
 * Stats and the timeseries for a period (docs/design.md §2.7, §8), from the counters the storage
 * keeps with every change (storage/counters.ts): their cost follows the number of days, never the
 * number of events.
 */
import {
  type CancelReason,
  type ChurnStats,
  type StatsInterval,
  TIMESERIES_MAX_BUCKETS,
  type TimeseriesPoint,
} from "@windback/protocol";
import { toIso } from "../lib/clock.js";
import { badRequest } from "../lib/errors.js";
import { seriesFromDayCounters, statsFromCounters } from "../storage/counters.js";
import { addDays, dayOf, midnightOf } from "../storage/periods.js";
import type { Repositories } from "../storage/types.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const EARLIEST = "1970-01-01T00:00:00.000Z";
const LATEST = "9999-12-31T23:59:59.999Z";

/** A fraction from 0 to 1 rounded to 4 decimals; 0 when there is nothing to divide. */
export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

/** `YYYY-MM-DD` (UTC midnight) or an RFC 3339 date-time → an ISO timestamp, or a 400 naming `field`. */
export function parseBound(value: string, field: string): string {
  const text = value.trim();
  const ms = DAY.test(text)
    ? Date.parse(`${text}T00:00:00.000Z`)
    : RFC3339.test(text)
      ? Date.parse(text)
      : Number.NaN;
  // Date.parse accepts 2026-02-30 by rolling over; a day that does not exist is refused.
  if (!Number.isFinite(ms) || (DAY.test(text) && toIso(ms).slice(0, 10) !== text)) {
    throw badRequest(`${field} must be a day (YYYY-MM-DD) or an RFC 3339 date-time`);
  }
  const iso = toIso(ms);
  if (iso < EARLIEST || iso > LATEST) throw badRequest(`${field} is out of range`);
  return iso;
}

/** [from, to) from optional query bounds; a missing bound is open. */
export function parsePeriod(query: { from?: string; to?: string }): { from: string; to: string } {
  const from = query.from === undefined ? EARLIEST : parseBound(query.from, "querystring/from");
  const to = query.to === undefined ? LATEST : parseBound(query.to, "querystring/to");
  if (from >= to) throw badRequest("querystring/from must be before querystring/to");
  return { from, to };
}

/** The Monday (UTC) of the ISO week a day falls in. */
function mondayOf(day: string): string {
  const weekday = new Date(midnightOf(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * The bucket starts of [from, to): whole UTC days (a `to` after midnight includes its day); weeks
 * start on Monday, the first one on the Monday of `from`'s week (it counts only days from `from`).
 */
export function bucketStarts(
  from: string,
  to: string,
  interval: StatsInterval,
): { starts: string[]; fromDay: string; toDay: string } {
  const fromDay = dayOf(from);
  const toDay = to === midnightOf(dayOf(to)) ? dayOf(to) : addDays(dayOf(to), 1);
  const step = interval === "week" ? 7 : 1;
  const starts: string[] = [];
  for (
    let day = interval === "week" ? mondayOf(fromDay) : fromDay;
    day < toDay;
    day = addDays(day, step)
  ) {
    starts.push(day);
    if (starts.length > TIMESERIES_MAX_BUCKETS) {
      throw badRequest(
        `The period holds more than ${TIMESERIES_MAX_BUCKETS} ${interval}s; choose a shorter period or interval=week`,
      );
    }
  }
  return { starts, fromDay, toDay };
}

export function createStatsService(deps: { repos: Repositories }) {
  const { repos } = deps;
  return {
    /** §2.7 for the events created in `period` (all time without one). */
    async stats(
      projectId: string,
      scope: { livemode: boolean; period?: { from: string; to: string } },
    ): Promise<ChurnStats> {
      const s = statsFromCounters(await repos.churnEvents.counters(projectId, scope));
      return {
        total_events: s.totalEvents,
        new_events: s.newEvents,
        offer_accepted_events: s.offerAcceptedEvents,
        recovered_events: s.recoveredEvents,
        lost_events: s.lostEvents,
        total_mrr_at_risk: s.totalMrrAtRisk,
        recovered_mrr: s.recoveredMrr,
        lost_mrr: s.lostMrr,
        recovery_rate: rate(s.recoveredEvents + s.offerAcceptedEvents, s.totalEvents),
        claimed_mrr: {
          total_mrr_at_risk: s.claimedMrrAtRisk,
          recovered_mrr: s.claimedRecoveredMrr,
          saved_mrr: s.claimedSavedMrr,
        },
        cancel_flow: {
          submissions: s.submissions,
          offers_shown: s.offersShown,
          offers_accepted: s.offersAccepted,
          offers_declined: s.offersDeclined,
          save_rate: rate(s.offersAccepted, s.submissions),
          saved_mrr: s.savedMrr,
          by_reason: s.byReason.map((row) => ({
            reason: row.reason as CancelReason,
            submissions: row.submissions,
            offers_shown: row.offersShown,
            offers_accepted: row.offersAccepted,
            save_rate: rate(row.offersAccepted, row.offersShown),
          })),
        },
      };
    },

    /** Every bucket of [from, to), zeros included, oldest first (docs/design.md §8). */
    async timeseries(
      projectId: string,
      scope: { livemode: boolean; from: string; to: string; interval: StatsInterval },
    ): Promise<{ interval: StatsInterval; points: TimeseriesPoint[] }> {
      const { starts, fromDay, toDay } = bucketStarts(scope.from, scope.to, scope.interval);
      const rows = await repos.churnEvents.dailyCounters(projectId, {
        livemode: scope.livemode,
        fromDay,
        toDay,
      });
      return {
        interval: scope.interval,
        points: seriesFromDayCounters(starts, rows).map((p) => ({
          date: p.date,
          submissions: p.submissions,
          offers_shown: p.offersShown,
          offers_accepted: p.offersAccepted,
          offers_declined: p.offersDeclined,
          cancelled: p.cancelled,
          saved_mrr: p.savedMrr,
          lost_mrr: p.lostMrr,
        })),
      };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
