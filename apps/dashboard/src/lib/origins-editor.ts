/**
 * The allowed-origins editor as a pure machine. The server is the judge of what an origin is
 * (docs/design.md §2.4: normalised with `new URL(x).origin`, http only for localhost): the editor
 * sends the list, and shows the server's message next to the input it is about.
 */
import type { ApiFailure } from "./api-client";

/** The API's cap on the list (`maxItems` of `PUT …/allowed-origins`). */
export const MAX_ORIGINS = 100;

interface OriginRow {
  /** Stable identity of the input, so an error stays on its row when others are removed. */
  key: number;
  value: string;
}

export interface OriginsState {
  saved: readonly string[];
  rows: readonly OriginRow[];
  nextKey: number;
  /** Server messages by row key. */
  errors: Readonly<Record<number, string>>;
  formError: ApiFailure | null;
  status: "idle" | "saving";
  /** The row keys in the order they were sent, to find the row an error's index names. */
  sent: readonly number[];
  notice: "saved" | null;
}

export type OriginsEvent =
  | { type: "LOADED"; origins: readonly string[] }
  | { type: "EDIT"; key: number; value: string }
  | { type: "ADD" }
  | { type: "REMOVE"; key: number }
  | { type: "SAVE" }
  | { type: "SAVE_OK"; origins: readonly string[] }
  | { type: "SAVE_FAILED"; error: ApiFailure }
  | { type: "DISCARD" };

function rowsOf(origins: readonly string[]): { rows: OriginRow[]; nextKey: number } {
  return { rows: origins.map((value, key) => ({ key, value })), nextKey: origins.length };
}

export function initialOriginsState(origins: readonly string[]): OriginsState {
  return {
    saved: origins,
    ...rowsOf(origins),
    errors: {},
    formError: null,
    status: "idle",
    sent: [],
    notice: null,
  };
}

/** The rows that are sent: trimmed, blank ones left out (an empty input is not an origin). */
function rowsToSend(rows: readonly OriginRow[]): OriginRow[] {
  return rows
    .map((row) => ({ key: row.key, value: row.value.trim() }))
    .filter((row) => row.value !== "");
}

export function originsToSend(state: OriginsState): string[] {
  return rowsToSend(state.rows).map((row) => row.value);
}

export function isOriginsDirty(state: OriginsState): boolean {
  const now = originsToSend(state);
  return now.length !== state.saved.length || now.some((value, i) => value !== state.saved[i]);
}

const INDEXED_FIELD = /^body\/allowed_origins\/(\d+)$/;
const QUOTED_ORIGIN = /^Invalid allowed origin "(.*)":/s;

/**
 * The row a server error is about: the index in `body/allowed_origins/<n>`, else the entry the
 * message quotes (`Invalid allowed origin "ftp://x": …`); null for an error about the whole list.
 */
export function rowOfError(state: OriginsState, error: ApiFailure): number | null {
  const index = error.field ? INDEXED_FIELD.exec(error.field)?.[1] : undefined;
  if (index !== undefined) return state.sent[Number(index)] ?? null;
  const quoted = QUOTED_ORIGIN.exec(error.message)?.[1];
  if (quoted === undefined) return null;
  const sent = new Set(state.sent);
  const row = state.rows.find((r) => sent.has(r.key) && r.value.trim() === quoted.trim());
  return row ? row.key : null;
}

const withoutError = (errors: Readonly<Record<number, string>>, key: number) => {
  const { [key]: _removed, ...rest } = errors;
  return rest;
};

export function reduceOrigins(state: OriginsState, event: OriginsEvent): OriginsState {
  if (state.status === "saving") {
    switch (event.type) {
      case "SAVE_OK":
        return { ...initialOriginsState(event.origins), notice: "saved" };
      case "SAVE_FAILED": {
        const key = rowOfError(state, event.error);
        return key === null
          ? { ...state, status: "idle", formError: event.error }
          : { ...state, status: "idle", errors: { [key]: event.error.message } };
      }
      default:
        return state;
    }
  }
  switch (event.type) {
    case "LOADED":
      return initialOriginsState(event.origins);
    case "EDIT":
      return {
        ...state,
        rows: state.rows.map((row) =>
          row.key === event.key ? { ...row, value: event.value } : row,
        ),
        errors: withoutError(state.errors, event.key),
        formError: null,
        notice: null,
      };
    case "ADD":
      if (state.rows.length >= MAX_ORIGINS) return state;
      return {
        ...state,
        rows: [...state.rows, { key: state.nextKey, value: "" }],
        nextKey: state.nextKey + 1,
        notice: null,
      };
    case "REMOVE":
      return {
        ...state,
        rows: state.rows.filter((row) => row.key !== event.key),
        errors: withoutError(state.errors, event.key),
        formError: null,
        notice: null,
      };
    case "SAVE":
      return {
        ...state,
        status: "saving",
        sent: rowsToSend(state.rows).map((row) => row.key),
        errors: {},
        formError: null,
        notice: null,
      };
    case "DISCARD":
      return initialOriginsState(state.saved);
    default:
      return state;
  }
}
