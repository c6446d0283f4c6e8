import {
  CANCEL_REASON_ALIASES,
  CANCEL_REASONS,
  type CancelReason,
  normalizeCancelReason,
  OFFER_TYPE_FIELDS,
  OFFER_TYPES,
  type OfferBody,
  type OfferFieldName,
  type OfferType,
  type OfferTypeField,
  type PublicOffer,
  type RetentionOffer,
} from "@windback/protocol";
import type { OfferFields, OfferInput, OfferRecord } from "../storage/types.js";
import { badRequest } from "./errors.js";

/** Record keys of the type-specific fields, by wire name. */
const RECORD_KEY: Readonly<Record<OfferFieldName, keyof OfferFields>> = {
  discount_percent: "discountPercent",
  discount_duration_months: "discountDurationMonths",
  pause_days: "pauseDays",
  extension_days: "extensionDays",
  downgrade_plan: "downgradePlan",
  feature_name: "featureName",
  feature_unlock_days: "featureUnlockDays",
};

const ALL_FIELDS: readonly OfferTypeField[] = Object.values(OFFER_TYPE_FIELDS).flat();

const EMPTY_FIELDS: OfferFields = {
  discountPercent: null,
  discountDurationMonths: null,
  pauseDays: null,
  extensionDays: null,
  downgradePlan: null,
  featureName: null,
  featureUnlockDays: null,
};

const REASON_LIST = `${CANCEL_REASONS.join(", ")} (aliases: ${Object.keys(CANCEL_REASON_ALIASES).join(", ")})`;

/** The canonical reason for an id or alias, or a 400 naming `field`. */
export function requireCancelReason(value: string, field: string): CancelReason {
  const reason = normalizeCancelReason(value.trim());
  if (!reason)
    throw badRequest(`${field} "${value}" is not a cancel reason; use one of ${REASON_LIST}`);
  return reason;
}

export function requireOfferType(value: string, field: string): OfferType {
  if ((OFFER_TYPES as readonly string[]).includes(value)) return value as OfferType;
  throw badRequest(
    `${field} "${value}" is not an offer type; use one of ${OFFER_TYPES.join(", ")}`,
  );
}

/** One of two alias fields; both given with different values is a 400. */
function eitherOf<T>(body: OfferBody, a: keyof OfferBody, b: keyof OfferBody): T | undefined {
  const first = body[a] as T | undefined;
  const second = body[b] as T | undefined;
  if (first !== undefined && second !== undefined && first !== second) {
    throw badRequest(`body/${a} and body/${b} are the same field and disagree; send one of them`);
  }
  return first ?? second;
}

function cleanCtaUrl(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badRequest(
      "body/cta_url must be an absolute http(s) URL, e.g. https://example.com/plans",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw badRequest("body/cta_url must use http or https");
  }
  return url.href;
}

/**
 * Validates an offer for `reason` against the rules of its type: the type's fields are required
 * and in range, fields of other types are refused (a likely mistake), aliases must agree.
 */
export function parseOffer(reason: CancelReason, body: OfferBody): OfferInput {
  const offerType = requireOfferType(body.offer_type, "body/offer_type");
  if (body.cancel_reason !== undefined) {
    const inBody = requireCancelReason(body.cancel_reason, "body/cancel_reason");
    if (inBody !== reason) {
      throw badRequest(
        `body/cancel_reason "${body.cancel_reason}" does not match the reason in the path ("${reason}")`,
      );
    }
  }
  const title = body.title.trim();
  if (title === "") throw badRequest("body/title must not be blank");
  const cta = eitherOf<string>(body, "cta_button_text", "cta_text")?.trim();
  if (cta === undefined || cta === "") {
    throw badRequest("body/cta_button_text (or its alias cta_text) is required and not blank");
  }
  const enabled = eitherOf<boolean>(body, "enabled", "is_active") ?? true;

  const own = OFFER_TYPE_FIELDS[offerType];
  const fields: OfferFields = { ...EMPTY_FIELDS };
  for (const rule of ALL_FIELDS) {
    const value = body[rule.name];
    const applies = own.includes(rule);
    if (!applies) {
      if (value !== undefined && value !== null) {
        throw badRequest(`body/${rule.name} does not apply to a ${offerType} offer; remove it`);
      }
      continue;
    }
    if (rule.kind === "integer") {
      if (value === undefined || value === null) {
        throw badRequest(
          `body/${rule.name} is required for a ${offerType} offer (an integer from ${rule.min} to ${rule.max})`,
        );
      }
      if (
        typeof value !== "number" ||
        !Number.isInteger(value) ||
        value < rule.min ||
        value > rule.max
      ) {
        throw badRequest(`body/${rule.name} must be an integer from ${rule.min} to ${rule.max}`);
      }
      (fields[RECORD_KEY[rule.name]] as number) = value;
    } else {
      const trimmed = typeof value === "string" ? value.trim() : "";
      if (trimmed === "")
        throw badRequest(`body/${rule.name} is required for a ${offerType} offer`);
      if (trimmed.length > rule.max) {
        throw badRequest(`body/${rule.name} must be at most ${rule.max} characters`);
      }
      (fields[RECORD_KEY[rule.name]] as string) = trimmed;
    }
  }

  return {
    cancelReason: reason,
    offerType,
    title,
    description: body.description?.trim() ?? "",
    ctaButtonText: cta,
    ctaUrl: cleanCtaUrl(body.cta_url),
    enabled,
    ...fields,
  };
}

/** The offer fields of its type, in wire names; fields of other types are never emitted. */
function typeFields(offer: OfferRecord): Partial<PublicOffer> {
  const out: Record<string, string | number> = {};
  for (const rule of OFFER_TYPE_FIELDS[offer.offerType]) {
    const value = offer[RECORD_KEY[rule.name]];
    if (value !== null) out[rule.name] = value;
  }
  return out as Partial<PublicOffer>;
}

/** What the widget sees: no ids, no timestamps, no enabled flag (only enabled offers are served). */
export function serializePublicOffer(offer: OfferRecord): PublicOffer {
  return {
    offer_type: offer.offerType,
    title: offer.title,
    description: offer.description,
    cta_button_text: offer.ctaButtonText,
    ...typeFields(offer),
    ...(offer.ctaUrl !== null && { cta_url: offer.ctaUrl }),
  };
}

/** What the dashboard sees, with the alias fields `cta_text` and `is_active`. */
export function serializeOffer(offer: OfferRecord): RetentionOffer {
  return {
    id: offer.id,
    cancel_reason: offer.cancelReason,
    ...serializePublicOffer(offer),
    cta_text: offer.ctaButtonText,
    enabled: offer.enabled,
    is_active: offer.enabled,
    created_at: offer.createdAt,
    updated_at: offer.updatedAt,
  };
}
