/**
 * The storage seam: what the services and routes may ask of a store, and the guarantees they rely
 * on. Nothing above this file knows SQL or a driver's error codes; every implementation (SQLite in
 * ./sqlite, PostgreSQL in ./postgres) throws only the errors of ./errors.ts and passes the contract suite in
 * apps/api/test/storage/.
 */

import type {
  CancelReason,
  ChurnSource,
  ChurnStatus,
  CustomerVerification,
  KeyType,
  OfferType,
  PublicOffer,
  WebhookEventType,
} from "@windback/protocol";
import type { CounterRow, DaySeriesRow } from "./counters.js";

/**
 * A store the app is built from, chosen by configuration (storage/index.ts). Its repositories are
 * plain objects of functions: the app puts its read cache (storage/cache) in front of them by
 * replacing methods, and every write that changes a cached read (a project's settings, origins,
 * offers and keys) must be one of these methods, so the cache hears of it.
 */
export interface Storage {
  readonly kind: "sqlite" | "postgres";
  readonly repos: Repositories;
  /** Resolves when the store answers; rejects with StorageUnavailableError when it cannot. */
  health(): Promise<void>;
  /** Closes connections; pending writes finish first. */
  close(): Promise<void>;
}

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectRecord {
  id: string;
  userId: string;
  name: string;
  slug: string;
  supportEmail: string | null;
  allowedOrigins: string[];
  /** The largest MRR (cents) a browser may claim for a customer; larger claims are refused. */
  maxClaimedMrrCents: number;
  /** Whether cancel-flow requests must, may or need not carry a customer token (§11). */
  customerVerification: CustomerVerification;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  keyType: KeyType;
  /** False for a test key: what it writes is test data. */
  livemode: boolean;
  keyHint: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A key about to be stored: only its hash and hint, never the raw value. */
export interface NewApiKey {
  id: string;
  keyType: KeyType;
  livemode: boolean;
  keyHash: string;
  keyHint: string;
}

export interface NewProject {
  id: string;
  userId: string;
  name: string;
  /** Wanted slug; a numeric suffix is added when the account already uses it. */
  slug: string;
  supportEmail: string | null;
}

/** A valid key with what authentication needs to know about its owner. */
export interface AuthenticatedKey {
  key: ApiKeyRecord;
  userId: string;
  keyHash: string;
}

export interface UsersRepository {
  /**
   * Creates the account and its first project in one transaction. Throws UniqueViolationError on
   * a taken email: of concurrent registrations with one email, exactly one succeeds.
   */
  createWithProject(
    user: { id: string; name: string; email: string; passwordHash: string },
    project: NewProject,
    now: string,
  ): Promise<{ user: UserRecord; project: ProjectRecord }>;
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Stores the new hash, bumps token_version so earlier JWTs stop working, and ends every
   * dashboard session of the account, in one transaction.
   */
  changePassword(id: string, passwordHash: string, now: string): Promise<UserRecord>;
}

export interface ProjectsRepository {
  /**
   * Creates the project and its keys in one transaction, under the first slug of the account
   * that is free ("acme", "acme-2", …): concurrent creations with one name get distinct slugs.
   */
  create(project: NewProject, keys: NewApiKey[], now: string): Promise<ProjectRecord>;
  listByUser(
    userId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: ProjectRecord[]; total: number }>;
  findById(id: string): Promise<ProjectRecord | null>;
  findBySlug(userId: string, slug: string): Promise<ProjectRecord | null>;
  /** The account's oldest project: the target of the unscoped aliases. */
  findDefault(userId: string): Promise<ProjectRecord | null>;
  update(
    id: string,
    changes: {
      name?: string;
      supportEmail?: string | null;
      maxClaimedMrrCents?: number;
      customerVerification?: CustomerVerification;
    },
    now: string,
  ): Promise<ProjectRecord | null>;
  delete(id: string): Promise<boolean>;
  setAllowedOrigins(id: string, origins: string[], now: string): Promise<string[]>;
  getAllowedOrigins(id: string): Promise<string[]>;
}

export interface ApiKeysRepository {
  create(projectId: string, key: NewApiKey, now: string): Promise<ApiKeyRecord>;
  /**
   * Inserts the new key and makes the project's other usable keys of that type and mode expire
   * at `oldKeysExpireAt` (never later than they already would).
   */
  rotate(
    projectId: string,
    key: NewApiKey,
    now: string,
    oldKeysExpireAt: string,
  ): Promise<ApiKeyRecord>;
  /** Newest first. */
  listByProject(
    projectId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: ApiKeyRecord[]; total: number }>;
  /** The key with this hash if it is neither revoked nor expired at `now`. */
  findUsableByHash(keyHash: string, now: string): Promise<AuthenticatedKey | null>;
  revoke(projectId: string, id: string, now: string): Promise<ApiKeyRecord | null>;
  /**
   * Records use; skips the write unless last_used_at is older than `staleBefore`. The read cache
   * (storage/cache/read-cache.ts) calls it only from its batched flush, never per request.
   */
  touch(id: string, now: string, staleBefore: string): Promise<void>;
}

export interface SessionRecord {
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** Dashboard cookie sessions, stored by the SHA-256 of the cookie's value. */
export interface SessionsRepository {
  /** Stores a new session and deletes the user's expired ones. */
  create(tokenHash: string, userId: string, now: string, expiresAt: string): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findActive(tokenHash: string, now: string): Promise<SessionRecord | null>;
  /** Slides the expiry (the session was used at `now`). */
  extend(tokenHash: string, now: string, expiresAt: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
}

export interface CustomerTokenSecretRecord {
  id: string;
  projectId: string;
  /** The HMAC key itself: a token is verified with it. */
  secret: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The keys merchants' servers sign customer tokens with (docs/design.md §11). */
export interface CustomerTokenSecretsRepository {
  /**
   * Stores a new secret unless the project already has `maxActive` active ones (→ false). The
   * check and the insert are one transaction.
   */
  create(
    projectId: string,
    secret: { id: string; secret: string },
    now: string,
    maxActive: number,
  ): Promise<CustomerTokenSecretRecord | null>;
  /** Newest first, revoked ones included. */
  listByProject(projectId: string): Promise<CustomerTokenSecretRecord[]>;
  /** The project's active secret with this id (a token's `kid`), or null. */
  findActive(projectId: string, id: string): Promise<CustomerTokenSecretRecord | null>;
  revoke(projectId: string, id: string, now: string): Promise<CustomerTokenSecretRecord | null>;
}

export interface Repositories {
  users: UsersRepository;
  customerTokenSecrets: CustomerTokenSecretsRepository;
  sessions: SessionsRepository;
  projects: ProjectsRepository;
  apiKeys: ApiKeysRepository;
  offers: OffersRepository;
  churnEvents: ChurnEventsRepository;
  trackEvents: TrackEventsRepository;
  webhooks: WebhooksRepository;
  billing: BillingRepository;
}

/** The type-specific fields of an offer; only those of its `offerType` are set. */
export interface OfferFields {
  discountPercent: number | null;
  discountDurationMonths: number | null;
  pauseDays: number | null;
  extensionDays: number | null;
  downgradePlan: string | null;
  featureName: string | null;
  featureUnlockDays: number | null;
}

export interface OfferInput extends OfferFields {
  cancelReason: CancelReason;
  offerType: OfferType;
  title: string;
  description: string;
  ctaButtonText: string;
  ctaUrl: string | null;
  enabled: boolean;
}

export interface OfferRecord extends OfferInput {
  id: string;
  projectId: string;
  createdAt: string;
  updatedAt: string;
}

export interface OffersRepository {
  listByProject(projectId: string): Promise<OfferRecord[]>;
  /** The offer for a reason, enabled or not. */
  findByReason(projectId: string, reason: CancelReason): Promise<OfferRecord | null>;
  /** The enabled offer for a reason: what the cancel flow serves. */
  findEnabledByReason(projectId: string, reason: CancelReason): Promise<OfferRecord | null>;
  /** Creates or replaces the project's one offer for `input.cancelReason`. */
  upsert(
    projectId: string,
    id: string,
    input: OfferInput,
    now: string,
  ): Promise<{ offer: OfferRecord; created: boolean }>;
  delete(projectId: string, reason: CancelReason): Promise<boolean>;
}

export interface NewChurnEvent {
  id: string;
  customerEmail: string;
  customerName: string | null;
  provider: string;
  providerSubscriptionId: string | null;
  planName: string | null;
  mrrCents: number;
  currency: string;
  tenureDays: number | null;
  cancelReason: CancelReason | null;
  cancelReasonText: string | null;
  source: ChurnSource;
  status: ChurnStatus;
  offerType: OfferType | null;
  offerShown: boolean;
  offerAcceptedAt: string | null;
  /**
   * A keyed hash of the client that started a cancel flow (the verified customer, or the
   * browser's address); null for events recorded by a server or a billing provider. Only that
   * client may continue the flow.
   */
  clientKey: string | null;
  /** False when the MRR is only a browser's claim. */
  mrrVerified: boolean;
  /** The offer as served for the reason: what an acceptance means. */
  offerTerms: PublicOffer | null;
  /** False for data written with a test key. */
  livemode: boolean;
}

export interface ChurnEventRecord extends NewChurnEvent {
  projectId: string;
  offerDeclined: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a cancel-flow submission carries; `offerTerms` is the offer being shown, if any. */
export type CancelFlowSubmission = Omit<
  NewChurnEvent,
  "source" | "status" | "offerShown" | "offerAcceptedAt" | "offerType"
>;

/**
 * Whose cancel-flow events a caller may see and continue: a browser only those its own client
 * started (an email from a browser is only a claim); a verified customer (customer token) any of
 * theirs; the merchant's server (secret key) any of the project's.
 */
export type FlowOwner = (
  | { kind: "client"; clientKey: string }
  | { kind: "customer"; email: string }
  | { kind: "project" }
) & {
  /** Live and test data never meet (docs/design.md §11): an owner sees its own mode's events. */
  livemode: boolean;
};

/**
 * What a billing provider states about the subscription behind a churn event. A null plan or
 * MRR is one the provider's event does not state reliably: the event keeps its own.
 */
export interface BillingFacts {
  provider: string;
  providerSubscriptionId: string;
  planName: string | null;
  /** Monthly cents with `currency`; when set, the event's MRR becomes verified. */
  mrrCents: number | null;
  currency: string;
}

/** The event an accept-offer acts on: `eventId`, else the customer's latest one the owner sees. */
export interface AcceptTarget {
  eventId?: string;
  customerEmail: string;
  owner: FlowOwner;
  since: string;
}

export interface ChurnStatsRow {
  totalEvents: number;
  newEvents: number;
  offerAcceptedEvents: number;
  recoveredEvents: number;
  lostEvents: number;
  totalMrrAtRisk: number;
  recoveredMrr: number;
  lostMrr: number;
  submissions: number;
  offersShown: number;
  offersAccepted: number;
  offersDeclined: number;
  savedMrr: number;
  /** The parts of the three money figures above that are only browsers' claims. */
  claimedMrrAtRisk: number;
  claimedRecoveredMrr: number;
  claimedSavedMrr: number;
  byReason: { reason: string; submissions: number; offersShown: number; offersAccepted: number }[];
}

/** Which events a list or export returns; every field narrows it. */
export interface ChurnEventFilter {
  /** Live data, or test-mode data. */
  livemode?: boolean;
  status?: ChurnStatus;
  reason?: CancelReason;
  /** created_at in [from, to), ISO timestamps. */
  from?: string;
  to?: string;
  /** Part of the customer's email, lower-case. */
  emailContains?: string;
}

/** Every change to a churn event publishes one of these, in the same transaction as the change. */
const DOMAIN_EVENT_TYPES = [
  "cancel_flow.submitted",
  "cancel_flow.offer_accepted",
  "cancel_flow.offer_declined",
  "churn_event.created",
  "churn_event.recovered",
  "churn_event.lost",
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  projectId: string;
  /** The churn event that changed. */
  churnEventId: string;
  /** JSON text: the churn event as the API returned it right after the change. */
  payload: string;
  occurredAt: string;
}

/**
 * Builds the domain event of a change from the changed churn event. A repository calls it inside
 * the transaction of the change, once per real change (never for a de-duplicated submit or a
 * repeated accept), and stores what it returns in that transaction: both commit or neither does.
 * In that same transaction it queues the outbound webhook message of the event (the outbox, see
 * WebhooksRepository) for each enabled endpoint of the project that subscribes to its type, with
 * the body `{"type", "timestamp", "livemode", "data"}` (docs/design.md §9).
 */
export type Publish = (event: ChurnEventRecord) => DomainEvent;

export type TransitionResult =
  | { ok: true; event: ChurnEventRecord; published: DomainEvent | null }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid_transition"; event: ChurnEventRecord }
  /** The offer type asked for is not the offer served for the event's reason (or none is). */
  | { ok: false; reason: "offer_mismatch"; event: ChurnEventRecord | null };

/**
 * Churn events. Each write is one transaction and publishes its domain event (see Publish) in it.
 * Writes to one project's events are serialised, which is what makes submit's de-duplication and
 * accept-offer's idempotency hold under concurrent requests.
 */
export interface ChurnEventsRepository {
  create(
    projectId: string,
    event: NewChurnEvent,
    now: string,
    publish: Publish,
  ): Promise<{ event: ChurnEventRecord; published: DomainEvent }>;
  findById(projectId: string, id: string): Promise<ChurnEventRecord | null>;
  /**
   * A billing webhook's match (docs/design.md §10): the newest event of this mode with one of
   * `statuses` whose provider_subscription_id is `subscriptionId`; failing that, when an email
   * is given, the newest such event of that customer (of no known subscription, when
   * `subscriptionId` is given: another subscription's event is not this one's).
   */
  findForBilling(
    projectId: string,
    query: {
      livemode: boolean;
      subscriptionId: string | null;
      customerEmail: string | null;
      statuses: ChurnStatus[];
    },
  ): Promise<ChurnEventRecord | null>;
  /** Newest first, with the total matching the filter. */
  list(
    projectId: string,
    filter: ChurnEventFilter & { limit: number; offset: number },
  ): Promise<{ items: ChurnEventRecord[]; total: number }>;
  /**
   * Every event matching the filter, newest first, read in pages so memory stays flat however
   * many there are (the CSV export).
   */
  exportAll(projectId: string, filter: ChurnEventFilter): AsyncIterable<ChurnEventRecord>;
  /**
   * Records a cancel-flow submission: when the owner already sees an event of this customer in
   * this project created at or after `dedupeSince`, that event is returned (and, while still
   * `new`, updated to the latest reason and offer) instead of inserting a duplicate; a browser
   * that sees none (another client started it) gets an event of its own. Check and insert are one
   * transaction, so concurrent submits of one owner for one customer create exactly one event;
   * only an inserted event is published.
   */
  submit(
    projectId: string,
    submission: CancelFlowSubmission,
    owner: FlowOwner,
    now: string,
    dedupeSince: string,
    publish: Publish,
  ): Promise<{ event: ChurnEventRecord; deduplicated: boolean; published: DomainEvent | null }>;
  /**
   * Marks an offer accepted: the event `eventId` if the owner sees it (else not_found), else the
   * customer's latest event the owner sees since `since`, else `fallback`
   * (null: offer_mismatch). Only the offer served for the event (`offerTerms`) can be accepted;
   * the reason, feedback, customer fields and terms are never rewritten. Accepting an event that
   * is already `offer_accepted` changes and publishes nothing (a retried request is safe); a
   * final event is an invalid transition. One transaction.
   */
  acceptOffer(
    projectId: string,
    target: AcceptTarget,
    offerType: OfferType,
    fallback: NewChurnEvent | null,
    now: string,
    publish: Publish,
  ): Promise<TransitionResult>;
  /** The customer saw the offer and went on to cancel (only from `new`; not_found if not the owner's). */
  decline(
    projectId: string,
    id: string,
    owner: FlowOwner,
    now: string,
    publish: Publish,
  ): Promise<TransitionResult>;
  /**
   * `recovered` or `lost`; refused once the event is already final. `billing`, when a billing
   * provider reports the change, replaces the event's subscription, plan and MRR with the
   * provider's (and marks the MRR verified), in the same transaction.
   */
  setFinalStatus(
    projectId: string,
    id: string,
    status: "recovered" | "lost",
    now: string,
    publish: Publish,
    billing?: BillingFacts,
  ): Promise<TransitionResult>;
  /** The domain events of one churn event, oldest first: its history. */
  history(projectId: string, churnEventId: string): Promise<DomainEvent[]>;
  /**
   * The counter rows of the project's live or test events (storage/counters.ts turns them into
   * stats): all time, or those created in [from, to). Costs O(counter rows + days), plus the
   * events of at most two partial days when a bound is not a UTC midnight; never O(events).
   */
  counters(
    projectId: string,
    scope: { livemode: boolean; period?: { from: string; to: string } },
  ): Promise<CounterRow[]>;
  /** The daily counters of the days in [fromDay, toDay) (YYYY-MM-DD, UTC), for the timeseries. */
  dailyCounters(
    projectId: string,
    scope: { livemode: boolean; fromDay: string; toDay: string },
  ): Promise<DaySeriesRow[]>;
}

export interface NewTrackEvent {
  customerEmail: string | null;
  customerId: string | null;
  event: string;
  /** Serialised JSON object, or null. */
  properties: string | null;
  occurredAt: string;
}

export interface TrackEventRecord extends NewTrackEvent {
  livemode: boolean;
  id: number;
  projectId: string;
  apiKeyId: string | null;
  createdAt: string;
}

export interface TrackEventsRepository {
  /**
   * Stores a batch whole, or nothing when it would take the project's stored bytes past
   * `quotaBytes` (→ `{stored: 0, overQuota: true}`). The usage counter changes in the same
   * transaction.
   */
  insertMany(
    projectId: string,
    key: { id: string | null; livemode: boolean },
    events: NewTrackEvent[],
    now: string,
    quotaBytes: number,
  ): Promise<{ stored: number; overQuota: boolean }>;
  listByProject(projectId: string, limit: number): Promise<TrackEventRecord[]>;
  /** What the project's stored events take now. */
  usage(projectId: string): Promise<{ events: number; bytes: number }>;
  /** Deletes at most `limit` events stored before `before`, oldest first; returns how many. */
  pruneStoredBefore(before: string, limit: number): Promise<number>;
}

export interface WebhookEndpointRecord {
  id: string;
  projectId: string;
  url: string;
  description: string | null;
  /** null: every type. */
  eventTypes: WebhookEventType[] | null;
  enabled: boolean;
  disabledReason: string | null;
  /** `whsec_` + base64 of the key: signs every message. */
  secret: string;
  /** The secret before the last rotation: it also signs until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  /** When the current run of failures began; null after a success. */
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewWebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[] | null;
  enabled: boolean;
  secret: string;
}

export type WebhookStatus = "pending" | "succeeded" | "failed";

export interface WebhookMessageRecord {
  /** The `webhook-id` header: the same on every attempt. */
  id: string;
  projectId: string;
  endpointId: string;
  eventType: WebhookEventType;
  livemode: boolean;
  /** The exact JSON text that is signed and sent. */
  body: string;
  status: WebhookStatus;
  attempts: number;
  createdAt: string;
}

/** One delivery attempt: planned (`pending`, due at `nextAttemptAt`) or made. */
export interface WebhookAttemptRecord {
  id: string;
  messageId: string;
  endpointId: string;
  eventType: WebhookEventType;
  /** 1 for the first attempt of a message, then 2, 3, … (a redelivery continues the count). */
  attempt: number;
  status: WebhookStatus;
  responseStatus: number | null;
  /** At most 64 KB of the response. */
  responseBody: string | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
  nextAttemptAt: string | null;
}

/** A due attempt the worker has leased, with what it needs to send it. */
export interface LeasedDelivery {
  attempt: WebhookAttemptRecord;
  message: WebhookMessageRecord;
  endpoint: WebhookEndpointRecord;
}

/** What became of an attempt, and what follows from it; applied in one transaction. */
export interface AttemptOutcome {
  succeeded: boolean;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** Plan the next attempt (a new pending row) at this time; null: the message is final. */
  retry: { id: string; at: string } | null;
  /** Disable the endpoint with this reason (a 410, or five days of failures). */
  disableEndpoint: string | null;
}

/**
 * Outbound webhooks (docs/design.md §9): endpoints, the outbox of messages and their attempts.
 * The messages of domain events are queued by ChurnEventsRepository inside the change's
 * transaction (see Publish); this repository queues the others (test, redelivery) and serves
 * the worker.
 */
export interface WebhooksRepository {
  createEndpoint(
    projectId: string,
    endpoint: NewWebhookEndpoint,
    now: string,
  ): Promise<WebhookEndpointRecord>;
  /** Oldest first. */
  listEndpoints(projectId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(projectId: string, id: string): Promise<WebhookEndpointRecord | null>;
  /**
   * Changes the given fields. `enabled: true` re-enables: the disabled reason and the run of
   * failures are cleared, and pending attempts resume.
   */
  updateEndpoint(
    projectId: string,
    id: string,
    changes: {
      url?: string;
      description?: string | null;
      eventTypes?: WebhookEventType[] | null;
      enabled?: boolean;
    },
    now: string,
  ): Promise<WebhookEndpointRecord | null>;
  /** Deletes the endpoint with its messages and attempts. */
  deleteEndpoint(projectId: string, id: string): Promise<boolean>;
  /** The current secret becomes the previous one (signing until `previousExpiresAt`). */
  rotateSecret(
    projectId: string,
    id: string,
    secret: string,
    now: string,
    previousExpiresAt: string,
  ): Promise<WebhookEndpointRecord | null>;
  /** Queues a message to one endpoint with its first attempt due at `now`. */
  enqueue(
    projectId: string,
    endpointId: string,
    message: { id: string; eventType: WebhookEventType; livemode: boolean; body: string },
    firstAttemptId: string,
    now: string,
  ): Promise<WebhookMessageRecord>;
  /** The endpoint's attempts, newest first. */
  listAttempts(
    projectId: string,
    endpointId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: WebhookAttemptRecord[]; total: number }>;
  /**
   * Plans one more attempt of the message of attempt `attemptId`, due at `now`, and makes the
   * message pending again; null when the attempt is not the endpoint's.
   */
  redeliver(
    projectId: string,
    endpointId: string,
    attemptId: string,
    newAttemptId: string,
    now: string,
  ): Promise<WebhookAttemptRecord | null>;
  /**
   * Leases at most `limit` pending attempts of enabled endpoints that are due at `now` (oldest
   * due first); a first attempt is due `firstAttemptDelayMs` after it was planned (the first
   * delay of the retry schedule). Their due time moves to `leaseUntil`, so no other worker takes
   * them meanwhile and one cut short by a crash is due again when the lease runs out. One
   * transaction.
   */
  leaseDue(
    now: string,
    leaseUntil: string,
    limit: number,
    firstAttemptDelayMs: number,
  ): Promise<LeasedDelivery[]>;
  /** Gives a leased attempt back, due at `at` (a worker stopping before it could send). */
  release(attemptId: string, at: string): Promise<void>;
  /**
   * Records an attempt's outcome: the attempt, the message's status and count, the next
   * attempt, the endpoint's last success/failure and run of failures, and its disabling, in one
   * transaction.
   */
  recordOutcome(attemptId: string, outcome: AttemptOutcome, now: string): Promise<void>;
  /** When the earliest pending attempt of an enabled endpoint is due (as leaseDue counts), or null. */
  nextDueAt(firstAttemptDelayMs: number): Promise<string | null>;
}

/** A billing provider's webhook settings for a project (docs/design.md §10). */
export interface BillingIntegrationRecord {
  projectId: string;
  provider: "stripe";
  webhookSecret: string;
  createdAt: string;
  updatedAt: string;
}

export interface BillingRepository {
  setIntegration(
    projectId: string,
    provider: "stripe",
    webhookSecret: string,
    now: string,
  ): Promise<BillingIntegrationRecord>;
  findIntegration(projectId: string, provider: "stripe"): Promise<BillingIntegrationRecord | null>;
  deleteIntegration(projectId: string, provider: "stripe"): Promise<boolean>;
  /**
   * Claims a provider event id: true the first time (the caller processes it), false when it was
   * already claimed. Concurrent claims of one id: exactly one is true.
   */
  claimEvent(
    projectId: string,
    provider: "stripe",
    event: { id: string; type: string },
    now: string,
  ): Promise<boolean>;
  /** Forgets a claim whose processing failed, so the provider's retry is processed. */
  releaseEvent(projectId: string, provider: "stripe", eventId: string): Promise<void>;
}
