/**
 * Churn events: filters (status, reason, days, email search) and paging in the URL, the table,
 * and the CSV export of the same filters (`GET …/churn-events` and `…/churn-events.csv`).
 */
import { CANCEL_REASONS, CHURN_STATUSES, type ChurnEvent, type Project } from "@windback/protocol";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { ModeSwitch, TestModeNotice } from "../components/mode-switch";
import { Page } from "../components/page";
import { ScrollRegion } from "../components/scroll-region";
import { EmptyState, ErrorState, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import {
  type ChurnFilters,
  type FiltersEvent,
  filtersFromQuery,
  filtersToApiQuery,
  filtersToSearch,
  hasFilters,
  pageInfo,
  reduceFilters,
  SEARCH_MAX_LENGTH,
  throughOf,
} from "../lib/churn-filters";
import { churnEventsCsvHref } from "../lib/endpoints";
import { formatCount, formatDateTime, formatMoney } from "../lib/format";
import {
  offerTypeLabel,
  REASON_LABELS,
  reasonLabel,
  STATUS_LABELS,
  statusLabel,
} from "../lib/labels";
import { paths } from "../lib/paths";

/** The list's last query, so the detail screen's "back" link returns to the same page. */
let lastListSearch = "";
export const churnEventsListHref = (slug: string) => paths.project(slug, "events", lastListSearch);

const SEARCH_DELAY_MS = 400;

export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === "recovered" || status === "offer_accepted"
      ? "badge-ok"
      : status === "lost"
        ? "badge-bad"
        : "";
  return <span class={`badge ${tone}`}>{statusLabel(status)}</span>;
}

function offerSummary(event: ChurnEvent): string {
  if (event.offer_accepted_at) return `${offerTypeLabel(event.offer_type)}, accepted`;
  if (event.offer_declined) return `${offerTypeLabel(event.offer_type)}, declined`;
  if (event.offer_shown) return `${offerTypeLabel(event.offer_type)}, shown`;
  return "None";
}

function Filters({ filters, apply }: { filters: ChurnFilters; apply(event: FiltersEvent): void }) {
  const ids = { status: useId(), reason: useId(), from: useId(), through: useId(), q: useId() };
  const [q, setQ] = useState(filters.q);
  const applyRef = useRef(apply);
  applyRef.current = apply;

  // The URL changed from elsewhere (back, "clear"): the search box follows it.
  useEffect(() => setQ(filters.q), [filters.q]);
  // Searching as one types, after a short pause, instead of one request per key.
  useEffect(() => {
    if (q.trim() === filters.q) return;
    const timer = setTimeout(() => applyRef.current({ type: "SET_QUERY", q }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, filters.q]);

  return (
    <search aria-label="Filter churn events">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply({ type: "SET_QUERY", q });
        }}
      >
        <div class="field">
          <label for={ids.q}>Customer email contains</label>
          <input
            id={ids.q}
            type="search"
            value={q}
            maxLength={SEARCH_MAX_LENGTH}
            autoComplete="off"
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={ids.status}>Status</label>
          <select
            id={ids.status}
            value={filters.status}
            onChange={(e) => apply({ type: "SET_STATUS", status: e.currentTarget.value })}
          >
            <option value="">Any status</option>
            {CHURN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.reason}>Reason</label>
          <select
            id={ids.reason}
            value={filters.reason}
            onChange={(e) => apply({ type: "SET_REASON", reason: e.currentTarget.value })}
          >
            <option value="">Any reason</option>
            {CANCEL_REASONS.map((r) => (
              <option key={r} value={r}>
                {REASON_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.from}>From (UTC day)</label>
          <input
            id={ids.from}
            type="date"
            value={filters.from}
            onChange={(e) => apply({ type: "SET_FROM", from: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for={ids.through}>Through (UTC day)</label>
          <input
            id={ids.through}
            type="date"
            value={throughOf(filters.to)}
            onChange={(e) => apply({ type: "SET_THROUGH", through: e.currentTarget.value })}
          />
        </div>
        <button type="submit" class="button">
          Search
        </button>
      </form>
    </search>
  );
}

export function ChurnEventsScreen({ project }: { project: Project }) {
  const { api } = useApp();
  const { query, path, route } = useLocation();
  const filters = filtersFromQuery(query);
  const search = filtersToSearch(filters);
  const apiQuery = filtersToApiQuery(filters);
  lastListSearch = search;
  const events = useResource(
    (signal) => api.churnEvents.list(project.slug, apiQuery, signal),
    [project.slug, search],
  );

  const apply = (event: FiltersEvent) => {
    const next = filtersToSearch(reduceFilters(filters, event));
    if (next !== search) route(`${path}${next}`);
  };
  const pageHref = (event: FiltersEvent) =>
    `${path}${filtersToSearch(reduceFilters(filters, event))}`;
  const filtered = hasFilters(filters);

  const state = events.state;
  let body = <Loading label="Loading the events…" />;
  if (state.status === "error") {
    body = (
      <ErrorState
        error={state.error}
        title="Could not load the churn events"
        onRetry={events.reload}
      />
    );
  } else if (state.data && state.data.data.length === 0 && filters.offset === 0) {
    body = filtered ? (
      <EmptyState title="No events match these filters">
        <p>
          <a href={path}>Clear the filters</a> to see every event.
        </p>
      </EmptyState>
    ) : (
      <EmptyState title="No events yet">
        <p>
          Events appear when customers use the cancel flow, or when your server or billing provider
          reports a cancellation.{" "}
          <a href={paths.project(project.slug, "install")}>Install the widget</a> to start.
        </p>
      </EmptyState>
    );
  } else if (state.data) {
    const info = pageInfo(filters, state.data.total, state.data.data.length);
    const range =
      info.first === 0
        ? `none of ${formatCount(info.total)}`
        : `${formatCount(info.first)}–${formatCount(info.last)} of ${formatCount(info.total)}`;
    body = (
      <>
        <ScrollRegion label={`Churn events, ${range}`}>
          <table class="table" aria-busy={state.status === "loading" ? "true" : "false"}>
            <caption>
              Churn events{filtered ? " matching the filters" : ""}, {range}
            </caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Reason</th>
                <th scope="col">Status</th>
                <th scope="col">MRR</th>
                <th scope="col">Offer</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {state.data.data.map((event) => (
                <tr key={event.id}>
                  <th scope="row">
                    <a href={paths.event(project.slug, event.id)}>{event.customer_email}</a>
                    {event.customer_name && <span class="sub">{event.customer_name}</span>}
                  </th>
                  <td>{reasonLabel(event.cancel_reason)}</td>
                  <td>
                    <StatusBadge status={event.status} />
                  </td>
                  <td class="num">{formatMoney(event.mrr_cents, event.currency)}</td>
                  <td>{offerSummary(event)}</td>
                  <td>{formatDateTime(event.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <nav class="pager" aria-label="Pages of churn events">
          {info.hasPrevious ? (
            <a class="button" href={pageHref({ type: "PREVIOUS_PAGE" })}>
              Previous page
            </a>
          ) : (
            <span class="button" aria-disabled="true">
              Previous page
            </span>
          )}
          <span>{range}</span>
          {info.hasNext ? (
            <a class="button" href={pageHref({ type: "NEXT_PAGE", total: info.total })}>
              Next page
            </a>
          ) : (
            <span class="button" aria-disabled="true">
              Next page
            </span>
          )}
        </nav>
      </>
    );
  }

  return (
    <Page
      title="Churn events"
      lead="Every customer who started to cancel, and what became of them. Times are in your time zone."
      actions={
        <>
          <ModeSwitch mode={filters.mode} path={path} search={search} />
          <a class="button" href={churnEventsCsvHref(project.slug, apiQuery)} download>
            Export CSV{filtered ? " (filtered)" : ""}
            {filters.mode === "test" ? " (test data)" : ""}
          </a>
        </>
      }
    >
      <TestModeNotice mode={filters.mode} />
      <Filters filters={filters} apply={apply} />
      {body}
    </Page>
  );
}
