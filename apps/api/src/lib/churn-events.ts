import type { CancelReason, ChurnEvent } from "@windback/protocol";
import type { ChurnEventRecord } from "../repositories/types.js";
import { requireEmail } from "./email.js";
import { badRequest } from "./errors.js";

/** Free text a customer may type with a reason; longer is refused with a 400, not truncated. */
export const REASON_TEXT_MAX_LENGTH = 2000;

/** A customer's events within this window are one cancellation (submit de-duplicates them). */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** "USD" → "usd": three ASCII letters, stored lower-case. */
export function cleanCurrency(value: string | undefined, field: string): string {
  if (value === undefined) return "usd";
  const currency = value.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) {
    throw badRequest(`${field} must be a three-letter ISO 4217 code, e.g. usd`);
  }
  return currency;
}

/** Trims optional text; blank becomes null. */
export function optionalText(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** `other` needs words; any reason may carry them. */
export function reasonText(
  reason: CancelReason | null,
  value: string | undefined | null,
  field: string,
): string | null {
  const text = optionalText(value);
  if (reason === "other" && text === null) {
    throw badRequest(`${field} is required (not blank) when the reason is "other"`);
  }
  return text;
}

/** The body fields both ways of recording a churn event accept (submit and the dashboard create). */
export interface CustomerBody {
  customer_email: string;
  customer_name?: string;
  provider?: string;
  provider_subscription_id?: string;
  plan_name?: string;
  mrr?: number;
  mrr_cents?: number;
  currency?: string;
  tenure_days?: number;
  cancel_reason_text?: string;
}

/**
 * Validates and normalises a body's customer fields for a new churn event, with `mrr` and
 * `mrr_cents` as two names of one value (integer cents).
 */
export function customerFieldsOf<Reason extends CancelReason | null>(
  body: CustomerBody,
  cancelReason: Reason,
) {
  if (body.mrr !== undefined && body.mrr_cents !== undefined && body.mrr !== body.mrr_cents) {
    throw badRequest("body/mrr and body/mrr_cents disagree; send one of them (integer cents)");
  }
  return {
    customerEmail: requireEmail(body.customer_email, "body/customer_email"),
    customerName: optionalText(body.customer_name),
    provider: optionalText(body.provider) ?? "custom",
    providerSubscriptionId: optionalText(body.provider_subscription_id),
    planName: optionalText(body.plan_name),
    mrrCents: body.mrr ?? body.mrr_cents ?? 0,
    currency: cleanCurrency(body.currency, "body/currency"),
    tenureDays: body.tenure_days ?? null,
    cancelReason,
    cancelReasonText: reasonText(cancelReason, body.cancel_reason_text, "body/cancel_reason_text"),
  };
}

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
    created_at: event.createdAt,
    updated_at: event.updatedAt,
  };
}
