import type { ChurnEvent } from "@windback/protocol";
import { maskedFromHint } from "../auth/api-keys.js";
import type {
  ApiKeyRecord,
  ChurnEventRecord,
  ProjectRecord,
  UserRecord,
} from "../storage/types.js";

export const serializeUser = (user: UserRecord) => ({
  id: user.id,
  name: user.name,
  email: user.email,
  created_at: user.createdAt,
});

export const serializeProject = (project: ProjectRecord) => ({
  id: project.id,
  name: project.name,
  slug: project.slug,
  support_email: project.supportEmail,
  allowed_origins: project.allowedOrigins,
  max_claimed_mrr: project.maxClaimedMrrCents,
  customer_verification: project.customerVerification,
  created_at: project.createdAt,
  updated_at: project.updatedAt,
});

export const serializeApiKey = (key: ApiKeyRecord) => ({
  id: key.id,
  key_type: key.keyType,
  mode: key.livemode ? ("live" as const) : ("test" as const),
  key_masked: maskedFromHint(key.keyHint),
  created_at: key.createdAt,
  last_used_at: key.lastUsedAt,
  expires_at: key.expiresAt,
  revoked_at: key.revokedAt,
});

export function serializeChurnEvent(event: ChurnEventRecord): ChurnEvent {
  return {
    id: event.id,
    project_id: event.projectId,
    customer_email: event.customerEmail,
    customer_name: event.customerName,
    provider: event.provider,
    provider_subscription_id: event.providerSubscriptionId,
    plan_name: event.planName,
    mrr_cents: event.mrrCents,
    mrr: event.mrrCents,
    currency: event.currency,
    tenure_days: event.tenureDays,
    cancel_reason: event.cancelReason,
    cancel_reason_text: event.cancelReasonText,
    status: event.status,
    source: event.source,
    offer_type: event.offerType,
    offer_shown: event.offerShown,
    offer_declined: event.offerDeclined,
    offer_accepted_at: event.offerAcceptedAt,
    offer_terms: event.offerTerms,
    mrr_verified: event.mrrVerified,
    livemode: event.livemode,
    created_at: event.createdAt,
    updated_at: event.updatedAt,
  };
}
