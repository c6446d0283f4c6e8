import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { CHURN_STATUSES, ERROR_CODES } from "@windback/protocol";
import { customerFieldsOf, serializeChurnEvent } from "../../lib/churn-events.js";
import { toIso } from "../../lib/clock.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { requireCancelReason } from "../../lib/offers.js";
import {
  ChurnEvent,
  CustomerEmail,
  CustomerFields,
  MrrCents,
  ReasonInput,
  StringEnum,
} from "../../schemas/cancel-flow.js";
import { authErrors, dataOf, listOf, Pagination, Slug } from "../../schemas/common.js";
import { resolveProject, slugParam } from "../projects/resolve.js";

export interface ChurnEventsRoutesOptions {
  /** `/projects/:slug/churn-events` or the unscoped alias `/churn-events`. */
  path: string;
  scoped: boolean;
}

/** Churn events for the dashboard and a merchant's server (docs/design.md §2.7). */
export const churnEventsRoutes: FastifyPluginAsyncTypebox<ChurnEventsRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const tags = ["churn events"];
  const config = { auth: ["jwt", "secret"] as const };
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const idParams = scoped
    ? Type.Object({ slug: Slug, id: Type.String({ format: "uuid" }) })
    : Type.Object({ id: Type.String({ format: "uuid" }) });

  app.post(
    path,
    {
      config,
      schema: {
        tags,
        summary: "Record a churn event (mrr or mrr_cents, integer cents)",
        ...(params && { params }),
        body: Type.Object(
          {
            customer_email: CustomerEmail,
            mrr: Type.Optional(MrrCents),
            mrr_cents: Type.Optional(MrrCents),
            cancel_reason: Type.Optional(ReasonInput),
            ...CustomerFields,
          },
          { additionalProperties: false },
        ),
        response: { 201: dataOf(ChurnEvent), ...authErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.mrr === undefined && body.mrr_cents === undefined) {
        throw badRequest("body/mrr (or body/mrr_cents) is required: monthly revenue in cents");
      }
      const fields = customerFieldsOf(
        body,
        body.cancel_reason === undefined
          ? null
          : requireCancelReason(body.cancel_reason, "body/cancel_reason"),
      );
      const project = await resolveProject(app, request, slugParam(request));
      const event = await app.repos.churnEvents.create(
        project.id,
        {
          id: randomUUID(),
          ...fields,
          source: "api",
          status: "new",
          offerType: null,
          offerShown: false,
          offerAcceptedAt: null,
        },
        toIso(app.clock.now()),
      );
      return reply.status(201).send({ data: serializeChurnEvent(event) });
    },
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        summary: "The project's churn events, newest first",
        ...(params && { params }),
        querystring: Type.Composite([
          Type.Object({ status: Type.Optional(StringEnum(CHURN_STATUSES)) }),
          Type.Partial(Pagination),
        ]),
        response: { 200: listOf(ChurnEvent), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const { status, limit = 20, offset = 0 } = request.query;
      const { items, total } = await app.repos.churnEvents.list(project.id, {
        ...(status !== undefined && { status }),
        limit,
        offset,
      });
      return { data: items.map(serializeChurnEvent), total, limit, offset };
    },
  );

  app.get(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        summary: "One churn event",
        params: idParams,
        response: { 200: dataOf(ChurnEvent), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const event = await app.repos.churnEvents.findById(project.id, request.params.id);
      if (!event) throw notFound("Churn event");
      return { data: serializeChurnEvent(event) };
    },
  );

  for (const status of ["recovered", "lost"] as const) {
    app.post(
      `${path}/:id/${status}`,
      {
        config,
        schema: {
          tags,
          summary: `Mark the event ${status} (final); from recovered or lost → 400 INVALID_TRANSITION`,
          params: idParams,
          response: { 200: dataOf(ChurnEvent), ...authErrors },
        },
      },
      async (request) => {
        const project = await resolveProject(app, request, slugParam(request));
        const result = await app.repos.churnEvents.setFinalStatus(
          project.id,
          request.params.id,
          status,
          toIso(app.clock.now()),
        );
        if (!result.ok && result.reason === "not_found") throw notFound("Churn event");
        if (!result.ok) {
          throw badRequest(
            `The churn event is already ${result.event.status}, which is final`,
            ERROR_CODES.INVALID_TRANSITION,
          );
        }
        return { data: serializeChurnEvent(result.event) };
      },
    );
  }
};
