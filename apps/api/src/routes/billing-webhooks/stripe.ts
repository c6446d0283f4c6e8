import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { ERROR_CODES } from "@windback/protocol";
import { ErrorResponse, refTo, StripeWebhookResponse } from "@windback/protocol/schemas";
import Stripe from "stripe";
import { findUsableKey } from "../../auth/principal.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { type StripeEventsService, stripeEventProblem } from "../../services/stripe-events.js";

/** Stripe's own default: an event signed longer ago than this is refused (a replayed capture). */
const STRIPE_TOLERANCE_SECONDS = 300;
/** Stripe events carry whole objects; this is far above the largest seen, well below abuse. */
const STRIPE_BODY_LIMIT = 512 * 1024;

/**
 * `POST /webhooks/stripe/:public_key` (docs/design.md §10): outside /api/v1, no CORS, no budget.
 * The body is verified as the raw bytes Stripe signed, so this plugin keeps JSON bodies as
 * Buffers (the parser is encapsulated here; the rest of the API still parses JSON).
 */
export const stripeWebhookRoutes: FastifyPluginAsyncTypebox<{
  stripeEvents: StripeEventsService;
}> = async (app, { stripeEvents }) => {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: STRIPE_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/webhooks/stripe/:public_key",
    {
      config: { auth: "none" },
      bodyLimit: STRIPE_BODY_LIMIT,
      schema: {
        tags: ["integrations"],
        operationId: "receiveStripeEvent",
        summary: "Stripe's webhook: verified with the project's Stripe signing secret",
        params: Type.Object({ public_key: Type.String({ maxLength: 200 }) }),
        response: {
          200: StripeWebhookResponse,
          400: refTo(ErrorResponse),
          404: refTo(ErrorResponse),
          413: refTo(ErrorResponse),
          415: refTo(ErrorResponse),
          429: refTo(ErrorResponse),
          503: refTo(ErrorResponse),
        },
      },
    },
    async (request) => {
      const found = await findUsableKey(app.repos, request.params.public_key, app.clock.now());
      // Only a public key names a project here; a secret key in a URL would be a leak.
      if (found?.key.keyType !== "public") throw notFound("Endpoint");
      const projectId = found.key.projectId;
      const integration = await app.repos.billing.findIntegration(projectId, "stripe");
      if (!integration) {
        throw badRequest(
          "No Stripe signing secret is set for this project (PUT /api/v1/projects/:slug/integrations/stripe)",
          ERROR_CODES.INTEGRATION_NOT_CONFIGURED,
        );
      }
      const signature = request.headers["stripe-signature"];
      const raw = request.body;
      if (typeof signature !== "string" || !Buffer.isBuffer(raw)) {
        throw badRequest(
          "A Stripe-Signature header and a JSON body are required",
          ERROR_CODES.WEBHOOK_SIGNATURE_INVALID,
        );
      }
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(
          raw,
          signature,
          integration.webhookSecret,
          STRIPE_TOLERANCE_SECONDS,
        );
      } catch {
        throw badRequest(
          "The Stripe signature does not verify (wrong secret, altered body or older than 300 s)",
          ERROR_CODES.WEBHOOK_SIGNATURE_INVALID,
        );
      }
      // A correctly signed body is still only an event we can handle if it has the shape the
      // handlers read (the fuzzer found a signed `[]` reaching the store as a null id, and
      // `"data": 1.5` reaching the handlers: 500s).
      const problem = stripeEventProblem(event);
      if (problem !== null) throw badRequest(problem, ERROR_CODES.VALIDATION_FAILED);
      const claimed = await app.repos.billing.claimEvent(
        projectId,
        "stripe",
        { id: event.id, type: event.type },
        new Date(app.clock.now()).toISOString(),
      );
      if (!claimed) return { received: true, outcome: "duplicate" as const };
      try {
        const outcome = await stripeEvents.handle(projectId, event);
        return { received: true, outcome };
      } catch (error) {
        // Not processed: forget the id so Stripe's retry is processed.
        await app.repos.billing.releaseEvent(projectId, "stripe", event.id);
        throw error;
      }
    },
  );
};
