import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { CancelReason, ChurnStats as ChurnStatsData } from "@windback/protocol";
import { ChurnStats, dataOf, refTo, Slug } from "@windback/protocol/schemas";
import { resolveProject, slugParam } from "../projects/resolve.js";
import { authErrors, operationId } from "../schemas.js";

export interface StatsRoutesOptions {
  /** `/projects/:slug/stats` or the unscoped alias `/stats`. */
  path: string;
  scoped: boolean;
}

/** A fraction from 0 to 1 rounded to 4 decimals; 0 when there is nothing to divide. */
export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

const DEFINITIONS =
  "Money is integer cents summed as stored (no currency conversion). " +
  "total_mrr_at_risk: mrr of events in status new. " +
  "recovered_mrr: mrr of events in status recovered or offer_accepted. " +
  "recovery_rate: (recovered_events + offer_accepted_events) / total_events. " +
  "cancel_flow.submissions: events created by the cancel flow (source cancel_flow). " +
  "offers_shown / offers_declined: those of them that were shown / declined an offer. " +
  "offers_accepted: those whose offer was accepted, whatever their status since. " +
  "save_rate: offers_accepted / submissions. " +
  "saved_mrr: mrr of cancel-flow events with an accepted offer that are now offer_accepted or recovered. " +
  "by_reason: per cancel reason, most submissions first. Rates are rounded to 4 decimals, 0 when the divisor is 0.";

/** Project statistics from the counters kept with every change (docs/design.md §2.7). */
export const statsRoutes: FastifyPluginAsyncTypebox<StatsRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  app.get(
    path,
    {
      config: { auth: ["account", "secret"] },
      schema: {
        tags: ["stats"],
        operationId: operationId("getStats", scoped),
        summary: "Churn and cancel-flow statistics for the project",
        description: DEFINITIONS,
        ...(params && { params }),
        response: { 200: dataOf(refTo(ChurnStats)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const s = await app.repos.churnEvents.stats(project.id);
      const data: ChurnStatsData = {
        total_events: s.totalEvents,
        new_events: s.newEvents,
        offer_accepted_events: s.offerAcceptedEvents,
        recovered_events: s.recoveredEvents,
        lost_events: s.lostEvents,
        total_mrr_at_risk: s.totalMrrAtRisk,
        recovered_mrr: s.recoveredMrr,
        lost_mrr: s.lostMrr,
        recovery_rate: rate(s.recoveredEvents + s.offerAcceptedEvents, s.totalEvents),
        claimed_mrr: {
          total_mrr_at_risk: s.claimedMrrAtRisk,
          recovered_mrr: s.claimedRecoveredMrr,
          saved_mrr: s.claimedSavedMrr,
        },
        cancel_flow: {
          submissions: s.submissions,
          offers_shown: s.offersShown,
          offers_accepted: s.offersAccepted,
          offers_declined: s.offersDeclined,
          save_rate: rate(s.offersAccepted, s.submissions),
          saved_mrr: s.savedMrr,
          by_reason: s.byReason.map((row) => ({
            reason: row.reason as CancelReason,
            submissions: row.submissions,
            offers_shown: row.offersShown,
            offers_accepted: row.offersAccepted,
            save_rate: rate(row.offersAccepted, row.offersShown),
          })),
        },
      };
      return { data };
    },
  );
};
