/**
 * Rows as both backends read them, and their mapping to records: the tables have the same
 * columns in SQLite and PostgreSQL, so each row type and mapper is written once here. Only
 * booleans differ (SQLite stores 0/1, PostgreSQL returns booleans), hence `StoredBoolean`.
 */
import type {
  CancelReason,
  ChurnSource,
  ChurnStatus,
  KeyType,
  OfferType,
  PublicOffer,
  WebhookEventType,
} from "@windback/protocol";
import type { CounterRow, DaySeriesRow } from "./counters.js";
import type {
  ApiKeyRecord,
  BillingIntegrationRecord,
  ChurnEventRecord,
  CustomerTokenSecretRecord,
  DomainEvent,
  DomainEventType,
  OfferRecord,
  SessionRecord,
  TrackEventRecord,
  UserRecord,
  WebhookAttemptRecord,
  WebhookEndpointRecord,
  WebhookMessageRecord,
  WebhookStatus,
} from "./types.js";

/** A boolean column: 0/1 from SQLite, a boolean from PostgreSQL. */
type StoredBoolean = number | boolean;

const storedBoolean = (value: StoredBoolean): boolean => value === true || value === 1;

export interface UserRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  token_version: number;
  created_at: string;
  updated_at: string;
}

export const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  name: row.name,
  email: row.email,
  passwordHash: row.password_hash,
  tokenVersion: row.token_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface SessionRow {
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export const toSession = (row: SessionRow): SessionRecord => ({
  userId: row.user_id,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
});

export interface ApiKeyRow {
  id: string;
  project_id: string;
  key_type: KeyType;
  key_hash: string;
  key_hint: string;
  livemode: StoredBoolean;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export const toKey = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  projectId: row.project_id,
  keyType: row.key_type,
  livemode: storedBoolean(row.livemode),
  keyHint: row.key_hint,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

export interface OfferRow {
  id: string;
  project_id: string;
  cancel_reason: CancelReason;
  offer_type: OfferType;
  title: string;
  description: string;
  cta_button_text: string;
  cta_url: string | null;
  discount_percent: number | null;
  discount_duration_months: number | null;
  pause_days: number | null;
  extension_days: number | null;
  downgrade_plan: string | null;
  feature_name: string | null;
  feature_unlock_days: number | null;
  enabled: StoredBoolean;
  created_at: string;
  updated_at: string;
}

export const toOffer = (row: OfferRow): OfferRecord => ({
  id: row.id,
  projectId: row.project_id,
  cancelReason: row.cancel_reason,
  offerType: row.offer_type,
  title: row.title,
  description: row.description,
  ctaButtonText: row.cta_button_text,
  ctaUrl: row.cta_url,
  discountPercent: row.discount_percent,
  discountDurationMonths: row.discount_duration_months,
  pauseDays: row.pause_days,
  extensionDays: row.extension_days,
  downgradePlan: row.downgrade_plan,
  featureName: row.feature_name,
  featureUnlockDays: row.feature_unlock_days,
  enabled: storedBoolean(row.enabled),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface IntegrationRow {
  project_id: string;
  provider: "stripe";
  webhook_secret: string;
  created_at: string;
  updated_at: string;
}

export const toIntegration = (row: IntegrationRow): BillingIntegrationRecord => ({
  projectId: row.project_id,
  provider: row.provider,
  webhookSecret: row.webhook_secret,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface SecretRow {
  id: string;
  project_id: string;
  secret: string;
  created_at: string;
  revoked_at: string | null;
}

export const toSecret = (row: SecretRow): CustomerTokenSecretRecord => ({
  id: row.id,
  projectId: row.project_id,
  secret: row.secret,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export interface TrackEventRow {
  id: number;
  project_id: string;
  api_key_id: string | null;
  livemode: StoredBoolean;
  customer_email: string | null;
  customer_id: string | null;
  event: string;
  properties: string | null;
  occurred_at: string;
  created_at: string;
}

export const toTrackEvent = (row: TrackEventRow): TrackEventRecord => ({
  id: row.id,
  projectId: row.project_id,
  apiKeyId: row.api_key_id,
  livemode: storedBoolean(row.livemode),
  customerEmail: row.customer_email,
  customerId: row.customer_id,
  event: row.event,
  properties: row.properties,
  occurredAt: row.occurred_at,
  createdAt: row.created_at,
});

export interface EndpointRow {
  id: string;
  project_id: string;
  url: string;
  description: string | null;
  event_types: string | null;
  enabled: StoredBoolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  created_at: string;
  updated_at: string;
}

export const toEndpoint = (row: EndpointRow): WebhookEndpointRecord => ({
  id: row.id,
  projectId: row.project_id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as WebhookEventType[]),
  enabled: storedBoolean(row.enabled),
  disabledReason: row.disabled_reason,
  secret: row.secret,
  previousSecret: row.previous_secret,
  previousSecretExpiresAt: row.previous_secret_expires_at,
  failingSince: row.failing_since,
  lastSuccessAt: row.last_success_at,
  lastFailureAt: row.last_failure_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface MessageRow {
  id: string;
  project_id: string;
  endpoint_id: string;
  event_type: WebhookEventType;
  livemode: StoredBoolean;
  body: string;
  status: WebhookStatus;
  attempts: number;
  created_at: string;
}

export const toMessage = (row: MessageRow): WebhookMessageRecord => ({
  id: row.id,
  projectId: row.project_id,
  endpointId: row.endpoint_id,
  eventType: row.event_type,
  livemode: storedBoolean(row.livemode),
  body: row.body,
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
});

/** An attempt joined with its message's event type (see the backends' ATTEMPT_COLUMNS). */
export interface AttemptRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  event_type: WebhookEventType;
  attempt: number;
  status: WebhookStatus;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
  next_attempt_at: string | null;
}

export const toAttempt = (row: AttemptRow): WebhookAttemptRecord => ({
  id: row.id,
  messageId: row.message_id,
  endpointId: row.endpoint_id,
  eventType: row.event_type,
  attempt: row.attempt,
  status: row.status,
  responseStatus: row.response_status,
  responseBody: row.response_body,
  error: row.error,
  durationMs: row.duration_ms,
  createdAt: row.created_at,
  nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
});

export interface ChurnEventRow {
  id: string;
  project_id: string;
  customer_email: string;
  customer_name: string | null;
  provider: string;
  provider_subscription_id: string | null;
  plan_name: string | null;
  mrr_cents: number;
  currency: string;
  tenure_days: number | null;
  cancel_reason: CancelReason | null;
  cancel_reason_text: string | null;
  status: ChurnStatus;
  source: ChurnSource;
  offer_type: OfferType | null;
  offer_shown: StoredBoolean;
  offer_declined: StoredBoolean;
  offer_accepted_at: string | null;
  client_key: string | null;
  mrr_verified: StoredBoolean;
  offer_terms: string | null;
  livemode: StoredBoolean;
  created_at: string;
  updated_at: string;
}

export const toEvent = (row: ChurnEventRow): ChurnEventRecord => ({
  id: row.id,
  projectId: row.project_id,
  customerEmail: row.customer_email,
  customerName: row.customer_name,
  provider: row.provider,
  providerSubscriptionId: row.provider_subscription_id,
  planName: row.plan_name,
  mrrCents: row.mrr_cents,
  currency: row.currency,
  tenureDays: row.tenure_days,
  cancelReason: row.cancel_reason,
  cancelReasonText: row.cancel_reason_text,
  status: row.status,
  source: row.source,
  offerType: row.offer_type,
  offerShown: storedBoolean(row.offer_shown),
  offerDeclined: storedBoolean(row.offer_declined),
  offerAcceptedAt: row.offer_accepted_at,
  clientKey: row.client_key,
  mrrVerified: storedBoolean(row.mrr_verified),
  offerTerms: row.offer_terms === null ? null : (JSON.parse(row.offer_terms) as PublicOffer),
  livemode: storedBoolean(row.livemode),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface DomainEventRow {
  id: string;
  project_id: string;
  type: DomainEventType;
  churn_event_id: string;
  payload: string;
  occurred_at: string;
}

export const toDomainEvent = (row: DomainEventRow): DomainEvent => ({
  id: row.id,
  type: row.type,
  projectId: row.project_id,
  churnEventId: row.churn_event_id,
  payload: row.payload,
  occurredAt: row.occurred_at,
});

/** A churn counter row as the SQL returns it (`CounterRow` is its record). */
export interface CounterRowSql {
  source: ChurnSource;
  cancel_reason: string;
  status: ChurnStatus;
  offer_shown: StoredBoolean;
  offer_declined: StoredBoolean;
  offer_accepted: StoredBoolean;
  mrr_verified: StoredBoolean;
  events: number;
  mrr_cents: number;
}

export const toCounter = (row: CounterRowSql): CounterRow => ({
  source: row.source,
  cancelReason: row.cancel_reason,
  status: row.status,
  offerShown: storedBoolean(row.offer_shown),
  offerDeclined: storedBoolean(row.offer_declined),
  offerAccepted: storedBoolean(row.offer_accepted),
  mrrVerified: storedBoolean(row.mrr_verified),
  events: row.events,
  mrrCents: row.mrr_cents,
});

export type DaySeriesRowSql = Omit<CounterRowSql, "cancel_reason" | "mrr_verified"> & {
  day: string;
};

export const toDaySeries = (row: DaySeriesRowSql): DaySeriesRow => ({
  day: row.day,
  source: row.source,
  status: row.status,
  offerShown: storedBoolean(row.offer_shown),
  offerDeclined: storedBoolean(row.offer_declined),
  offerAccepted: storedBoolean(row.offer_accepted),
  events: row.events,
  mrrCents: row.mrr_cents,
});
