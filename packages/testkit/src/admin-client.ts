/**
 * A typed client for the API over `fetch`, for tests, the demo's seeding and the benchmarks.
 * Every call resolves with `{status, body}` whatever the status, so a test can assert on a
 * refusal as easily as on a success; `expectOk` turns an unexpected status into an error.
 *
 * @example
 * ```ts
 * const anonymous = createAdminClient(api.url);
 * const session = expectOk(await anonymous.register({ name, email, password }), "register");
 * const admin = anonymous.as({ token: session.data.token });
 * const res = await admin.allowedOrigins.set("default", ["https://app.example"]);
 * expect(res.status).toBe(200);
 * ```
 */
import type {
  AllowedOrigins,
  ApiKey,
  CancelFlowAcceptRequest,
  CancelFlowAcceptResponse,
  CancelFlowDeclineRequest,
  CancelFlowDeclineResponse,
  CancelFlowOffersResponse,
  CancelFlowSubmitRequest,
  CancelFlowSubmitResponse,
  ChurnEvent,
  ChurnEventsQuery,
  ChurnStats,
  CreateChurnEventBody,
  CreatedApiKey,
  CreatedProject,
  CreateProjectBody,
  DataResponse,
  ErrorResponse,
  HealthResponse,
  KeyType,
  List,
  ListQuery,
  LoginBody,
  OfferBody,
  Project,
  RegisterBody,
  RetentionOffer,
  SessionResponse,
  UpdateProjectBody,
  User,
} from "@windback/protocol";

/** An answer of the API: the success shape, or `{error, code}` (`ErrorResponse`) for any 4xx/5xx. */
export type ApiResponse<T> =
  | { ok: true; status: number; headers: Headers; body: T }
  | { ok: false; status: number; headers: Headers; body: ErrorResponse };

export interface Credentials {
  /** A session token (`Authorization: Bearer`). */
  token?: string;
  /** An API key (`x-api-key`): `sk_…` for the dashboard routes, `pub_…` or `sk_…` for the cancel flow. */
  key?: string;
  /** The `Origin` header, as a browser on the merchant's page would send it. */
  origin?: string;
}

export interface RequestOptions extends Credentials {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** 30 s by default: no test waits forever on a hung server. */
  timeoutMs?: number;
}

/** Throws (with the status and the body) unless the call answered one of `statuses` (any 2xx). */
export function expectOk<T>(res: ApiResponse<T>, what: string, statuses?: number[]): T {
  const expected = statuses ? statuses.includes(res.status) : res.ok;
  if (!expected || !res.ok) {
    throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  return res.body;
}

/**
 * Sends one request to `${apiUrl}${path}` (path from the server root, e.g. `/api/v1/stats`).
 * A JSON body is parsed; any other body comes back as its text.
 */
async function apiRequest<T>(
  apiUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers["x-api-key"] = options.key;
  if (options.origin) headers.origin = options.origin;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) search.set(name, String(value));
  }
  const query = search.size > 0 ? `?${search}` : "";
  const res = await fetch(`${apiUrl}${path}${query}`, {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: unknown = text === "" ? null : text;
  if (text !== "" && res.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return { ok: res.ok, status: res.status, headers: res.headers, body } as ApiResponse<T>;
}

const API = "/api/v1";
const project = (slug: string) => `${API}/projects/${encodeURIComponent(slug)}`;

export type AdminClient = ReturnType<typeof createAdminClient>;

/**
 * The API's routes by name. `credentials` go with every call; `as()` returns a client with
 * others (e.g. the token from `login`, or a key).
 */
export function createAdminClient(apiUrl: string, credentials: Credentials = {}) {
  const call = <T>(method: string, path: string, options: RequestOptions = {}) =>
    apiRequest<T>(apiUrl, method, path, { ...credentials, ...options });

  return {
    apiUrl,
    credentials,
    as: (next: Credentials) => createAdminClient(apiUrl, next),
    /** Any route, for what has no method here (unscoped aliases, malformed calls). */
    request: call,
    health: () => call<HealthResponse>("GET", "/health"),

    register: (body: RegisterBody) =>
      call<SessionResponse>("POST", `${API}/auth/register`, { body }),
    login: (body: LoginBody) => call<SessionResponse>("POST", `${API}/auth/login`, { body }),
    me: () => call<DataResponse<User>>("GET", `${API}/auth/me`),

    projects: {
      list: (query: ListQuery = {}) =>
        call<List<Project>>("GET", `${API}/projects`, { query: { ...query } }),
      get: (slug: string) => call<DataResponse<Project>>("GET", project(slug)),
      create: (body: CreateProjectBody) =>
        call<DataResponse<CreatedProject>>("POST", `${API}/projects`, { body }),
      update: (slug: string, body: UpdateProjectBody) =>
        call<DataResponse<Project>>("PUT", project(slug), { body }),
      delete: (slug: string) => call<null>("DELETE", project(slug)),
    },

    apiKeys: {
      list: (slug: string, query: ListQuery = {}) =>
        call<List<ApiKey>>("GET", `${project(slug)}/api-keys`, { query: { ...query } }),
      create: (slug: string, keyType: KeyType) =>
        call<DataResponse<CreatedApiKey>>("POST", `${project(slug)}/api-keys`, {
          body: { key_type: keyType },
        }),
      rotate: (slug: string, keyType: KeyType) =>
        call<DataResponse<CreatedApiKey>>("POST", `${project(slug)}/api-keys/rotate`, {
          body: { key_type: keyType },
        }),
      revoke: (slug: string, id: string) =>
        call<DataResponse<ApiKey>>("DELETE", `${project(slug)}/api-keys/${encodeURIComponent(id)}`),
    },

    allowedOrigins: {
      get: (slug: string) => call<AllowedOrigins>("GET", `${project(slug)}/allowed-origins`),
      set: (slug: string, origins: string[]) =>
        call<AllowedOrigins>("PUT", `${project(slug)}/allowed-origins`, {
          body: { allowed_origins: origins } satisfies AllowedOrigins,
        }),
    },

    offers: {
      list: (slug: string, query: ListQuery = {}) =>
        call<List<RetentionOffer>>("GET", `${project(slug)}/retention-offers`, {
          query: { ...query },
        }),
      /** Creates (201) or replaces (200) the offer for `reason`. */
      put: (slug: string, reason: string, body: OfferBody) =>
        call<DataResponse<RetentionOffer>>(
          "PUT",
          `${project(slug)}/retention-offers/${encodeURIComponent(reason)}`,
          { body },
        ),
      delete: (slug: string, reason: string) =>
        call<null>("DELETE", `${project(slug)}/retention-offers/${encodeURIComponent(reason)}`),
    },

    churnEvents: {
      list: (slug: string, query: ChurnEventsQuery = {}) =>
        call<List<ChurnEvent>>("GET", `${project(slug)}/churn-events`, {
          query: { ...query },
        }),
      get: (slug: string, id: string) =>
        call<DataResponse<ChurnEvent>>(
          "GET",
          `${project(slug)}/churn-events/${encodeURIComponent(id)}`,
        ),
      create: (slug: string, body: CreateChurnEventBody) =>
        call<DataResponse<ChurnEvent>>("POST", `${project(slug)}/churn-events`, { body }),
      /** Marks the event `recovered` or `lost` (final). */
      settle: (slug: string, id: string, status: "recovered" | "lost") =>
        call<DataResponse<ChurnEvent>>(
          "POST",
          `${project(slug)}/churn-events/${encodeURIComponent(id)}/${status}`,
        ),
    },

    stats: (slug: string) => call<DataResponse<ChurnStats>>("GET", `${project(slug)}/stats`),

    /** What the widget calls, with a key (`pub_…` or `sk_…`) and, like a browser, an origin. */
    cancelFlow: {
      offers: (reason: string) =>
        call<CancelFlowOffersResponse>("GET", `${API}/cancel-flow/offers`, { query: { reason } }),
      submit: (body: CancelFlowSubmitRequest) =>
        call<CancelFlowSubmitResponse>("POST", `${API}/cancel-flow/submit`, { body }),
      acceptOffer: (body: CancelFlowAcceptRequest) =>
        call<CancelFlowAcceptResponse>("POST", `${API}/cancel-flow/accept-offer`, { body }),
      decline: (body: CancelFlowDeclineRequest) =>
        call<CancelFlowDeclineResponse>("POST", `${API}/cancel-flow/decline`, { body }),
    },
  };
}
