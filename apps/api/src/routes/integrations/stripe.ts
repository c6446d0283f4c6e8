import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  dataOf,
  refTo,
  Slug,
  StripeIntegration,
  StripeIntegrationBody,
} from "@windback/protocol/schemas";
import { toIso } from "../../lib/clock.js";
import { notFound } from "../../lib/errors.js";
import type { BillingIntegrationRecord } from "../../storage/types.js";
import { resolveProject } from "../projects/resolve.js";
import { authErrors } from "../schemas.js";

/**
 * The project's Stripe webhook signing secret (docs/design.md §10): set, shown as a hint,
 * removed. JWT, session or secret key.
 */
export const stripeIntegrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const path = "/projects/:slug/integrations/stripe";
  const tags = ["integrations"];
  const config = { auth: ["account", "secret"] as const };
  const params = Type.Object({ slug: Slug });
  const webhookUrl = `${app.config.publicUrl}/webhooks/stripe/{public_key}`;
  const serialize = (integration: BillingIntegrationRecord | null) => ({
    configured: integration !== null,
    webhook_secret_hint: integration ? `whsec_…${integration.webhookSecret.slice(-4)}` : null,
    webhook_url: webhookUrl,
    updated_at: integration?.updatedAt ?? null,
  });

  app.put(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "setStripeIntegration",
        summary: "Set the signing secret of the project's Stripe webhook endpoint",
        params,
        body: StripeIntegrationBody,
        response: { 200: dataOf(refTo(StripeIntegration)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const saved = await app.repos.billing.setIntegration(
        project.id,
        "stripe",
        request.body.webhook_secret,
        toIso(app.clock.now()),
      );
      return { data: serialize(saved) };
    },
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "getStripeIntegration",
        summary: "Whether a Stripe secret is set (only its hint) and the URL to give Stripe",
        params,
        response: { 200: dataOf(refTo(StripeIntegration)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      return { data: serialize(await app.repos.billing.findIntegration(project.id, "stripe")) };
    },
  );

  app.delete(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "deleteStripeIntegration",
        summary: "Remove the Stripe secret: Stripe's events get 400 until one is set again",
        params,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      if (!(await app.repos.billing.deleteIntegration(project.id, "stripe"))) {
        throw notFound("Stripe integration");
      }
      return reply.status(204).send(null);
    },
  );
};
