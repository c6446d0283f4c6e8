/**
 * The Analytics chart: submissions, saves and cancellations over time, drawn by uPlot on a canvas.
 * This module is the only one that imports uPlot, and the Analytics screen imports it
 * dynamically, so uPlot never weighs on the first load (scripts/build.mjs checks it).
 *
 * The canvas is invisible to assistive technology; the screen renders the same numbers as a
 * table beside it. Series differ by dash pattern as well as colour.
 */
import type { StatsInterval } from "@windback/protocol";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData } from "../lib/analytics";

export interface SeriesChartProps {
  data: ChartData;
  interval: StatsInterval;
  /** Changes when the theme does, so the chart is redrawn with the new colours. */
  themeKey: string;
  height?: number;
}

const cssVar = (el: Element, name: string, fallback: string) =>
  getComputedStyle(el).getPropertyValue(name).trim() || fallback;

export function SeriesChart({ data, interval, themeKey, height = 260 }: SeriesChartProps) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const text = cssVar(root, "--muted", "#4b5563");
    const grid = cssVar(root, "--border", "#e5e7eb");
    const axis = (): uPlot.Axis => ({
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    });
    const plot = new uPlot(
      {
        width: Math.max(root.clientWidth, 280),
        height,
        // Buckets are UTC days (docs/design.md §8): label them in UTC, not the reader's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          { label: interval === "week" ? "Week of" : "Day", value: "{MMM} {D}, {YYYY}" },
          { label: "Submissions", stroke: cssVar(root, "--chart-1", "#4338ca"), width: 2 },
          { label: "Saves", stroke: cssVar(root, "--chart-2", "#047857"), width: 2, dash: [8, 4] },
          {
            label: "Cancellations",
            stroke: cssVar(root, "--chart-3", "#b91c1c"),
            width: 2,
            dash: [2, 3],
          },
        ],
        axes: [
          axis(),
          {
            ...axis(),
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")),
          },
        ],
        cursor: { drag: { x: false, y: false } },
      },
      [data.x, data.submissions, data.saves, data.cancellations],
      root,
    );
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(root.clientWidth, 280), height });
    });
    observer.observe(root);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, interval, themeKey, height]);

  return <div class="chart" ref={ref} aria-hidden="true" />;
}
