/**
 * The dashboard's only door to the API: same origin, the session cookie, JSON in and out.
 *
 * Every call resolves to `{ok: true, data}` or `{ok: false, error}` and never throws, so each
 * screen handles failure as a value. A 401 also tells the app (`onUnauthenticated`), which sends
 * the user to the login screen keeping the URL they wanted.
 */
import { ERROR_CODES } from "@windback/protocol";

/** A failed call: the API's status, stable code and message, and the input it names, if any. */
export interface ApiFailure {
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** The API's `code`, `HTTP_<status>` when the body had none, or `NETWORK_ERROR` / `ABORTED`. */
  code: string;
  message: string;
  /** The input the error is about, e.g. `body/allowed_origins/1` (see {@link fieldOfError}). */
  field?: string;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

export type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. State changes always carry a body (`{}` when empty): §8's CSRF rule asks for one. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * `false` for calls whose 401 is an answer to show, not a lost session (logging in): the app is
   * not told and stays where it is.
   */
  notifyUnauthenticated?: boolean;
}

export interface ApiClientOptions {
  /** Path prefix of the API, same origin. */
  base?: string;
  fetch?: typeof fetch;
  /** Called on any 401 (except calls with `notifyUnauthenticated: false`). */
  onUnauthenticated?: (failure: ApiFailure) => void;
}

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
  post<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
  put<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
  patch<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
  delete<T>(path: string, options?: RequestOptions): Promise<ApiResult<T>>;
}

/** `?a=1&b=x` from the defined, non-empty values, in the order given. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.append(name, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

// Fastify reports validation failures as "body/allowed_origins/1 must …"; our own 400s follow suit.
const FIELD_PREFIX = /^((?:body|querystring|params)(?:\/[A-Za-z0-9_.-]+)+)(?=\s|$)/;
const MISSING_PROPERTY =
  /^(body|querystring|params)(\/[A-Za-z0-9_./-]*)? must have required property '([A-Za-z0-9_]+)'/;

/**
 * The input an error is about: the body's `field` when the API sends one, else the path the
 * message starts with (`body/title must not be blank` → `body/title`), else undefined.
 */
export function fieldOfError(body: unknown, message: string): string | undefined {
  if (body && typeof body === "object" && "field" in body) {
    const field = (body as { field: unknown }).field;
    if (typeof field === "string" && field !== "") return field;
  }
  const missing = MISSING_PROPERTY.exec(message);
  if (missing) return `${missing[1]}${missing[2] ?? ""}/${missing[3]}`;
  return FIELD_PREFIX.exec(message)?.[1];
}

function failure(status: number, body: unknown): ApiFailure {
  const payload = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const code = typeof payload.code === "string" ? payload.code : `HTTP_${status}`;
  const message =
    typeof payload.error === "string" && payload.error !== ""
      ? payload.error
      : `The server answered ${status}`;
  const field = fieldOfError(body, message);
  return { status, code, message, ...(field !== undefined && { field }) };
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = (options.base ?? "/api/v1").replace(/\/+$/, "");

  async function request<T>(
    method: string,
    path: string,
    { query, body, signal, notifyUnauthenticated = true }: RequestOptions = {},
  ): Promise<ApiResult<T>> {
    const doFetch = options.fetch ?? globalThis.fetch;
    const changesState = method !== "GET";
    let response: Response;
    try {
      response = await doFetch(`${base}${path}${queryString(query)}`, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(changesState && { "Content-Type": "application/json" }),
        },
        ...(changesState && { body: JSON.stringify(body ?? {}) }),
        ...(signal && { signal }),
      });
    } catch (cause) {
      const aborted = signal?.aborted === true;
      return {
        ok: false,
        error: {
          status: 0,
          code: aborted ? "ABORTED" : "NETWORK_ERROR",
          message: aborted
            ? "The request was cancelled"
            : `Could not reach the server (${cause instanceof Error ? cause.message : String(cause)})`,
        },
      };
    }
    let payload: unknown = null;
    if (response.status !== 204) {
      const text = await response.text().catch(() => "");
      if (text !== "") {
        try {
          payload = JSON.parse(text);
        } catch {
          if (response.ok) {
            return {
              ok: false,
              error: {
                status: response.status,
                code: "BAD_RESPONSE",
                message: "The server answered with something that is not JSON",
              },
            };
          }
        }
      }
    }
    if (!response.ok) {
      const error = failure(response.status, payload);
      if (response.status === 401 && notifyUnauthenticated) options.onUnauthenticated?.(error);
      return { ok: false, error };
    }
    return { ok: true, data: payload as T };
  }

  return {
    get: (path, o) => request("GET", path, o),
    post: (path, o) => request("POST", path, o),
    put: (path, o) => request("PUT", path, o),
    patch: (path, o) => request("PATCH", path, o),
    delete: (path, o) => request("DELETE", path, o),
  };
}

/** Applies `map` to a success and passes a failure through. */
export function mapResult<T, U>(result: ApiResult<T>, map: (data: T) => U): ApiResult<U> {
  return result.ok ? { ok: true, data: map(result.data) } : result;
}

/** Messages a person can act on for the failures every screen can meet. */
export function describeFailure(error: ApiFailure): string {
  switch (error.code) {
    case "NETWORK_ERROR":
      return "Could not reach the Windback server. Check your connection and try again.";
    case ERROR_CODES.RATE_LIMITED:
      return "Too many requests: wait a minute, then try again.";
    case ERROR_CODES.CSRF_REJECTED:
      return "The server refused this change because it did not come from this dashboard. Reload the page and try again.";
    case ERROR_CODES.SERVICE_UNAVAILABLE:
      return "The server cannot store data right now. Try again in a moment.";
    case ERROR_CODES.INTERNAL_ERROR:
      return "Something went wrong on the server. Try again; if it persists, check the server's logs.";
    default:
      return error.message;
  }
}
