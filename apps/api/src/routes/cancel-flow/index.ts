import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ERROR_CODES } from "@windback/protocol";
import {
  CancelFlowAcceptBody,
  CancelFlowAcceptResponse,
  CancelFlowDeclineBody,
  CancelFlowDeclineResponse,
  CancelFlowOffersQuery,
  CancelFlowOffersResponse,
  CancelFlowSubmitBody,
  CancelFlowSubmitResponse,
  ErrorResponse,
  refTo,
} from "@windback/protocol/schemas";
import type { FastifyRequest } from "fastify";
import { flowClientOf } from "../../auth/client.js";
import { principalOf } from "../../auth/principal.js";
import { AppError } from "../../lib/errors.js";
import { requireCancelReason, serializePublicOffer } from "../../lib/offers.js";
import type { FlowCaller } from "../../services/churn-events.js";
import { authErrors } from "../schemas.js";

const tags = ["cancel flow"];
/** Public or secret key; the origin guard and the key's shared cancel-flow budget apply. */
const config = {
  auth: ["public", "secret"] as const,
  browser: { budget: "cancel_flow" as const },
};
const errors = { ...authErrors, 415: refTo(ErrorResponse) };

/** The project of the key that authenticated the request. */
function keyProjectId(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.kind !== "key") throw new AppError(403, ERROR_CODES.FORBIDDEN, "Use an API key");
  return principal.projectId;
}

/** Who continues the flow: the client it belongs to (auth/client.ts). */
function callerOf(request: FastifyRequest): FlowCaller {
  const principal = principalOf(request);
  const { identity } = flowClientOf(request, principal);
  const secret = principal.kind === "key" && principal.keyType === "secret";
  return {
    client: identity,
    vouch: secret ? { by: "secret_key" } : { by: "nobody" },
    livemode: true,
  };
}

/** What the widget calls (docs/design.md §2.6). The key decides the project; there is no slug. */
export const cancelFlowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const churnEvents = app.services.churnEvents;

  app.post(
    "/cancel-flow/submit",
    {
      config,
      schema: {
        tags,
        operationId: "submitCancellation",
        summary: "Record why a customer cancels and get the offer for that reason",
        description:
          "Returns the enabled offer for the reason, or null. The same customer again within 24 h gets 202 with the existing event_id and the offer, and no duplicate event.",
        body: CancelFlowSubmitBody,
        response: { 200: CancelFlowSubmitResponse, 202: CancelFlowSubmitResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { event, deduplicated, offer } = await churnEvents.submit(
        keyProjectId(request),
        request.body,
        callerOf(request),
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
        operationId: "getCancelFlowOffer",
        summary: "The enabled offer for a reason, or null; records nothing",
        querystring: CancelFlowOffersQuery,
        response: { 200: CancelFlowOffersResponse, ...errors },
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
        operationId: "acceptOffer",
        summary: "The customer took the offer: the churn event becomes offer_accepted",
        description:
          "The event is event_id, else the customer's latest event within 24 h, else a new one. Accepting again is a no-op (safe to retry).",
        body: CancelFlowAcceptBody,
        response: { 200: CancelFlowAcceptResponse, ...errors },
      },
    },
    async (request) => {
      const event = await churnEvents.acceptOffer(
        keyProjectId(request),
        request.body,
        callerOf(request),
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
        operationId: "declineOffer",
        summary: "The customer saw the offer and went on to cancel (the event stays new)",
        body: CancelFlowDeclineBody,
        response: { 200: CancelFlowDeclineResponse, ...errors },
      },
    },
    async (request) => {
      await churnEvents.decline(keyProjectId(request), request.body.event_id, callerOf(request));
      return { success: true as const };
    },
  );
};
