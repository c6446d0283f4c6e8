import { WindbackError } from "./errors.js";
import type { ErrorCode } from "./protocol-types.js";

/** How long a retry may wait at most, unless the client says otherwise. */
export const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 30_000;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: Method;
  /** Below `/api/v1`, starting with `/`. */
  path: string;
  query?: Query | undefined;
  body?: unknown;
  /**
   * Whether repeating the request cannot do more than doing it once. Only these are retried after
   * a 503; every request is retried after a 429 (see {@link HttpClient.request}).
   */
  idempotent: boolean;
}

export interface HttpClientOptions {
  secretKey: string;
  baseUrl: string;
  fetch: typeof fetch;
  maxRetries: number;
  maxRetryWaitMs: number;
  timeoutMs: number;
  userAgent: string;
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date); null when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The API's base URL with `/api/v1`, whether or not the caller wrote it. */
function apiBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl must be an absolute URL such as https://windback.example.com`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${path.endsWith("/api/v1") ? path : `${path}/api/v1`}`;
}

/**
 * fetch with the secret key, JSON, a timeout and bounded retries; API failures become
 * {@link WindbackError}.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #base: string;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#base = apiBase(options.baseUrl);
  }

  url(path: string, query?: Query): string {
    const url = new URL(`${this.#base}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /** The parsed JSON body of a 2xx answer (undefined for 204). */
  async json<T>(options: RequestOptions): Promise<T> {
    const response = await this.request(options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new WindbackError(`The API answered ${response.status} with a body that is not JSON`, {
        status: response.status,
        code: "INVALID_RESPONSE",
        cause,
      });
    }
  }

  /**
   * Sends the request; resolves with a 2xx response (its body unread), else throws.
   *
   * Retries, at most `maxRetries` times: a 429 whatever the method (the API refuses a request
   * over its budget before the route runs, so nothing was done), and a 503 only when the request
   * is idempotent (a storage fault may come after a write). The wait is `Retry-After` when given,
   * else 0.5 s, 1 s, 2 s … with jitter; a wait longer than `maxRetryWaitMs` is not made: the error
   * is thrown at once with its `retryAfter`. Network errors and timeouts are never retried here:
   * the request may have been done.
   */
  async request(options: RequestOptions): Promise<Response> {
    const { maxRetries, maxRetryWaitMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      const response = await this.#send(options);
      if (response.ok) return response;
      const error = await toError(response);
      const retriable = response.status === 429 || (response.status === 503 && options.idempotent);
      if (!retriable || attempt >= maxRetries) throw error;
      const waitMs =
        error.retryAfter !== null
          ? error.retryAfter * 1000
          : Math.round(500 * 2 ** attempt * (0.8 + Math.random() * 0.4));
      if (waitMs > maxRetryWaitMs) throw error;
      await sleep(waitMs);
    }
  }

  async #send({ method, path, query, body }: RequestOptions): Promise<Response> {
    const { secretKey, fetch, timeoutMs, userAgent } = this.#options;
    const headers: Record<string, string> = {
      "x-api-key": secretKey,
      accept: "application/json",
      "user-agent": userAgent,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(this.url(path, query), {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === "TimeoutError";
      throw new WindbackError(
        timedOut
          ? `No answer from Windback within ${timeoutMs} ms (${method} ${path})`
          : `Could not reach Windback (${method} ${path}): ${cause instanceof Error ? cause.message : String(cause)}`,
        { status: 0, code: timedOut ? "TIMEOUT" : "NETWORK_ERROR", cause },
      );
    }
  }
}

async function toError(response: Response): Promise<WindbackError> {
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const text = await response.text().catch(() => "");
  let body: { error?: unknown; code?: unknown } | null = null;
  try {
    body = JSON.parse(text) as { error?: unknown; code?: unknown };
  } catch {
    body = null;
  }
  if (body && typeof body.code === "string" && typeof body.error === "string") {
    return new WindbackError(body.error, {
      status: response.status,
      code: body.code as ErrorCode,
      retryAfter,
    });
  }
  return new WindbackError(`The API answered ${response.status} without a Windback error body`, {
    status: response.status,
    code: "INVALID_RESPONSE",
    retryAfter,
  });
}
