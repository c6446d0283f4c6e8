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
import { type CustomerClaims, verifyCustomerToken } from "../../auth/customer-token.js";
import { principalOf } from "../../auth/principal.js";
import { AppError, unauthenticated } from "../../lib/errors.js";
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
    vouch: secret
      ? { by: "secret_key" }
      : request.customer
        ? {
            by: "customer_token",
            email: request.customer.email,
            mrr: request.customer.mrr !== undefined,
          }
        : { by: "nobody" },
    livemode: principal.kind === "key" && principal.livemode,
  };
}

/** A verified customer's claims replace what the body says about them. */
function withClaims<T extends { customer_email: string }>(
  body: T,
  customer: CustomerClaims | null,
): T {
  if (!customer) return body;
  const claimed: Record<string, string | number> = { customer_email: customer.email };
  if (customer.name !== undefined) claimed.customer_name = customer.name;
  if (customer.subscriptionId !== undefined)
    claimed.provider_subscription_id = customer.subscriptionId;
  if (customer.plan !== undefined) claimed.plan_name = customer.plan;
  if (customer.mrr !== undefined) claimed.mrr = customer.mrr;
  if (customer.currency !== undefined) claimed.currency = customer.currency;
  if (customer.provider !== undefined) claimed.provider = customer.provider;
  if (customer.tenureDays !== undefined) claimed.tenure_days = customer.tenureDays;
  // The token's MRR is the one that counts; the body's spelling of it must not disagree.
  const { mrr_cents: _dropped, ...rest } = body as T & { mrr_cents?: number };
  return { ...(customer.mrr !== undefined ? rest : body), ...claimed } as T;
}

/** What the widget calls (docs/design.md §2.6). The key decides the project; there is no slug. */
export const cancelFlowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const churnEvents = app.services.churnEvents;

  /**
   * The project's customer_verification (docs/design.md §11) for a browser's change: `off`
   * ignores tokens; `optional` checks one when sent; `required` refuses a request without a
   * valid one. A valid token's customer is `request.customer`. It runs before the budget, so a
   * refused request spends none of it. A secret key speaks for its own server: no token needed.
   */
  async function checkCustomerToken(request: FastifyRequest) {
    const principal = principalOf(request);
    if (principal.kind !== "key" || principal.keyType !== "public") return;
    const project = await app.repos.projects.findById(principal.projectId);
    const setting = project?.customerVerification ?? "off";
    if (setting === "off") return;
    const token = (request.body as { customer_token?: string } | undefined)?.customer_token;
    if (token === undefined && setting === "optional") return;
    const claims =
      token === undefined
        ? null
        : await verifyCustomerToken(
            token,
            principal.projectId,
            app.repos.customerTokenSecrets,
            app.clock.now(),
          );
    if (!claims) {
      throw unauthenticated(
        token === undefined
          ? "This project requires a customer token (customer_token) from the merchant's server"
          : "The customer token is invalid, expired or not this project's",
        ERROR_CODES.CUSTOMER_TOKEN_INVALID,
      );
    }
    request.customer = claims;
  }
  const verified = { config, preHandler: checkCustomerToken };

  app.post(
    "/cancel-flow/submit",
    {
      ...verified,
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
        withClaims(request.body, request.customer),
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
      ...verified,
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
        withClaims(request.body, request.customer),
        callerOf(request),
      );
      return { success: true as const, message: "Offer accepted", event_id: event.id };
    },
  );

  app.post(
    "/cancel-flow/decline",
    {
      ...verified,
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
