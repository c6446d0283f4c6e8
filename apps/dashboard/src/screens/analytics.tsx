/**
 * Analytics for a period: KPI tiles (`GET …/stats?from=&to=`), a chart over time
 * (`GET …/stats/timeseries?from=&to=&interval=`) and the reasons with their own save rates.
 * The period lives in the URL, so a view can be bookmarked and shared.
 */
import type { Project, StatsTimeseries } from "@windback/protocol";
import type { ComponentType } from "preact";
import { useEffect, useId, useReducer, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { ModeSwitch, TestModeNotice } from "../components/mode-switch";
import { Page } from "../components/page";
import { ScrollRegion } from "../components/scroll-region";
import type { SeriesChartProps } from "../components/series-chart";
import { EmptyState, ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import { chartData, isEmptyPeriod, kpisOf, reasonRows } from "../lib/analytics";
import { formatCount, formatDay, formatMoney, formatRate, NOT_AVAILABLE } from "../lib/format";
import { reasonLabel } from "../lib/labels";
import { modeFromQuery, modeQuery } from "../lib/mode";
import { paths } from "../lib/paths";
import {
  CUSTOM_RANGE_MESSAGES,
  initialPickerState,
  PERIOD_PRESETS,
  type PeriodChoice,
  periodFromQuery,
  periodToQuery,
  reducePeriodPicker,
  resolvePeriod,
  samePeriod,
} from "../lib/period";
import { DISPLAY_CURRENCIES, displayCurrency, setDisplayCurrency } from "../lib/preferences";
import { effectiveTheme } from "../lib/theme";

function PeriodPicker({
  choice,
  onChange,
}: {
  choice: PeriodChoice;
  onChange(choice: PeriodChoice): void;
}) {
  const [state, dispatch] = useReducer(reducePeriodPicker, choice, (c) =>
    initialPickerState(c, Date.now()),
  );
  const fromId = useId();
  const throughId = useId();
  const errorId = useId();

  // The URL changed (back button, a link): show its period.
  useEffect(() => dispatch({ type: "SYNC", choice, now: Date.now() }), [choice]);
  // A period chosen here goes to the URL, which drives the data.
  // Dependencies on purpose: only a new choice is reported.
  useEffect(() => {
    if (!samePeriod(state.choice, choice)) onChange(state.choice);
  }, [state.choice]);

  const selected = state.customOpen
    ? "custom"
    : choice.kind === "preset"
      ? choice.preset
      : "custom";
  return (
    <fieldset class="period-picker">
      <legend>Period (UTC days)</legend>
      <div class="segmented">
        {PERIOD_PRESETS.map((preset) => (
          <label key={preset.id} class="segment">
            <input
              type="radio"
              name="period"
              value={preset.id}
              checked={selected === preset.id}
              onChange={() => dispatch({ type: "PICK_PRESET", preset: preset.id })}
            />
            <span>{preset.label}</span>
          </label>
        ))}
        <label class="segment">
          <input
            type="radio"
            name="period"
            value="custom"
            checked={selected === "custom"}
            onChange={() => dispatch({ type: "OPEN_CUSTOM", now: Date.now() })}
          />
          <span>Custom</span>
        </label>
      </div>
      {state.customOpen && (
        <form
          class="custom-range"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            dispatch({ type: "APPLY_CUSTOM" });
          }}
        >
          <div class="field">
            <label for={fromId}>From</label>
            <input
              id={fromId}
              type="date"
              value={state.customFrom}
              aria-invalid={state.error ? "true" : undefined}
              aria-describedby={state.error ? errorId : undefined}
              onInput={(e) => dispatch({ type: "EDIT_CUSTOM", from: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for={throughId}>Through</label>
            <input
              id={throughId}
              type="date"
              value={state.customThrough}
              aria-invalid={state.error ? "true" : undefined}
              aria-describedby={state.error ? errorId : undefined}
              onInput={(e) => dispatch({ type: "EDIT_CUSTOM", through: e.currentTarget.value })}
            />
          </div>
          <button type="submit" class="button">
            Apply
          </button>
          {state.error && (
            <p class="field-error" id={errorId} role="alert">
              {CUSTOM_RANGE_MESSAGES[state.error]}
            </p>
          )}
        </form>
      )}
    </fieldset>
  );
}

function Tile({
  label,
  value,
  detail,
  exact,
}: {
  label: string;
  value: string;
  detail?: string;
  exact?: string;
}) {
  return (
    <div class="tile">
      <dt>{label}</dt>
      <dd>
        <span class="tile-value" title={exact}>
          {value}
        </span>
        {exact && exact !== value && <span class="sr-only"> ({exact})</span>}
        {detail && <span class="tile-detail">{detail}</span>}
      </dd>
    </div>
  );
}

function useThemeKey(): string {
  const { theme } = useApp();
  const [prefersDark, setPrefersDark] = useState(
    () => matchMedia("(prefers-color-scheme: dark)").matches,
  );
  useEffect(() => {
    const query = matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => setPrefersDark(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return effectiveTheme(theme, prefersDark);
}

function Chart({ series, interval }: { series: StatsTimeseries; interval: "day" | "week" }) {
  const [Component, setComponent] = useState<ComponentType<SeriesChartProps> | null>(null);
  const [failed, setFailed] = useState(false);
  const themeKey = useThemeKey();
  useEffect(() => {
    // uPlot arrives with this chunk only, when a chart is drawn.
    import("../components/series-chart").then(
      (m) => setComponent(() => m.SeriesChart),
      () => setFailed(true),
    );
  }, []);
  const data = chartData(series.points);
  if (failed)
    return (
      <InlineError error="The chart could not be loaded. The table below has the same numbers." />
    );
  if (!Component) return <Loading label="Loading the chart…" />;
  return <Component data={data} interval={interval} themeKey={themeKey} />;
}

function SeriesTable({ series, captionText }: { series: StatsTimeseries; captionText: string }) {
  return (
    <details class="series-table">
      <summary>The chart's numbers as a table</summary>
      <ScrollRegion label={captionText}>
        <table class="table">
          <caption>{captionText}</caption>
          <thead>
            <tr>
              <th scope="col">{series.interval === "week" ? "Week of" : "Day"}</th>
              <th scope="col">Submissions</th>
              <th scope="col">Saves</th>
              <th scope="col">Cancellations</th>
            </tr>
          </thead>
          <tbody>
            {series.points.map((p) => (
              <tr key={p.date}>
                <th scope="row">{formatDay(p.date)}</th>
                <td>{formatCount(p.submissions)}</td>
                <td>{formatCount(p.offers_accepted)}</td>
                <td>{formatCount(p.cancelled)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </details>
  );
}

export function AnalyticsScreen({ project }: { project: Project }) {
  const { api, announce } = useApp();
  const { query, path, route } = useLocation();
  const choice = periodFromQuery(query);
  const mode = modeFromQuery(query);
  const period = { ...resolvePeriod(choice, Date.now()), mode };
  const [currency, setCurrency] = useState(() => displayCurrency(project.slug));
  const currencyId = useId();

  const key = [project.slug, period.from, period.to, period.interval, mode];
  const stats = useResource((signal) => api.stats.get(project.slug, period, signal), key);
  const series = useResource((signal) => api.stats.timeseries(project.slug, period, signal), key);

  // After the user changes the period, say that the numbers followed (not on the first load).
  const announced = useRef(`${period.from}/${period.to}`);
  const loadedFor = stats.state.status === "ok" ? `${period.from}/${period.to}` : null;
  useEffect(() => {
    if (loadedFor === null || loadedFor === announced.current) return;
    announced.current = loadedFor;
    announce(`Numbers updated: ${formatDay(period.from)} to ${formatDay(period.through)}`);
  }, [loadedFor]);

  const changePeriod = (next: PeriodChoice) => {
    route(
      `${path}?${new URLSearchParams({ ...periodToQuery(next), ...modeQuery(mode) }).toString()}`,
    );
  };
  const money = (cents: number | null, compact = true) =>
    cents === null ? NOT_AVAILABLE : formatMoney(cents, currency, { compact });
  const rangeText = `${formatDay(period.from)} – ${formatDay(period.through)}`;

  let body = <Loading label="Loading the numbers…" />;
  if (stats.state.status === "error") {
    body = (
      <ErrorState
        error={stats.state.error}
        title="Could not load the statistics"
        onRetry={stats.reload}
      />
    );
  } else if (stats.state.status === "ok") {
    const data = stats.state.data;
    const kpis = kpisOf(data);
    const rows = reasonRows(data);
    const empty = isEmptyPeriod(data);
    body = (
      <>
        <dl class="tiles" aria-label={`Key figures, ${rangeText}`}>
          <Tile
            label="Submissions"
            value={formatCount(kpis.submissions)}
            detail="customers who started to cancel"
          />
          <Tile
            label="Save rate"
            value={formatRate(kpis.saveRate)}
            detail={
              kpis.saveRate === null
                ? "no submissions yet"
                : `${formatCount(kpis.offersAccepted)} of ${formatCount(kpis.submissions)} accepted an offer`
            }
          />
          <Tile
            label="Saved MRR"
            value={money(kpis.savedMrr)}
            exact={money(kpis.savedMrr, false)}
            detail="from accepted offers"
          />
          <Tile
            label="Lost MRR"
            value={money(kpis.lostMrr)}
            exact={money(kpis.lostMrr, false)}
            detail="from cancellations"
          />
        </dl>
        {empty ? (
          <EmptyState title="Nothing in this period yet">
            <p>
              No customer used the cancel flow between {rangeText}. Choose a longer period, or{" "}
              <a href={paths.project(project.slug, "install")}>install the widget</a> on your cancel
              page.
            </p>
          </EmptyState>
        ) : (
          <>
            <section class="card" aria-labelledby="over-time">
              <h2 id="over-time">Over time</h2>
              {series.state.status === "error" && (
                <ErrorState
                  error={series.state.error}
                  title="Could not load the chart's data"
                  onRetry={series.reload}
                />
              )}
              {series.state.status === "loading" && <Loading label="Loading the chart's data…" />}
              {series.state.status === "ok" && (
                <>
                  <Chart series={series.state.data} interval={series.state.data.interval} />
                  <SeriesTable
                    series={series.state.data}
                    captionText={`Submissions, saves and cancellations per ${series.state.data.interval}, ${rangeText} (UTC)`}
                  />
                </>
              )}
            </section>
            <section class="card" aria-labelledby="by-reason">
              <h2 id="by-reason">By reason</h2>
              <ScrollRegion label="Reasons">
                <table class="table">
                  <caption>Why customers cancelled, {rangeText}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Reason</th>
                      <th scope="col">Submissions</th>
                      <th scope="col">Share</th>
                      <th scope="col">Offers shown</th>
                      <th scope="col">Accepted</th>
                      <th scope="col">Save rate</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.reason}>
                        <th scope="row">{reasonLabel(row.reason)}</th>
                        <td>{formatCount(row.submissions)}</td>
                        <td>{formatRate(row.share)}</td>
                        <td>
                          {row.offersShown === null ? NOT_AVAILABLE : formatCount(row.offersShown)}
                        </td>
                        <td>{formatCount(row.offersAccepted)}</td>
                        <td>{formatRate(row.saveRate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollRegion>
              <p class="hint">
                A reason's save rate is its accepted offers ÷ the offers shown for it; “—” means no
                offer was shown
                {rows.some((r) => r.offersShown === null)
                  ? " or this server does not report offers shown per reason"
                  : ""}
                .
              </p>
            </section>
          </>
        )}
      </>
    );
  }

  return (
    <Page
      title="Analytics"
      lead={`${project.name}: ${rangeText} (UTC).`}
      actions={
        <>
          <ModeSwitch
            mode={mode}
            path={path}
            search={new URLSearchParams(query as Record<string, string>).toString()}
          />
          <div class="field field-inline">
            <label for={currencyId}>Currency</label>
            <select
              id={currencyId}
              value={currency}
              onChange={(e) => {
                setCurrency(e.currentTarget.value);
                setDisplayCurrency(project.slug, e.currentTarget.value);
              }}
            >
              {DISPLAY_CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c.toUpperCase()}
                </option>
              ))}
            </select>
          </div>
        </>
      }
    >
      <TestModeNotice mode={mode} />
      <PeriodPicker choice={choice} onChange={changePeriod} />
      <p class="hint">
        Amounts are summed as recorded, without converting currencies; choose the currency your
        events are in.
      </p>
      <div aria-busy={stats.state.status === "loading" ? "true" : "false"}>{body}</div>
    </Page>
  );
}
