import { randomUUID } from "node:crypto";
import {
  type CancelFlowAcceptRequest,
  type CancelFlowSubmitRequest,
  type CancelReason,
  type CreateChurnEventBody,
  ERROR_CODES,
} from "@windback/protocol";
import { type Clock, toIso } from "../lib/clock.js";
import { requireEmail } from "../lib/email.js";
import { badRequest, notFound } from "../lib/errors.js";
import { requireCancelReason, requireOfferType, serializePublicOffer } from "../lib/offers.js";
import { serializeChurnEvent } from "../lib/serializers.js";
import type {
  BillingFacts,
  ChurnEventRecord,
  DomainEvent,
  DomainEventType,
  FlowOwner,
  NewChurnEvent,
  OfferRecord,
  Publish,
  Repositories,
  TransitionResult,
} from "../storage/types.js";

/**
 * The single entry point for every change to a churn event: submit, accept-offer and decline from
 * the cancel flow; create, recovered and lost from the dashboard and a merchant's server. It owns
 * the input rules, the 24-hour de-duplication window, the fallback event of an accept without a
 * submit, and the mapping of a refused transition to an error. Each change publishes one domain
 * event, stored in the change's own transaction (see Publish in storage/types.ts); subscribers
 * hear it after the commit.
 */

/** A customer's events within this window are one cancellation (submit de-duplicates them). */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

type DomainEventListener = (event: DomainEvent) => void;

interface SubmitOutcome {
  event: ChurnEventRecord;
  /** The customer already had an event within the window: that one was returned. */
  deduplicated: boolean;
  /** The enabled offer for the reason, shown to the customer. */
  offer: OfferRecord | null;
}

/**
 * Who is starting or continuing a cancel flow, as the route established it (auth/client.ts). A
 * flow belongs to the client that started it: only that client can continue it.
 */
export interface FlowCaller {
  /** The client's identity (hashed before it is stored). */
  client: string;
  /**
   * Who vouches for the customer and their MRR: no one (a browser with the public key), a
   * customer token minted by the merchant's server, or the merchant's server itself (secret key).
   */
  vouch:
    | { by: "nobody" }
    | {
        by: "customer_token";
        email: string;
        /** Whether the token carries the MRR (else the body's MRR is still only a claim). */
        mrr: boolean;
      }
    | { by: "secret_key" };
  /** False for a test key. */
  livemode: boolean;
}

/** Whether the MRR sent comes from someone who vouches for it. */
const isVerified = (caller: FlowCaller) =>
  caller.vouch.by === "secret_key" || (caller.vouch.by === "customer_token" && caller.vouch.mrr);

export interface ChurnEventsService {
  submit(
    projectId: string,
    body: CancelFlowSubmitRequest,
    caller: FlowCaller,
  ): Promise<SubmitOutcome>;
  acceptOffer(
    projectId: string,
    body: CancelFlowAcceptRequest,
    caller: FlowCaller,
  ): Promise<ChurnEventRecord>;
  decline(projectId: string, eventId: string, caller: FlowCaller): Promise<ChurnEventRecord>;
  /** Recorded by the merchant's server or dashboard; `livemode` false for a test key. */
  create(
    projectId: string,
    body: CreateChurnEventBody,
    livemode: boolean,
  ): Promise<ChurnEventRecord>;
  markFinal(
    projectId: string,
    id: string,
    status: "recovered" | "lost",
    billing?: BillingFacts,
  ): Promise<ChurnEventRecord>;
  /**
   * Records what a billing provider's webhook reports (docs/design.md §10): a cancellation
   * scheduled (`new`, publishes churn_event.created) or one that happened without an open event
   * (`lost`, publishes churn_event.lost).
   */
  recordFromBilling(
    projectId: string,
    fields: BillingFields,
    status: "new" | "lost",
  ): Promise<ChurnEventRecord>;
  /** Hears every committed domain event; returns a function that stops listening. */
  subscribe(listener: DomainEventListener): () => void;
}

/** What a billing provider tells about a customer's subscription. */
interface BillingFields {
  customerEmail: string;
  provider: string;
  providerSubscriptionId: string;
  planName: string | null;
  mrrCents: number;
  currency: string;
  cancelReason: CancelReason | null;
  cancelReasonText: string | null;
  livemode: boolean;
}

/** "USD" → "usd": three ASCII letters, stored lower-case. */
function cleanCurrency(value: string | undefined, field: string): string {
  if (value === undefined) return "usd";
  const currency = value.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) {
    throw badRequest(`${field} must be a three-letter ISO 4217 code, e.g. usd`);
  }
  return currency;
}

/** Trims optional text; blank becomes null. */
function optionalText(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** `other` needs words; any reason may carry them. */
function reasonText(
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
interface CustomerBody {
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
function customerFieldsOf<Reason extends CancelReason | null>(
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

export function createChurnEventsService(deps: {
  repos: Repositories;
  clock: Clock;
  /** Turns a client identity into what is stored on events (auth/client.ts). */
  hashClient: (identity: string) => string;
  /** Where a throwing subscriber is reported (it never fails the request). */
  onListenerError?: (error: unknown) => void;
}): ChurnEventsService {
  const { repos, clock } = deps;
  const listeners = new Set<DomainEventListener>();

  const publisher =
    (type: DomainEventType): Publish =>
    (event) => ({
      id: randomUUID(),
      type,
      projectId: event.projectId,
      churnEventId: event.id,
      payload: JSON.stringify(serializeChurnEvent(event)),
      occurredAt: event.updatedAt,
    });

  function announce(published: DomainEvent | null): void {
    if (!published) return;
    for (const listener of listeners) {
      try {
        listener(published);
      } catch (error) {
        deps.onListenerError?.(error);
      }
    }
  }

  /** The changed event, or the error a refused transition means to the caller. */
  function settle(result: TransitionResult, refused: (status: string) => string): ChurnEventRecord {
    if (result.ok) {
      announce(result.published);
      return result.event;
    }
    if (result.reason === "not_found") throw notFound("Churn event");
    if (result.reason === "offer_mismatch") {
      throw badRequest(
        result.event?.offerTerms
          ? `body/offer_type is not the offer shown to this customer (${result.event.offerTerms.offer_type})`
          : "body/offer_type: no such offer was shown to this customer for this reason",
      );
    }
    throw badRequest(refused(result.event.status), ERROR_CODES.INVALID_TRANSITION);
  }
  /** A browser's MRR above the project's limit is refused rather than counted. */
  async function refuseImplausibleClaim(projectId: string, fields: { mrrCents: number }) {
    const project = await repos.projects.findById(projectId);
    if (project && fields.mrrCents > project.maxClaimedMrrCents) {
      throw badRequest(
        `body/mrr ${fields.mrrCents} is above this project's limit for MRR sent from a browser (${project.maxClaimedMrrCents} cents); send it with the secret key or a customer token, or raise max_claimed_mrr`,
      );
    }
  }

  /** Whose events the caller sees: see FlowOwner in storage/types.ts. */
  function ownerOf(caller: FlowCaller): FlowOwner {
    const { livemode } = caller;
    if (caller.vouch.by === "secret_key") return { kind: "project", livemode };
    if (caller.vouch.by === "customer_token")
      return { kind: "customer", email: caller.vouch.email, livemode };
    return { kind: "client", clientKey: deps.hashClient(caller.client), livemode };
  }

  const noLongerPossible = (status: string) =>
    `The churn event is already ${status}; that step is no longer possible`;

  return {
    async submit(projectId, body, caller) {
      const fields = customerFieldsOf(
        body,
        requireCancelReason(body.cancel_reason, "body/cancel_reason"),
      );
      if (!isVerified(caller) && fields.mrrCents > 0) {
        await refuseImplausibleClaim(projectId, fields);
      }
      const now = clock.now();
      const offer = await repos.offers.findEnabledByReason(projectId, fields.cancelReason);
      const { event, deduplicated, published } = await repos.churnEvents.submit(
        projectId,
        {
          id: randomUUID(),
          ...fields,
          offerTerms: offer ? serializePublicOffer(offer) : null,
          clientKey: deps.hashClient(caller.client),
          mrrVerified: isVerified(caller),
          livemode: caller.livemode,
        },
        ownerOf(caller),
        toIso(now),
        toIso(now - DEDUPE_WINDOW_MS),
        publisher("cancel_flow.submitted"),
      );
      announce(published);
      return { event, deduplicated, offer };
    },

    async acceptOffer(projectId, body, caller) {
      const customerEmail = requireEmail(body.customer_email, "body/customer_email");
      const cancelReason = requireCancelReason(body.cancel_reason, "body/cancel_reason");
      const offerType = requireOfferType(body.offer_type, "body/offer_type");
      const now = toIso(clock.now());
      const clientKey = deps.hashClient(caller.client);
      // Accepted without a submit on record (e.g. it failed): the acceptance is still kept, of
      // the offer served for the reason now, and only if that is the offer being accepted.
      const served = await repos.offers.findEnabledByReason(projectId, cancelReason);
      const fallback: NewChurnEvent | null =
        served?.offerType === offerType
          ? {
              id: randomUUID(),
              customerEmail,
              customerName: null,
              provider: "custom",
              providerSubscriptionId: null,
              planName: null,
              mrrCents: 0,
              currency: "usd",
              tenureDays: null,
              cancelReason,
              cancelReasonText: null,
              source: "cancel_flow",
              status: "offer_accepted",
              offerType,
              offerShown: true,
              offerAcceptedAt: now,
              clientKey,
              mrrVerified: isVerified(caller),
              offerTerms: serializePublicOffer(served),
              livemode: caller.livemode,
            }
          : null;
      const result = await repos.churnEvents.acceptOffer(
        projectId,
        {
          ...(body.event_id !== undefined && { eventId: body.event_id }),
          customerEmail,
          owner: ownerOf(caller),
          since: toIso(clock.now() - DEDUPE_WINDOW_MS),
        },
        offerType,
        fallback,
        now,
        publisher("cancel_flow.offer_accepted"),
      );
      return settle(result, noLongerPossible);
    },

    async decline(projectId, eventId, caller) {
      const result = await repos.churnEvents.decline(
        projectId,
        eventId,
        ownerOf(caller),
        toIso(clock.now()),
        publisher("cancel_flow.offer_declined"),
      );
      return settle(result, noLongerPossible);
    },

    async create(projectId, body, livemode) {
      if (body.mrr === undefined && body.mrr_cents === undefined) {
        throw badRequest("body/mrr (or body/mrr_cents) is required: monthly revenue in cents");
      }
      const fields = customerFieldsOf(
        body,
        body.cancel_reason === undefined
          ? null
          : requireCancelReason(body.cancel_reason, "body/cancel_reason"),
      );
      const { event, published } = await repos.churnEvents.create(
        projectId,
        {
          id: randomUUID(),
          ...fields,
          source: "api",
          status: "new",
          offerType: null,
          offerShown: false,
          offerAcceptedAt: null,
          clientKey: null,
          // Recorded by the merchant's server or dashboard: their own numbers.
          mrrVerified: true,
          offerTerms: null,
          livemode,
        },
        toIso(clock.now()),
        publisher("churn_event.created"),
      );
      announce(published);
      return event;
    },

    async markFinal(projectId, id, status, billing) {
      const result = await repos.churnEvents.setFinalStatus(
        projectId,
        id,
        status,
        toIso(clock.now()),
        publisher(status === "recovered" ? "churn_event.recovered" : "churn_event.lost"),
        billing,
      );
      return settle(result, (current) => `The churn event is already ${current}, which is final`);
    },

    async recordFromBilling(projectId, fields, status) {
      const { event, published } = await repos.churnEvents.create(
        projectId,
        {
          id: randomUUID(),
          ...fields,
          customerName: null,
          tenureDays: null,
          source: "billing",
          status,
          offerType: null,
          offerShown: false,
          offerAcceptedAt: null,
          clientKey: null,
          // The billing provider's own numbers.
          mrrVerified: true,
          offerTerms: null,
        },
        toIso(clock.now()),
        publisher(status === "lost" ? "churn_event.lost" : "churn_event.created"),
      );
      announce(published);
      return event;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
