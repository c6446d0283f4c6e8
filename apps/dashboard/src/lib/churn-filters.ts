/**
 * The churn-events screen's state: filters and paging, kept in the URL's query string so a
 * filtered page can be bookmarked, shared and reloaded. Pure functions and one reducer.
 *
 * The URL carries exactly what the API takes (docs/design.md §8): `status`, `reason`, `from`, `to`
 * ([from, to) UTC days), `q`, `limit`, `offset`. The date inputs show an inclusive "through" day.
 */
import {
  CANCEL_REASONS,
  type CancelReason,
  CHURN_STATUSES,
  type ChurnEventsQuery,
  type ChurnStatus,
  type Mode,
} from "@windback/protocol";
import { modeFromQuery, modeQuery } from "./mode";
import { addDays, isDay } from "./period";

export const PAGE_SIZE = 20;
const PAGE_SIZE_MAX = 100;
/** The longest email search the screen sends (an email address is at most 254 characters). */
export const SEARCH_MAX_LENGTH = 254;

export interface ChurnFilters {
  status: ChurnStatus | "";
  reason: CancelReason | "";
  /** First day, inclusive (`YYYY-MM-DD`, UTC), or "". */
  from: string;
  /** The day after the last one ([from, to)), or "". */
  to: string;
  /** Email substring. */
  q: string;
  limit: number;
  offset: number;
  /** Live (default) or test data (docs/design.md §11). */
  mode: Mode;
}

export const EMPTY_FILTERS: ChurnFilters = {
  status: "",
  reason: "",
  from: "",
  to: "",
  q: "",
  limit: PAGE_SIZE,
  offset: 0,
  mode: "live",
};

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | "" =>
  value !== undefined && (values as readonly string[]).includes(value) ? (value as T) : "";

function integer(value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return fallback;
  const n = Number(value);
  return n < min || n > max ? fallback : n;
}

/**
 * Filters from a query (`useLocation().query` or `URLSearchParams`); anything unknown or malformed
 * falls back to "no filter" rather than reaching the API as a 400.
 */
export function filtersFromQuery(
  query: URLSearchParams | Readonly<Record<string, string | undefined>>,
): ChurnFilters {
  const get = (name: string) =>
    query instanceof URLSearchParams ? (query.get(name) ?? undefined) : query[name];
  const from = get("from");
  const to = get("to");
  return {
    status: oneOf(CHURN_STATUSES, get("status")),
    reason: oneOf(CANCEL_REASONS, get("reason")),
    from: isDay(from) ? from : "",
    // A `to` on or before `from` selects nothing: dropped like any other malformed value.
    to: isDay(to) && !(isDay(from) && to <= from) ? to : "",
    q: (get("q") ?? "").trim().slice(0, SEARCH_MAX_LENGTH),
    limit: integer(get("limit"), 1, PAGE_SIZE_MAX, PAGE_SIZE),
    offset: integer(get("offset"), 0, 1_000_000_000, 0),
    mode: modeFromQuery(query),
  };
}

/** The query string for the screen's URL (`?status=lost&offset=20`), defaults left out. */
export function filtersToSearch(filters: ChurnFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.reason) params.set("reason", filters.reason);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.q) params.set("q", filters.q);
  if (filters.limit !== PAGE_SIZE) params.set("limit", String(filters.limit));
  if (filters.offset !== 0) params.set("offset", String(filters.offset));
  if (filters.mode === "test") params.set("mode", "test");
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** The API query of `GET …/churn-events` (and, without paging, of the CSV export). */
export function filtersToApiQuery(filters: ChurnFilters): ChurnEventsQuery {
  return {
    ...(filters.status && { status: filters.status }),
    ...(filters.reason && { reason: filters.reason }),
    ...(filters.from && { from: filters.from }),
    ...(filters.to && { to: filters.to }),
    ...(filters.q && { q: filters.q }),
    limit: filters.limit,
    offset: filters.offset,
    ...modeQuery(filters.mode),
  };
}

/** Whether any filter (not paging) is set: an empty result then means "nothing matches". */
export function hasFilters(filters: ChurnFilters): boolean {
  return Boolean(filters.status || filters.reason || filters.from || filters.to || filters.q);
}

/** The inclusive last day the "through" input shows, from the exclusive `to`. */
export const throughOf = (to: string): string => (to ? addDays(to, -1) : "");

export type FiltersEvent =
  | { type: "SET_STATUS"; status: string }
  | { type: "SET_REASON"; reason: string }
  | { type: "SET_FROM"; from: string }
  /** The inclusive last day as picked; stored as the day after. */
  | { type: "SET_THROUGH"; through: string }
  | { type: "SET_QUERY"; q: string }
  | { type: "NEXT_PAGE"; total: number }
  | { type: "PREVIOUS_PAGE" }
  | { type: "CLEAR" };

/** Every filter change goes back to the first page: offset 40 of another result set means nothing. */
export function reduceFilters(state: ChurnFilters, event: FiltersEvent): ChurnFilters {
  const firstPage = { ...state, offset: 0 };
  switch (event.type) {
    case "SET_STATUS":
      return { ...firstPage, status: oneOf(CHURN_STATUSES, event.status) };
    case "SET_REASON":
      return { ...firstPage, reason: oneOf(CANCEL_REASONS, event.reason) };
    case "SET_FROM": {
      const from = isDay(event.from) ? event.from : "";
      // A last day before the new first day would select nothing: drop it.
      const to = from && state.to && state.to <= from ? "" : state.to;
      return { ...firstPage, from, to };
    }
    case "SET_THROUGH": {
      const to = isDay(event.through) ? addDays(event.through, 1) : "";
      const from = to && state.from && state.from >= to ? "" : state.from;
      return { ...firstPage, from, to };
    }
    case "SET_QUERY":
      return { ...firstPage, q: event.q.trim().slice(0, SEARCH_MAX_LENGTH) };
    case "NEXT_PAGE":
      return state.offset + state.limit < event.total
        ? { ...state, offset: state.offset + state.limit }
        : state;
    case "PREVIOUS_PAGE":
      return { ...state, offset: Math.max(0, state.offset - state.limit) };
    case "CLEAR":
      // Clearing the filters stays in the same mode: the switch is not a filter.
      return { ...EMPTY_FILTERS, limit: state.limit, mode: state.mode };
  }
}

export interface PageInfo {
  /** 1-based index of the first row shown, 0 when none. */
  first: number;
  /** 1-based index of the last row shown. */
  last: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function pageInfo(filters: ChurnFilters, total: number, rows: number): PageInfo {
  return {
    first: rows === 0 ? 0 : filters.offset + 1,
    last: filters.offset + rows,
    total,
    hasPrevious: filters.offset > 0,
    hasNext: filters.offset + rows < total,
  };
}
