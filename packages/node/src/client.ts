import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_WAIT_MS,
  DEFAULT_TIMEOUT_MS,
  HttpClient,
  type Query,
} from "./http.js";
import type {
  AllowedOrigins,
  CancelFlowAcceptRequest,
  CancelFlowAcceptResponse,
  CancelFlowDeclineRequest,
  CancelFlowDeclineResponse,
  CancelFlowOffersResponse,
  CancelFlowSubmitRequest,
  CancelFlowSubmitResponse,
  CancelReason,
  ChurnEvent,
  ChurnEventsFilter,
  ChurnEventsQuery,
  ChurnStats,
  CreateChurnEventBody,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  OfferBody,
  Project,
  PublicOffer,
  RetentionOffer,
  RotatedWebhookSecret,
  StatsQuery,
  StatsTimeseries,
  StripeIntegration,
  TimeseriesQuery,
  TrackRequest,
  UpdateProjectBody,
  UpdateWebhookEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookMessageQueued,
} from "./protocol-types.js";

export const SDK_VERSION = "0.1.0";

export interface WindbackOptions {
  /** The project's secret key (`sk_…` or `sk_test_…`). Keep it on your server. */
  secretKey: string;
  /** Your Windback server, e.g. `https://windback.example.com` (`/api/v1` is added). */
  baseUrl: string;
  /**
   * The project's slug (`default` for an account's first project). Needed only by `project`,
   * `webhookEndpoints` and `integrations`, whose routes exist only under `/projects/:slug`;
   * everything else acts on the key's own project.
   */
  project?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Retries after a 429 or 503 (see the README); default 2, 0 turns them off. */
  maxRetries?: number;
  /** The longest wait before a retry; a longer `Retry-After` fails at once instead. Default 10 s. */
  maxRetryWaitMs?: number;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** `{"data": …}` */
interface Data<T> {
  data: T;
}

/** One page of a list, as the API answers it. */
export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The list filters of churn events, with the page size the iterator asks for (1–100). */
export type ChurnEventsListParams = ChurnEventsFilter & { pageSize?: number };

const PAGE_SIZE_MAX = 100;

const segment = (value: string) => encodeURIComponent(value);

function checkPageSize(pageSize: number) {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE_MAX) {
    throw new RangeError(`pageSize must be a whole number from 1 to ${PAGE_SIZE_MAX}`);
  }
}

/**
 * Every item of a list, a page at a time as the caller iterates. An item created while paging
 * shifts later pages (lists are newest first); repeats are skipped by id, so each comes once.
 */
async function* paginate<T extends { id: string }>(
  listPage: (offset: number) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  for (let offset = 0; ; ) {
    const page = await listPage(offset);
    for (const item of page.data) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      yield item;
    }
    offset += page.data.length;
    if (page.data.length === 0 || offset >= page.total) return;
  }
}

/**
 * The Windback API for a merchant's server, authenticated with a secret key: churn events, offers,
 * stats, allowed origins, the project's settings, webhook endpoints, product events and the
 * cancel flow.
 *
 * @example
 * ```ts
 * const windback = new Windback({ secretKey: process.env.WINDBACK_SECRET_KEY!, baseUrl: "https://windback.example.com" });
 * for await (const event of windback.churnEvents.list({ status: "offer_accepted" })) {
 *   console.log(event.customer_email, event.offer_type);
 * }
 * ```
 */
export class Windback {
  readonly churnEvents: ChurnEvents;
  readonly retentionOffers: RetentionOffers;
  readonly stats: Stats;
  readonly allowedOrigins: AllowedOriginsResource;
  readonly project: ProjectResource;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly integrations: { readonly stripe: StripeIntegrationResource };
  readonly cancelFlow: CancelFlow;
  readonly #http: HttpClient;

  constructor(options: WindbackOptions) {
    if (!options?.secretKey) throw new TypeError("secretKey is required");
    if (!options.secretKey.startsWith("sk_")) {
      // A public key in a server's configuration is a mistake worth catching before any request.
      throw new TypeError("secretKey must be a secret key (sk_…), never a public key (pub_…)");
    }
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") throw new TypeError("no fetch: pass options.fetch");
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
      throw new RangeError("maxRetries must be a whole number from 0 to 10");
    }
    this.#http = new HttpClient({
      secretKey: options.secretKey,
      baseUrl: options.baseUrl,
      fetch: fetchImpl,
      maxRetries,
      maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      userAgent: `windback-node/${SDK_VERSION}`,
    });
    const projectPath = () => {
      if (!options.project) {
        throw new TypeError(
          'This call needs the project\'s slug: new Windback({ secretKey, baseUrl, project: "default" })',
        );
      }
      return `/projects/${segment(options.project)}`;
    };
    this.churnEvents = new ChurnEvents(this.#http);
    this.retentionOffers = new RetentionOffers(this.#http);
    this.stats = new Stats(this.#http);
    this.allowedOrigins = new AllowedOriginsResource(this.#http);
    this.project = new ProjectResource(this.#http, projectPath);
    this.webhookEndpoints = new WebhookEndpoints(this.#http, projectPath);
    this.integrations = { stripe: new StripeIntegrationResource(this.#http, projectPath) };
    this.cancelFlow = new CancelFlow(this.#http);
  }

  /**
   * Records product events (`POST /track`): one, or a batch of at most 100. The API checks each
   * event on its own and stores the valid ones; the answer counts both and names the first
   * problem. Retried after a 429 only (a repeat after a 503 could store the events twice).
   */
  async track(events: TrackRequest): Promise<TrackResult> {
    const response = await this.#http.request({
      method: "POST",
      path: "/track",
      body: events,
      idempotent: false,
    });
    await response.body?.cancel();
    const count = (name: string) => Number(response.headers.get(name) ?? 0);
    return {
      accepted: count("x-windback-track-accepted"),
      rejected: count("x-windback-track-rejected"),
      error: response.headers.get("x-windback-track-error"),
    };
  }
}

/** What `POST /track` did with a request's events. */
export interface TrackResult {
  /** Events stored. */
  accepted: number;
  /** Events skipped as invalid (or over the quota). */
  rejected: number;
  /** The first problem, when any event was skipped. */
  error: string | null;
}

/** Churn events (docs/design.md §2.7): the unscoped routes act on the key's own project. */
export class ChurnEvents {
  constructor(private readonly http: HttpClient) {}

  /**
   * Every churn event matching the filters, newest first, fetched a page at a time as you
   * iterate (`for await`). An event created while you page shifts the pages; the iterator skips
   * the repeats this causes, so each event comes once.
   */
  list(params: ChurnEventsListParams = {}): AsyncIterableIterator<ChurnEvent> {
    const { pageSize = PAGE_SIZE_MAX, ...filter } = params;
    checkPageSize(pageSize);
    return paginate((offset) => this.listPage({ ...filter, limit: pageSize, offset }));
  }

  /** One page (`limit` 1–100, default 20; `offset`), with the total across pages. */
  listPage(query: ChurnEventsQuery = {}): Promise<Page<ChurnEvent>> {
    return this.http.json({ method: "GET", path: "/churn-events", query, idempotent: true });
  }

  async get(id: string): Promise<ChurnEvent> {
    const path = `/churn-events/${segment(id)}`;
    return (await this.http.json<Data<ChurnEvent>>({ method: "GET", path, idempotent: true })).data;
  }

  /** Records a churn event. Not retried after a 503 (a repeat would record a second event). */
  async create(body: CreateChurnEventBody): Promise<ChurnEvent> {
    return (
      await this.http.json<Data<ChurnEvent>>({
        method: "POST",
        path: "/churn-events",
        body,
        idempotent: false,
      })
    ).data;
  }

  /** Final: a second transition answers 400 `INVALID_TRANSITION`, so not retried after a 503. */
  markRecovered(id: string): Promise<ChurnEvent> {
    return this.#transition(id, "recovered");
  }

  /** Final: a second transition answers 400 `INVALID_TRANSITION`, so not retried after a 503. */
  markLost(id: string): Promise<ChurnEvent> {
    return this.#transition(id, "lost");
  }

  /**
   * The matching events as CSV (a header row, then newest first), streamed: memory stays flat
   * however many there are. In Node, `Readable.fromWeb(stream)` gives a Node stream.
   */
  async exportCsv(filter: ChurnEventsFilter = {}): Promise<ReadableStream<Uint8Array>> {
    const response = await this.http.request({
      method: "GET",
      path: "/churn-events.csv",
      query: filter as Query,
      idempotent: true,
    });
    if (!response.body) throw new TypeError("the CSV answer has no body");
    return response.body;
  }

  async #transition(id: string, status: "recovered" | "lost"): Promise<ChurnEvent> {
    const path = `/churn-events/${segment(id)}/${status}`;
    return (await this.http.json<Data<ChurnEvent>>({ method: "POST", path, idempotent: false }))
      .data;
  }
}

/** One offer per cancel reason (docs/design.md §2.5). */
export class RetentionOffers {
  constructor(private readonly http: HttpClient) {}

  /** Every offer of the project (at most one per reason, so one page holds them all). */
  async list(): Promise<RetentionOffer[]> {
    const page = await this.http.json<Page<RetentionOffer>>({
      method: "GET",
      path: "/retention-offers",
      query: { limit: PAGE_SIZE_MAX },
      idempotent: true,
    });
    return page.data;
  }

  /** The offer for a reason, or null (read from the list: the API has no single-offer route). */
  async get(reason: CancelReason): Promise<RetentionOffer | null> {
    return (await this.list()).find((offer) => offer.cancel_reason === reason) ?? null;
  }

  /** Creates or replaces the reason's offer (PUT: safe to repeat, so retried). */
  async upsert(reason: CancelReason, offer: OfferBody): Promise<RetentionOffer> {
    const path = `/retention-offers/${segment(reason)}`;
    return (
      await this.http.json<Data<RetentionOffer>>({
        method: "PUT",
        path,
        body: offer,
        idempotent: true,
      })
    ).data;
  }

  async delete(reason: CancelReason): Promise<void> {
    const path = `/retention-offers/${segment(reason)}`;
    await this.http.json({ method: "DELETE", path, idempotent: true });
  }
}

export class Stats {
  constructor(private readonly http: HttpClient) {}

  /** Totals for `[from, to)` (`YYYY-MM-DD` or RFC 3339; all time without them). */
  async get(query: StatsQuery = {}): Promise<ChurnStats> {
    return (
      await this.http.json<Data<ChurnStats>>({
        method: "GET",
        path: "/stats",
        query,
        idempotent: true,
      })
    ).data;
  }

  /** Daily (or weekly, monthly) points for `[from, to)`, zeros included. */
  async timeseries(query: TimeseriesQuery): Promise<StatsTimeseries> {
    return (
      await this.http.json<Data<StatsTimeseries>>({
        method: "GET",
        path: "/stats/timeseries",
        query,
        idempotent: true,
      })
    ).data;
  }
}

/** The origins allowed to use the project's public key (an empty list: any origin). */
export class AllowedOriginsResource {
  constructor(private readonly http: HttpClient) {}

  async get(): Promise<string[]> {
    const path = "/auth/allowed-origins";
    return (await this.http.json<AllowedOrigins>({ method: "GET", path, idempotent: true }))
      .allowed_origins;
  }

  /** Replaces the list; returns it normalised (`scheme://host[:port]`). */
  async set(origins: string[]): Promise<string[]> {
    return (
      await this.http.json<AllowedOrigins>({
        method: "PUT",
        path: "/auth/allowed-origins",
        body: { allowed_origins: origins },
        idempotent: true,
      })
    ).allowed_origins;
  }
}

/** The key's project: its name, support email and settings (needs the `project` option). */
export class ProjectResource {
  constructor(
    private readonly http: HttpClient,
    private readonly path: () => string,
  ) {}

  async get(): Promise<Project> {
    return (
      await this.http.json<Data<Project>>({ method: "GET", path: this.path(), idempotent: true })
    ).data;
  }

  /** Changes only the fields given, e.g. `{ customer_verification: "required" }`. */
  async update(changes: UpdateProjectBody): Promise<Project> {
    return (
      await this.http.json<Data<Project>>({
        method: "PATCH",
        path: this.path(),
        body: changes,
        idempotent: true,
      })
    ).data;
  }
}

/** Outbound webhook endpoints (docs/design.md §9; needs the `project` option). */
export class WebhookEndpoints {
  constructor(
    private readonly http: HttpClient,
    private readonly projectPath: () => string,
  ) {}

  #path(rest = "") {
    return `${this.projectPath()}/webhook-endpoints${rest}`;
  }

  /** Creates an endpoint; the answer's `secret` is shown this once. Not retried after a 503. */
  async create(body: CreateWebhookEndpointBody): Promise<CreatedWebhookEndpoint> {
    return (
      await this.http.json<Data<CreatedWebhookEndpoint>>({
        method: "POST",
        path: this.#path(),
        body,
        idempotent: false,
      })
    ).data;
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (
      await this.http.json<Page<WebhookEndpoint>>({
        method: "GET",
        path: this.#path(),
        idempotent: true,
      })
    ).data;
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return (
      await this.http.json<Data<WebhookEndpoint>>({
        method: "GET",
        path: this.#path(`/${segment(id)}`),
        idempotent: true,
      })
    ).data;
  }

  /** Changes the fields given; `{ enabled: true }` re-enables a disabled endpoint. */
  async update(id: string, changes: UpdateWebhookEndpointBody): Promise<WebhookEndpoint> {
    return (
      await this.http.json<Data<WebhookEndpoint>>({
        method: "PATCH",
        path: this.#path(`/${segment(id)}`),
        body: changes,
        idempotent: true,
      })
    ).data;
  }

  async delete(id: string): Promise<void> {
    await this.http.json({
      method: "DELETE",
      path: this.#path(`/${segment(id)}`),
      idempotent: true,
    });
  }

  /** A new secret (shown once); the previous one also signs for 24 h. Not retried after a 503. */
  async rotateSecret(id: string): Promise<RotatedWebhookSecret> {
    return (
      await this.http.json<Data<RotatedWebhookSecret>>({
        method: "POST",
        path: this.#path(`/${segment(id)}/rotate-secret`),
        idempotent: false,
      })
    ).data;
  }

  /** Queues a `webhook.test` message to the endpoint. */
  async sendTest(id: string): Promise<WebhookMessageQueued> {
    return (
      await this.http.json<Data<WebhookMessageQueued>>({
        method: "POST",
        path: this.#path(`/${segment(id)}/test`),
        idempotent: false,
      })
    ).data;
  }

  /** The endpoint's delivery attempts, newest first, every page as you iterate. */
  listDeliveries(
    id: string,
    params: { pageSize?: number } = {},
  ): AsyncIterableIterator<WebhookDelivery> {
    const { pageSize = PAGE_SIZE_MAX } = params;
    checkPageSize(pageSize);
    const path = this.#path(`/${segment(id)}/deliveries`);
    return paginate((offset) =>
      this.http.json<Page<WebhookDelivery>>({
        method: "GET",
        path,
        query: { limit: pageSize, offset },
        idempotent: true,
      }),
    );
  }

  /** Queues a delivery's message again; answers the new attempt. */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return (
      await this.http.json<Data<WebhookDelivery>>({
        method: "POST",
        path: this.#path(`/${segment(id)}/deliveries/${segment(deliveryId)}/redeliver`),
        idempotent: false,
      })
    ).data;
  }
}

/** The project's Stripe integration (docs/design.md §10; needs the `project` option). */
export class StripeIntegrationResource {
  constructor(
    private readonly http: HttpClient,
    private readonly projectPath: () => string,
  ) {}

  #path() {
    return `${this.projectPath()}/integrations/stripe`;
  }

  /** Whether a Stripe webhook secret is set (as a hint) and the URL to give Stripe. */
  async get(): Promise<StripeIntegration> {
    return (
      await this.http.json<Data<StripeIntegration>>({
        method: "GET",
        path: this.#path(),
        idempotent: true,
      })
    ).data;
  }

  /** Sets the signing secret (`whsec_…`) of your Stripe webhook endpoint. */
  async set(webhookSecret: string): Promise<StripeIntegration> {
    return (
      await this.http.json<Data<StripeIntegration>>({
        method: "PUT",
        path: this.#path(),
        body: { webhook_secret: webhookSecret },
        idempotent: true,
      })
    ).data;
  }

  async delete(): Promise<void> {
    await this.http.json({ method: "DELETE", path: this.#path(), idempotent: true });
  }
}

/**
 * The cancel-flow routes (docs/design.md §2.6), which also take a secret key: for a cancel page
 * rendered by your server, or a flow run from your own UI. They share the key's cancel-flow budget
 * (10 requests per 15 s per client by default), so expect `RATE_LIMITED` under load.
 */
export class CancelFlow {
  constructor(private readonly http: HttpClient) {}

  /**
   * Records the customer's reason; answers the offer to show, if any. Retried after a 503 too:
   * the API answers a repeat for the same customer within 24 h with the same event.
   */
  submit(body: CancelFlowSubmitRequest): Promise<CancelFlowSubmitResponse> {
    return this.http.json({
      method: "POST",
      path: "/cancel-flow/submit",
      body,
      idempotent: true,
    });
  }

  /** The enabled offer for a reason, or null; records nothing. */
  async getOffer(reason: CancelReason): Promise<PublicOffer | null> {
    const answer = await this.http.json<CancelFlowOffersResponse>({
      method: "GET",
      path: "/cancel-flow/offers",
      query: { reason },
      idempotent: true,
    });
    return answer.offer;
  }

  /** The customer took the offer. Safe to repeat (an accepted event stays accepted), so retried. */
  acceptOffer(body: CancelFlowAcceptRequest): Promise<CancelFlowAcceptResponse> {
    return this.http.json({
      method: "POST",
      path: "/cancel-flow/accept-offer",
      body,
      idempotent: true,
    });
  }

  /** The customer saw the offer and went on to cancel. Not retried after a 503. */
  decline(body: CancelFlowDeclineRequest): Promise<CancelFlowDeclineResponse> {
    return this.http.json({
      method: "POST",
      path: "/cancel-flow/decline",
      body,
      idempotent: false,
    });
  }
}
