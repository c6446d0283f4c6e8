import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ChurnEvent,
  ChurnEventsQuery,
  CreateChurnEventBody,
  dataOf,
  listOf,
  refTo,
  Slug,
  Uuid,
} from "@windback/protocol/schemas";
import { notFound } from "../../lib/errors.js";
import { serializeChurnEvent } from "../../lib/serializers.js";
import { resolveProject, slugParam } from "../projects/resolve.js";
import { authErrors, operationId } from "../schemas.js";

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
  const config = { auth: ["account", "secret"] as const };
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const idParams = scoped ? Type.Object({ slug: Slug, id: Uuid }) : Type.Object({ id: Uuid });
  const churnEvents = app.services.churnEvents;

  app.post(
    path,
    {
      config,
      schema: {
        tags,
        operationId: operationId("createChurnEvent", scoped),
        summary: "Record a churn event (mrr or mrr_cents, integer cents)",
        ...(params && { params }),
        body: CreateChurnEventBody,
        response: { 201: dataOf(refTo(ChurnEvent)), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, slugParam(request));
      const event = await churnEvents.create(project.id, request.body);
      return reply.status(201).send({ data: serializeChurnEvent(event) });
    },
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: operationId("listChurnEvents", scoped),
        summary: "The project's churn events, newest first",
        ...(params && { params }),
        querystring: ChurnEventsQuery,
        response: { 200: listOf(refTo(ChurnEvent)), ...authErrors },
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
        operationId: operationId("getChurnEvent", scoped),
        summary: "One churn event",
        params: idParams,
        response: { 200: dataOf(refTo(ChurnEvent)), ...authErrors },
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
          operationId: operationId(
            status === "recovered" ? "markChurnEventRecovered" : "markChurnEventLost",
            scoped,
          ),
          summary: `Mark the event ${status} (final)`,
          description: "From recovered or lost → 400 INVALID_TRANSITION.",
          params: idParams,
          response: { 200: dataOf(refTo(ChurnEvent)), ...authErrors },
        },
      },
      async (request) => {
        const project = await resolveProject(app, request, slugParam(request));
        const event = await churnEvents.markFinal(project.id, request.params.id, status);
        return { data: serializeChurnEvent(event) };
      },
    );
  }
};
