/**
 * What the Analytics screen shows, computed from the API's counts (docs/design.md §8): rates are
 * recomputed from their parts so that "0 of 0" reads "—", never "0%".
 */
import {
  CANCEL_REASONS,
  type CancelReason,
  type ChurnStats as PeriodStats,
  type TimeseriesPoint,
} from "@windback/protocol";
import { ratio } from "./format";

export interface Kpis {
  submissions: number;
  /** Offers accepted ÷ submissions (the API's `save_rate`), null when there were none. */
  saveRate: number | null;
  offersAccepted: number;
  savedMrr: number;
  /** MRR (cents) of the period's events that ended lost. */
  lostMrr: number;
}

export function kpisOf(stats: PeriodStats): Kpis {
  const flow = stats.cancel_flow;
  return {
    submissions: flow.submissions,
    saveRate: ratio(flow.offers_accepted, flow.submissions),
    offersAccepted: flow.offers_accepted,
    savedMrr: flow.saved_mrr,
    lostMrr: stats.lost_mrr,
  };
}

export interface ReasonRow {
  reason: CancelReason | string;
  submissions: number;
  /** This reason's share of all submissions; null when there were none. */
  share: number | null;
  offersShown: number;
  offersAccepted: number;
  /** Offers accepted ÷ offers shown for this reason; null when none were shown or unknown. */
  saveRate: number | null;
}

/** One row per reason with submissions, most first; ties in the contract's reason order. */
export function reasonRows(stats: PeriodStats): ReasonRow[] {
  const total = stats.cancel_flow.by_reason.reduce((sum, row) => sum + row.submissions, 0);
  const order = (reason: string) => {
    const index = (CANCEL_REASONS as readonly string[]).indexOf(reason);
    return index === -1 ? CANCEL_REASONS.length : index;
  };
  return stats.cancel_flow.by_reason
    .filter((row) => row.submissions > 0)
    .map((row) => {
      return {
        reason: row.reason,
        submissions: row.submissions,
        share: ratio(row.submissions, total),
        offersShown: row.offers_shown,
        offersAccepted: row.offers_accepted,
        saveRate: ratio(row.offers_accepted, row.offers_shown),
      };
    })
    .sort((a, b) => b.submissions - a.submissions || order(a.reason) - order(b.reason));
}

/** Whether the period holds nothing at all to chart or count. */
export function isEmptyPeriod(stats: PeriodStats): boolean {
  return stats.total_events === 0 && stats.cancel_flow.submissions === 0;
}

export interface ChartData {
  /** Bucket starts as Unix seconds (UTC midnight), what uPlot's time axis takes. */
  x: number[];
  submissions: number[];
  saves: number[];
  cancellations: number[];
}

/** The three series of the chart: submissions, saves (offers accepted), cancellations. */
export function chartData(points: readonly TimeseriesPoint[]): ChartData {
  const data: ChartData = { x: [], submissions: [], saves: [], cancellations: [] };
  for (const point of points) {
    const time = Date.parse(`${point.date}T00:00:00Z`);
    if (Number.isNaN(time)) continue;
    data.x.push(time / 1000);
    data.submissions.push(point.submissions);
    data.saves.push(point.offers_accepted);
    data.cancellations.push(point.cancelled);
  }
  return data;
}

export interface SeriesTotals {
  submissions: number;
  saves: number;
  cancellations: number;
}

export function seriesTotals(points: readonly TimeseriesPoint[]): SeriesTotals {
  return points.reduce(
    (sum, p) => ({
      submissions: sum.submissions + p.submissions,
      saves: sum.saves + p.offers_accepted,
      cancellations: sum.cancellations + p.cancelled,
    }),
    { submissions: 0, saves: 0, cancellations: 0 },
  );
}
