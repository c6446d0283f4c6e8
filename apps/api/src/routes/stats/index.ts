import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ChurnStats,
  dataOf,
  refTo,
  Slug,
  StatsQuery,
  StatsTimeseries,
  TimeseriesQuery,
} from "@windback/protocol/schemas";
import { badRequest } from "../../lib/errors.js";
import { parseBound, parsePeriod } from "../../services/stats.js";
import { livemodeOf, resolveProject, slugParam } from "../projects/resolve.js";
import { authErrors, operationId } from "../schemas.js";

export interface StatsRoutesOptions {
  /** `/projects/:slug/stats` or the unscoped alias `/stats`. */
  path: string;
  scoped: boolean;
}

const DEFINITIONS =
  "Money is integer cents summed as stored (no currency conversion). " +
  "With from/to, only the events created in [from, to) count (YYYY-MM-DD is UTC midnight). " +
  "total_mrr_at_risk: mrr of events in status new. " +
  "recovered_mrr: mrr of events in status recovered or offer_accepted. lost_mrr: of events lost. " +
  "recovery_rate: (recovered_events + offer_accepted_events) / total_events. " +
  "claimed_mrr: the parts of those figures that only a browser vouched for. " +
  "cancel_flow.submissions: events created by the cancel flow (source cancel_flow). " +
  "offers_shown / offers_declined: those of them that were shown / declined an offer. " +
  "offers_accepted: those whose offer was accepted, whatever their status since. " +
  "save_rate: offers_accepted / submissions. " +
  "saved_mrr: mrr of cancel-flow events with an accepted offer that are now offer_accepted or recovered. " +
  "by_reason: per cancel reason, most submissions first; its save_rate is offers_accepted / offers_shown. " +
  "Rates are rounded to 4 decimals, 0 when the divisor is 0.";

/** Project statistics from the counters kept with every change (docs/design.md §2.7, §8). */
export const statsRoutes: FastifyPluginAsyncTypebox<StatsRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const config = { auth: ["account", "secret"] as const };

  app.get(
    path,
    {
      config,
      schema: {
        tags: ["stats"],
        operationId: operationId("getStats", scoped),
        summary: "Churn and cancel-flow statistics, all time or for a period",
        description: DEFINITIONS,
        ...(params && { params }),
        querystring: StatsQuery,
        response: { 200: dataOf(refTo(ChurnStats)), ...authErrors },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const period = from === undefined && to === undefined ? undefined : parsePeriod({ from, to });
      const livemode = livemodeOf(request, request.query.mode);
      const project = await resolveProject(app, request, slugParam(request));
      return {
        data: await app.services.stats.stats(project.id, {
          livemode,
          ...(period && { period }),
        }),
      };
    },
  );

  app.get(
    `${path}/timeseries`,
    {
      config,
      schema: {
        tags: ["stats"],
        operationId: operationId("getStatsTimeseries", scoped),
        summary: "Submissions, saves and cancellations per day or week (UTC)",
        description:
          "Every bucket of [from, to) is present, zeros included, at most 366. Buckets are whole UTC days (a `to` after midnight includes its day); weeks start on Monday. Each bucket counts the events created in it with their outcome so far, so the buckets of a period add up to GET …/stats for it.",
        ...(params && { params }),
        querystring: TimeseriesQuery,
        response: { 200: dataOf(refTo(StatsTimeseries)), ...authErrors },
      },
    },
    async (request) => {
      const from = parseBound(request.query.from, "querystring/from");
      const to = parseBound(request.query.to, "querystring/to");
      if (from >= to) throw badRequest("querystring/from must be before querystring/to");
      const livemode = livemodeOf(request, request.query.mode);
      const project = await resolveProject(app, request, slugParam(request));
      return {
        data: await app.services.stats.timeseries(project.id, {
          livemode,
          from,
          to,
          interval: request.query.interval ?? "day",
        }),
      };
    },
  );
};
