import { Readable } from "node:stream";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type {
  ChurnEventsFilter as ChurnEventsFilterQuery,
  ChurnEvent as ChurnEventWire,
} from "@windback/protocol";
import {
  ChurnEvent,
  ChurnEventsFilter,
  ChurnEventsQuery,
  CreateChurnEventBody,
  dataOf,
  listOf,
  refTo,
  Slug,
  Uuid,
} from "@windback/protocol/schemas";
import type { FastifyRequest } from "fastify";
import { principalOf } from "../../auth/principal.js";
import { toIso } from "../../lib/clock.js";
import { csvRow } from "../../lib/csv.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { requireCancelReason } from "../../lib/offers.js";
import { serializeChurnEvent } from "../../lib/serializers.js";
import { parseBound } from "../../services/stats.js";
import type { ChurnEventFilter, ChurnEventRecord } from "../../storage/types.js";
import { livemodeOf, resolveProject, slugParam } from "../projects/resolve.js";
import { authErrors, operationId } from "../schemas.js";

export interface ChurnEventsRoutesOptions {
  /** `/projects/:slug/churn-events` or the unscoped alias `/churn-events`. */
  path: string;
  scoped: boolean;
}

/** The columns of the CSV export, in order. */
const CSV_COLUMNS = [
  "id",
  "created_at",
  "updated_at",
  "status",
  "source",
  "customer_email",
  "customer_name",
  "plan_name",
  "mrr_cents",
  "currency",
  "mrr_verified",
  "cancel_reason",
  "cancel_reason_text",
  "offer_type",
  "offer_shown",
  "offer_declined",
  "offer_accepted_at",
  "provider",
  "provider_subscription_id",
  "tenure_days",
] as const satisfies readonly (keyof ChurnEventWire)[];

async function* csvLines(events: AsyncIterable<ChurnEventRecord>): AsyncGenerator<string> {
  yield csvRow(CSV_COLUMNS);
  for await (const event of events) {
    const wire = serializeChurnEvent(event);
    yield csvRow(CSV_COLUMNS.map((column) => wire[column]));
  }
}

/** The query's filters, checked: a reason alias maps to its id, bounds become timestamps. */
function filterOf(request: FastifyRequest, query: ChurnEventsFilterQuery): ChurnEventFilter {
  const q = query.q?.trim().toLowerCase();
  const filter: ChurnEventFilter = {
    livemode: livemodeOf(request, query.mode),
    ...(query.status !== undefined && { status: query.status }),
    ...(query.reason !== undefined && {
      reason: requireCancelReason(query.reason, "querystring/reason"),
    }),
    ...(query.from !== undefined && { from: parseBound(query.from, "querystring/from") }),
    ...(query.to !== undefined && { to: parseBound(query.to, "querystring/to") }),
    ...(q && { emailContains: q }),
  };
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw badRequest("querystring/from must be before querystring/to");
  }
  return filter;
}

/** Churn events for the dashboard and a merchant's server (docs/design.md §2.7, §8). */
export const churnEventsRoutes: FastifyPluginAsyncTypebox<ChurnEventsRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const tags = ["churn events"];
  const config = { auth: ["account", "secret"] as const };
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const idParams = scoped ? Type.Object({ slug: Slug, id: Uuid }) : Type.Object({ id: Uuid });
  const churnEvents = app.services.churnEvents;

  /**
   * The event `:id` if the caller may see it: a key sees only its own mode's events (a test key
   * test data, a live key live data); a signed-in merchant sees both, as the dashboard follows
   * links from either mode. Anything else is a 404, as if it did not exist.
   */
  async function visibleEvent(projectId: string, request: FastifyRequest) {
    const { id } = request.params as { id: string };
    const event = await app.repos.churnEvents.findById(projectId, id);
    const principal = principalOf(request);
    if (!event || (principal.kind === "key" && event.livemode !== principal.livemode)) {
      throw notFound("Churn event");
    }
    return event;
  }

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
      const principal = principalOf(request);
      // What a test key writes is test data.
      const livemode = principal.kind !== "key" || principal.livemode;
      const event = await churnEvents.create(project.id, request.body, livemode);
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
      const filter = filterOf(request, request.query);
      const project = await resolveProject(app, request, slugParam(request));
      const { limit = 20, offset = 0 } = request.query;
      const { items, total } = await app.repos.churnEvents.list(project.id, {
        ...filter,
        limit,
        offset,
      });
      return { data: items.map(serializeChurnEvent), total, limit, offset };
    },
  );

  app.get(
    `${path}.csv`,
    {
      config,
      schema: {
        tags,
        operationId: operationId("exportChurnEvents", scoped),
        summary: "The churn events matching the filters, as a CSV download",
        description:
          "Streamed (memory stays flat however many rows), newest first, with a header row. Text cells that start with = + - @ or a tab are prefixed with ' so a spreadsheet never runs them as formulas.",
        ...(params && { params }),
        querystring: ChurnEventsFilter,
        response: {
          200: {
            description: "text/csv; charset=utf-8, Content-Disposition: attachment",
            content: { "text/csv": { schema: { type: "string" } } },
          },
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const filter = filterOf(request, request.query);
      const project = await resolveProject(app, request, slugParam(request));
      const events = app.repos.churnEvents.exportAll(project.id, filter);
      const day = toIso(app.clock.now()).slice(0, 10);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="churn-events-${project.slug}-${day}.csv"`,
        )
        .send(Readable.from(csvLines(events)));
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
      const event = await visibleEvent(project.id, request);
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
        await visibleEvent(project.id, request);
        const event = await churnEvents.markFinal(project.id, request.params.id, status);
        return { data: serializeChurnEvent(event) };
      },
    );
  }
};
