/**
 * Every API call the dashboard makes, one function each, typed from `@windback/protocol`
 * (docs/design.md §2 and §8). docs/dashboard.md lists them per screen.
 */
import type {
  AllowedOrigins,
  ApiKey,
  CancelReason,
  ChangePasswordBody,
  ChurnEvent,
  ChurnEventsQuery,
  CookieSessionResponse,
  CreatedApiKey,
  CreatedCustomerTokenSecret,
  CreatedProject,
  CreatedWebhookEndpoint,
  CreateProjectBody,
  CreateWebhookEndpointBody,
  CustomerTokenSecret,
  DataResponse,
  KeyType,
  List,
  LoginBody,
  Mode,
  OfferBody,
  ChurnStats as PeriodStats,
  Project,
  RegisterBody,
  RetentionOffer,
  RotatedWebhookSecret,
  StatsInterval,
  StatsTimeseries,
  StripeIntegration,
  StripeIntegrationBody,
  UpdateProjectBody,
  UpdateWebhookEndpointBody,
  User,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookMessageQueued,
  WidgetManifest,
} from "@windback/protocol";
import {
  type ApiClient,
  type ApiResult,
  createApiClient,
  mapResult,
  queryString,
} from "./api-client";
import { modeQuery } from "./mode";

/** How many rows the screens that show "all" of something ask for (the API's maximum). */
const LIST_MAX = 100;

const unwrap = <T>(result: ApiResult<DataResponse<T>>): ApiResult<T> =>
  mapResult(result, (body) => body.data);

const project = (slug: string) => `/projects/${encodeURIComponent(slug)}`;
const webhookEndpoint = (slug: string, id: string) =>
  `${project(slug)}/webhook-endpoints/${encodeURIComponent(id)}`;

export interface Period {
  from: string;
  to: string;
  /** Live (default) or test data. */
  mode?: Mode;
}

export type Api = ReturnType<typeof createEndpoints>;

/**
 * @param client the `/api/v1` client
 * @param assets a client for the dashboard's own files (`/dashboard/…`)
 */
export function createEndpoints(
  client: ApiClient,
  assets: ApiClient = createApiClient({ base: "/dashboard" }),
) {
  return {
    auth: {
      me: (signal?: AbortSignal) =>
        // A 401 here only means "not logged in yet": the app decides what to show.
        client
          .get<DataResponse<User>>("/auth/me", {
            notifyUnauthenticated: false,
            ...(signal && { signal }),
          })
          .then(unwrap),
      register: (body: RegisterBody) =>
        // The answer's JWT is not kept: the dashboard's session is the cookie of /auth/session.
        client
          .post<DataResponse<{ user: User }>>("/auth/register", {
            body,
            notifyUnauthenticated: false,
          })
          .then((r) => mapResult(r, (body) => ({ user: body.data.user }))),
      openSession: (body: LoginBody) =>
        client
          .post<CookieSessionResponse>("/auth/session", {
            body,
            notifyUnauthenticated: false,
          })
          .then(unwrap),
      closeSession: () => client.delete<null>("/auth/session", { notifyUnauthenticated: false }),
      changePassword: (body: ChangePasswordBody) =>
        client.post<unknown>("/auth/change-password", { body }),
    },

    projects: {
      list: (signal?: AbortSignal) =>
        client.get<List<Project>>("/projects", {
          query: { limit: LIST_MAX },
          ...(signal && { signal }),
        }),
      create: (body: CreateProjectBody) =>
        client.post<DataResponse<CreatedProject>>("/projects", { body }).then(unwrap),
      // PUT changes only the fields given, like the PATCH of docs/design.md §2.4.
      update: (slug: string, body: UpdateProjectBody) =>
        client.put<DataResponse<Project>>(project(slug), { body }).then(unwrap),
      /** Changes only the fields given (docs/design.md §2.4, §11's `customer_verification`). */
      patch: (slug: string, body: UpdateProjectBody) =>
        client.patch<DataResponse<Project>>(project(slug), { body }).then(unwrap),
      remove: (slug: string) => client.delete<null>(project(slug)),
    },

    apiKeys: {
      list: (slug: string, signal?: AbortSignal) =>
        client.get<List<ApiKey>>(`${project(slug)}/api-keys`, {
          query: { limit: LIST_MAX },
          ...(signal && { signal }),
        }),
      create: (slug: string, keyType: KeyType, mode: Mode = "live") =>
        client
          .post<DataResponse<CreatedApiKey>>(`${project(slug)}/api-keys`, {
            body: { key_type: keyType, ...modeQuery(mode) },
          })
          .then(unwrap),
      rotate: (slug: string, keyType: KeyType, mode: Mode = "live") =>
        client
          .post<DataResponse<CreatedApiKey>>(`${project(slug)}/api-keys/rotate`, {
            body: { key_type: keyType, ...modeQuery(mode) },
          })
          .then(unwrap),
      revoke: (slug: string, id: string) =>
        client
          .delete<DataResponse<ApiKey>>(`${project(slug)}/api-keys/${encodeURIComponent(id)}`)
          .then(unwrap),
    },

    customerTokenSecrets: {
      list: (slug: string, signal?: AbortSignal) =>
        client.get<List<CustomerTokenSecret>>(
          `${project(slug)}/customer-token-secrets`,
          signal && { signal },
        ),
      create: (slug: string) =>
        client
          .post<DataResponse<CreatedCustomerTokenSecret>>(`${project(slug)}/customer-token-secrets`)
          .then(unwrap),
      revoke: (slug: string, id: string) =>
        client
          .delete<DataResponse<CustomerTokenSecret>>(
            `${project(slug)}/customer-token-secrets/${encodeURIComponent(id)}`,
          )
          .then(unwrap),
    },

    allowedOrigins: {
      get: (slug: string, signal?: AbortSignal) =>
        client.get<AllowedOrigins>(`${project(slug)}/allowed-origins`, signal && { signal }),
      set: (slug: string, origins: string[]) =>
        client.put<AllowedOrigins>(`${project(slug)}/allowed-origins`, {
          body: { allowed_origins: origins } satisfies AllowedOrigins,
        }),
    },

    offers: {
      list: (slug: string, signal?: AbortSignal) =>
        client.get<List<RetentionOffer>>(`${project(slug)}/retention-offers`, {
          query: { limit: LIST_MAX },
          ...(signal && { signal }),
        }),
      save: (slug: string, reason: CancelReason, body: OfferBody) =>
        client
          .put<DataResponse<RetentionOffer>>(`${project(slug)}/retention-offers/${reason}`, {
            body,
          })
          .then(unwrap),
      remove: (slug: string, reason: CancelReason) =>
        client.delete<null>(`${project(slug)}/retention-offers/${reason}`),
    },

    churnEvents: {
      list: (slug: string, query: ChurnEventsQuery, signal?: AbortSignal) =>
        client.get<List<ChurnEvent>>(`${project(slug)}/churn-events`, {
          query: { ...query },
          ...(signal && { signal }),
        }),
      get: (slug: string, id: string, signal?: AbortSignal) =>
        client
          .get<DataResponse<ChurnEvent>>(
            `${project(slug)}/churn-events/${encodeURIComponent(id)}`,
            signal && { signal },
          )
          .then(unwrap),
      mark: (slug: string, id: string, status: "recovered" | "lost") =>
        client
          .post<DataResponse<ChurnEvent>>(
            `${project(slug)}/churn-events/${encodeURIComponent(id)}/${status}`,
          )
          .then(unwrap),
    },

    stats: {
      get: (slug: string, period: Period, signal?: AbortSignal) =>
        client
          .get<DataResponse<PeriodStats>>(`${project(slug)}/stats`, {
            query: { from: period.from, to: period.to, ...modeQuery(period.mode ?? "live") },
            ...(signal && { signal }),
          })
          .then(unwrap),
      timeseries: (
        slug: string,
        period: Period & { interval: StatsInterval },
        signal?: AbortSignal,
      ) =>
        client
          .get<DataResponse<StatsTimeseries>>(`${project(slug)}/stats/timeseries`, {
            query: {
              from: period.from,
              to: period.to,
              interval: period.interval,
              ...modeQuery(period.mode ?? "live"),
            },
            ...(signal && { signal }),
          })
          .then(unwrap),
    },

    webhookEndpoints: {
      list: (slug: string, signal?: AbortSignal) =>
        client.get<List<WebhookEndpoint>>(
          `${project(slug)}/webhook-endpoints`,
          signal && { signal },
        ),
      create: (slug: string, body: CreateWebhookEndpointBody) =>
        client
          .post<DataResponse<CreatedWebhookEndpoint>>(`${project(slug)}/webhook-endpoints`, {
            body,
          })
          .then(unwrap),
      update: (slug: string, id: string, body: UpdateWebhookEndpointBody) =>
        client
          .patch<DataResponse<WebhookEndpoint>>(webhookEndpoint(slug, id), { body })
          .then(unwrap),
      remove: (slug: string, id: string) => client.delete<null>(webhookEndpoint(slug, id)),
      rotateSecret: (slug: string, id: string) =>
        client
          .post<DataResponse<RotatedWebhookSecret>>(`${webhookEndpoint(slug, id)}/rotate-secret`)
          .then(unwrap),
      sendTest: (slug: string, id: string) =>
        client
          .post<DataResponse<WebhookMessageQueued>>(`${webhookEndpoint(slug, id)}/test`)
          .then(unwrap),
      deliveries: (slug: string, id: string, signal?: AbortSignal) =>
        client.get<List<WebhookDelivery>>(`${webhookEndpoint(slug, id)}/deliveries`, {
          query: { limit: LIST_MAX },
          ...(signal && { signal }),
        }),
      redeliver: (slug: string, id: string, deliveryId: string) =>
        client
          .post<DataResponse<WebhookDelivery>>(
            `${webhookEndpoint(slug, id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
          )
          .then(unwrap),
    },

    stripeIntegration: {
      get: (slug: string, signal?: AbortSignal) =>
        client
          .get<DataResponse<StripeIntegration>>(
            `${project(slug)}/integrations/stripe`,
            signal && { signal },
          )
          .then(unwrap),
      set: (slug: string, webhookSecret: string) =>
        client
          .put<DataResponse<StripeIntegration>>(`${project(slug)}/integrations/stripe`, {
            body: { webhook_secret: webhookSecret } satisfies StripeIntegrationBody,
          })
          .then(unwrap),
      remove: (slug: string) => client.delete<null>(`${project(slug)}/integrations/stripe`),
    },

    widgetManifest: (signal?: AbortSignal) =>
      assets.get<WidgetManifest>("/widget-manifest.json", {
        notifyUnauthenticated: false,
        ...(signal && { signal }),
      }),
  };
}

/** The CSV export of the churn events that match `query` (paging left out: it exports them all). */
export function churnEventsCsvHref(slug: string, query: ChurnEventsQuery): string {
  const { limit: _limit, offset: _offset, ...filters } = query;
  return `/api/v1${project(slug)}/churn-events.csv${queryString({ ...filters })}`;
}
