import type { ChurnStats as PeriodStats, TimeseriesPoint } from "@windback/protocol";
import { describe, expect, it } from "vitest";
import { chartData, isEmptyPeriod, kpisOf, reasonRows, seriesTotals } from "../src/lib/analytics";

function stats(
  overrides: Partial<PeriodStats["cancel_flow"]> = {},
  top: Partial<PeriodStats> = {},
): PeriodStats {
  return {
    total_events: 10,
    new_events: 2,
    offer_accepted_events: 3,
    recovered_events: 1,
    lost_events: 4,
    total_mrr_at_risk: 9800,
    recovered_mrr: 19600,
    recovery_rate: 0.4,
    lost_mrr: 0,
    claimed_mrr: { total_mrr_at_risk: 0, recovered_mrr: 0, saved_mrr: 0 },
    cancel_flow: {
      submissions: 7,
      offers_shown: 5,
      offers_accepted: 3,
      offers_declined: 2,
      save_rate: 0.4286,
      saved_mrr: 14700,
      by_reason: [
        {
          reason: "missing_features",
          submissions: 2,
          offers_shown: 0,
          offers_accepted: 0,
          save_rate: 0,
        },
        {
          reason: "too_expensive",
          submissions: 5,
          offers_shown: 5,
          offers_accepted: 3,
          save_rate: 0.6,
        },
      ],
      ...overrides,
    },
    ...top,
  };
}

const point = (date: string, n: Partial<TimeseriesPoint> = {}): TimeseriesPoint => ({
  date,
  submissions: 0,
  offers_shown: 0,
  offers_accepted: 0,
  offers_declined: 0,
  cancelled: 0,
  saved_mrr: 0,
  lost_mrr: 0,
  ...n,
});

describe("KPI tiles", () => {
  it("save rate is recomputed from its parts, and is null with no submissions", () => {
    expect(kpisOf(stats()).saveRate).toBeCloseTo(3 / 7);
    expect(kpisOf(stats({ submissions: 0, offers_accepted: 0, save_rate: 0 })).saveRate).toBeNull();
  });

  it("lost MRR is the period's lost events' MRR, from the stats", () => {
    expect(kpisOf(stats({}, { lost_mrr: 4900 })).lostMrr).toBe(4900);
  });
});

describe("by reason", () => {
  it("share of submissions, most first; a reason that showed no offer has no save rate", () => {
    expect(reasonRows(stats())).toEqual([
      {
        reason: "too_expensive",
        submissions: 5,
        share: 5 / 7,
        offersShown: 5,
        offersAccepted: 3,
        saveRate: 3 / 5,
      },
      {
        reason: "missing_features",
        submissions: 2,
        share: 2 / 7,
        offersShown: 0,
        offersAccepted: 0,
        saveRate: null,
      },
    ]);
  });

  it("save rate = accepted ÷ shown for that reason, null when none were shown", () => {
    const rows = reasonRows(
      stats({
        by_reason: [
          {
            reason: "too_expensive",
            submissions: 5,
            offers_accepted: 3,
            offers_shown: 4,
            save_rate: 0.75,
          },
          { reason: "other", submissions: 1, offers_accepted: 0, offers_shown: 0, save_rate: 0 },
          {
            reason: "poor_support",
            submissions: 0,
            offers_accepted: 0,
            offers_shown: 0,
            save_rate: 0,
          },
        ],
      }),
    );
    expect(rows.map((r) => [r.reason, r.saveRate])).toEqual([
      ["too_expensive", 0.75],
      ["other", null],
    ]);
  });

  it("ties keep the contract's reason order", () => {
    const rows = reasonRows(
      stats({
        by_reason: [
          { reason: "other", submissions: 2, offers_shown: 0, offers_accepted: 0, save_rate: 0 },
          {
            reason: "too_expensive",
            submissions: 2,
            offers_shown: 0,
            offers_accepted: 0,
            save_rate: 0,
          },
        ],
      }),
    );
    expect(rows.map((r) => r.reason)).toEqual(["too_expensive", "other"]);
  });
});

describe("chart", () => {
  it("turns UTC bucket days into Unix seconds and picks the three series", () => {
    const points = [
      point("2026-03-01", { submissions: 3, offers_accepted: 1, cancelled: 2 }),
      point("2026-03-02", { submissions: 1, cancelled: 1 }),
    ];
    expect(chartData(points)).toEqual({
      x: [Date.UTC(2026, 2, 1) / 1000, Date.UTC(2026, 2, 2) / 1000],
      submissions: [3, 1],
      saves: [1, 0],
      cancellations: [2, 1],
    });
    expect(seriesTotals(points)).toEqual({ submissions: 4, saves: 1, cancellations: 3 });
  });

  it("an empty period is one with no event at all", () => {
    expect(isEmptyPeriod(stats())).toBe(false);
    expect(isEmptyPeriod(stats({ submissions: 0 }, { total_events: 0 }))).toBe(true);
  });
});
