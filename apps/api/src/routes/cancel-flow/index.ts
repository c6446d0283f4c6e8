import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { ERROR_CODES } from "@windback/protocol";
import type { FastifyRequest } from "fastify";
import { customerFieldsOf, DEDUPE_WINDOW_MS } from "../../lib/churn-events.js";
import { toIso } from "../../lib/clock.js";
import { requireEmail } from "../../lib/email.js";
import { AppError, badRequest, notFound } from "../../lib/errors.js";
import { requireCancelReason, requireOfferType, serializePublicOffer } from "../../lib/offers.js";
import { principalOf } from "../../plugins/auth.js";
import type { TransitionResult } from "../../repositories/types.js";
import {
  CustomerEmail,
  CustomerFields,
  MrrCents,
  OfferTypeInput,
  PublicOffer,
  ReasonInput,
} from "../../schemas/cancel-flow.js";
import { authErrors, ErrorResponse } from "../../schemas/common.js";

const tags = ["cancel flow"];
/** Public or secret key; the origin guard and the key's shared cancel-flow budget apply. */
const config = { auth: ["public", "secret"] as const, cancelFlow: true as const };
const errors = { ...authErrors, 415: ErrorResponse };

const EventId = Type.String({ format: "uuid", description: "The event_id returned by submit" });
const NullableOffer = Type.Union([PublicOffer, Type.Null()]);
const SubmitResponse = Type.Object({
  success: Type.Literal(true),
  event_id: Type.String(),
  offer: NullableOffer,
});

/** The project of the key that authenticated the request. */
function keyProjectId(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== "key") throw new AppError(403, ERROR_CODES.FORBIDDEN, "Use an API key");
  return principal.projectId;
}

function unwrap(result: TransitionResult) {
  if (result.ok) return result.event;
  if (result.reason === "not_found") throw notFound("Churn event");
  throw badRequest(
    `The churn event is already ${result.event.status}; that step is no longer possible`,
    ERROR_CODES.INVALID_TRANSITION,
  );
}

/** What the widget calls (docs/design.md §2.6). The key decides the project; there is no slug. */
export const cancelFlowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/cancel-flow/submit",
    {
      config,
      schema: {
        tags,
        summary:
          "Record why a customer cancels and return the enabled offer for that reason; the same customer within 24 h gets 202 and the existing event",
        body: Type.Object(
          {
            customer_email: CustomerEmail,
            cancel_reason: ReasonInput,
            mrr: Type.Optional(MrrCents),
            mrr_cents: Type.Optional(MrrCents),
            ...CustomerFields,
          },
          { additionalProperties: false },
        ),
        response: { 200: SubmitResponse, 202: SubmitResponse, ...errors },
      },
    },
    async (request, reply) => {
      const projectId = keyProjectId(request);
      const body = request.body;
      const fields = customerFieldsOf(
        body,
        requireCancelReason(body.cancel_reason, "body/cancel_reason"),
      );
      const now = app.clock.now();
      const offer = await app.repos.offers.findEnabledByReason(projectId, fields.cancelReason);
      const { event, deduplicated } = await app.repos.churnEvents.submit(
        projectId,
        {
          id: randomUUID(),
          ...fields,
          offerType: offer?.offerType ?? null,
        },
        toIso(now),
        toIso(now - DEDUPE_WINDOW_MS),
      );
      return reply.status(deduplicated ? 202 : 200).send({
        success: true,
        event_id: event.id,
        offer: offer ? serializePublicOffer(offer) : null,
      });
    },
  );

  app.get(
    "/cancel-flow/offers",
    {
      config,
      schema: {
        tags,
        summary: "The enabled offer for a reason, or null; records nothing",
        querystring: Type.Object({ reason: ReasonInput }),
        response: { 200: Type.Object({ offer: NullableOffer }), ...errors },
      },
    },
    async (request) => {
      const projectId = keyProjectId(request);
      const reason = requireCancelReason(request.query.reason, "querystring/reason");
      const offer = await app.repos.offers.findEnabledByReason(projectId, reason);
      return { offer: offer ? serializePublicOffer(offer) : null };
    },
  );

  app.post(
    "/cancel-flow/accept-offer",
    {
      config,
      schema: {
        tags,
        summary:
          "The customer took the offer: the event (event_id, else the customer's latest new event within 24 h, else a new one) becomes offer_accepted",
        body: Type.Object(
          {
            customer_email: CustomerEmail,
            cancel_reason: ReasonInput,
            offer_type: OfferTypeInput,
            event_id: Type.Optional(EventId),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            success: Type.Literal(true),
            message: Type.String(),
            event_id: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const projectId = keyProjectId(request);
      const body = request.body;
      const customerEmail = requireEmail(body.customer_email, "body/customer_email");
      const cancelReason = requireCancelReason(body.cancel_reason, "body/cancel_reason");
      const offerType = requireOfferType(body.offer_type, "body/offer_type");
      const now = app.clock.now();
      const event = unwrap(
        await app.repos.churnEvents.acceptOffer(
          projectId,
          {
            ...(body.event_id !== undefined && { eventId: body.event_id }),
            customerEmail,
            since: toIso(now - DEDUPE_WINDOW_MS),
          },
          offerType,
          {
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
            offerAcceptedAt: toIso(now),
          },
          toIso(now),
        ),
      );
      return { success: true as const, message: "Offer accepted", event_id: event.id };
    },
  );

  app.post(
    "/cancel-flow/decline",
    {
      config,
      schema: {
        tags,
        summary: "The customer saw the offer and went on to cancel (the event stays new)",
        body: Type.Object({ event_id: EventId }, { additionalProperties: false }),
        response: { 200: Type.Object({ success: Type.Literal(true) }), ...errors },
      },
    },
    async (request) => {
      const projectId = keyProjectId(request);
      unwrap(
        await app.repos.churnEvents.decline(
          projectId,
          request.body.event_id,
          toIso(app.clock.now()),
        ),
      );
      return { success: true as const };
    },
  );
};
