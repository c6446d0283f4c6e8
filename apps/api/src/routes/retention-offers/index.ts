import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  dataOf,
  listOf,
  OfferBody,
  PageQuery,
  ReasonInput,
  RetentionOffer,
  refTo,
  Slug,
} from "@windback/protocol/schemas";
import { toIso } from "../../lib/clock.js";
import { notFound } from "../../lib/errors.js";
import { parseOffer, requireCancelReason, serializeOffer } from "../../lib/offers.js";
import { resolveProject, slugParam } from "../projects/resolve.js";
import { authErrors, operationId } from "../schemas.js";

export interface RetentionOffersRoutesOptions {
  /** `/projects/:slug/retention-offers` or the unscoped alias `/retention-offers`. */
  path: string;
  scoped: boolean;
}

/** One offer per cancel reason and project (docs/design.md §2.5); dashboard principals only. */
export const retentionOffersRoutes: FastifyPluginAsyncTypebox<
  RetentionOffersRoutesOptions
> = async (app, { path, scoped }) => {
  const tags = ["retention offers"];
  const config = { auth: ["account", "secret"] as const };
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const reasonParams = scoped
    ? Type.Object({ slug: Slug, reason: ReasonInput })
    : Type.Object({ reason: ReasonInput });

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: operationId("listRetentionOffers", scoped),
        summary: "The project's retention offers, one per cancel reason at most",
        ...(params && { params }),
        querystring: PageQuery,
        response: { 200: listOf(refTo(RetentionOffer)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const { limit = 20, offset = 0 } = request.query;
      // At most one offer per reason (eight), so the page is cut in memory.
      const offers = await app.repos.offers.listByProject(project.id);
      return {
        data: offers.slice(offset, offset + limit).map(serializeOffer),
        total: offers.length,
        limit,
        offset,
      };
    },
  );

  app.put(
    `${path}/:reason`,
    {
      config,
      schema: {
        tags,
        operationId: operationId("putRetentionOffer", scoped),
        summary: "Create (201) or replace (200) the offer for a reason",
        description:
          "The fields of its offer_type are required. discount: discount_percent 1–100, discount_duration_months 1–24; pause: pause_days 7–90; " +
          "extension: extension_days 1–365; downgrade: downgrade_plan; feature_unlock: feature_name, " +
          "feature_unlock_days 1–365; custom: none. cta_text and is_active are accepted as aliases " +
          "of cta_button_text and enabled.",
        params: reasonParams,
        body: OfferBody,
        response: {
          200: dataOf(refTo(RetentionOffer)),
          201: dataOf(refTo(RetentionOffer)),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const reason = requireCancelReason(request.params.reason, "params/reason");
      const input = parseOffer(reason, request.body);
      const project = await resolveProject(app, request, slugParam(request));
      const { offer, created } = await app.repos.offers.upsert(
        project.id,
        randomUUID(),
        input,
        toIso(app.clock.now()),
      );
      return reply.status(created ? 201 : 200).send({ data: serializeOffer(offer) });
    },
  );

  app.delete(
    `${path}/:reason`,
    {
      config,
      schema: {
        tags,
        operationId: operationId("deleteRetentionOffer", scoped),
        summary: "Delete the offer for a reason",
        params: reasonParams,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const reason = requireCancelReason(request.params.reason, "params/reason");
      const project = await resolveProject(app, request, slugParam(request));
      if (!(await app.repos.offers.delete(project.id, reason))) throw notFound("Retention offer");
      return reply.status(204).send(null);
    },
  );
};
