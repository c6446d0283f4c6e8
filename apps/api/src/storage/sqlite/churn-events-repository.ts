import type {
  CancelReason,
  ChurnSource,
  ChurnStatus,
  OfferType,
  PublicOffer,
} from "@windback/protocol";
import type {
  AcceptTarget,
  CancelFlowSubmission,
  ChurnEventRecord,
  ChurnEventsRepository,
  ChurnStatsRow,
  DomainEvent,
  DomainEventType,
  FlowOwner,
  NewChurnEvent,
  Publish,
  TransitionResult,
} from "../types.js";
import type { SqliteDatabase } from "./database.js";

interface ChurnEventRow {
  id: string;
  project_id: string;
  customer_email: string;
  customer_name: string | null;
  provider: string;
  provider_subscription_id: string | null;
  plan_name: string | null;
  mrr_cents: number;
  currency: string;
  tenure_days: number | null;
  cancel_reason: CancelReason | null;
  cancel_reason_text: string | null;
  status: ChurnStatus;
  source: ChurnSource;
  offer_type: OfferType | null;
  offer_shown: number;
  offer_declined: number;
  offer_accepted_at: string | null;
  client_key: string | null;
  mrr_verified: number;
  offer_terms: string | null;
  livemode: number;
  created_at: string;
  updated_at: string;
}

const toEvent = (row: ChurnEventRow): ChurnEventRecord => ({
  id: row.id,
  projectId: row.project_id,
  customerEmail: row.customer_email,
  customerName: row.customer_name,
  provider: row.provider,
  providerSubscriptionId: row.provider_subscription_id,
  planName: row.plan_name,
  mrrCents: row.mrr_cents,
  currency: row.currency,
  tenureDays: row.tenure_days,
  cancelReason: row.cancel_reason,
  cancelReasonText: row.cancel_reason_text,
  status: row.status,
  source: row.source,
  offerType: row.offer_type,
  offerShown: row.offer_shown === 1,
  offerDeclined: row.offer_declined === 1,
  offerAcceptedAt: row.offer_accepted_at,
  clientKey: row.client_key,
  mrrVerified: row.mrr_verified === 1,
  offerTerms: row.offer_terms === null ? null : (JSON.parse(row.offer_terms) as PublicOffer),
  livemode: row.livemode === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

interface DomainEventRow {
  id: string;
  project_id: string;
  type: DomainEventType;
  churn_event_id: string;
  payload: string;
  occurred_at: string;
}

const toDomainEvent = (row: DomainEventRow): DomainEvent => ({
  id: row.id,
  type: row.type,
  projectId: row.project_id,
  churnEventId: row.churn_event_id,
  payload: row.payload,
  occurredAt: row.occurred_at,
});

interface OwnedQuery {
  projectId: string;
  clientKey: string | null;
}

/** The query parameters that restrict a lookup to what `owner` may see. */
function ownedBy(projectId: string, owner: FlowOwner) {
  return {
    projectId,
    clientKey: owner.kind === "client" ? owner.clientKey : null,
    ownerEmail: owner.kind === "customer" ? owner.email : null,
  };
}

/** Statuses no transition leaves. */
const FINAL: ReadonlySet<ChurnStatus> = new Set(["recovered", "lost"]);

/**
 * The read queries, exported so a test can `EXPLAIN QUERY PLAN` exactly what runs. Ties on
 * created_at are broken by rowid, which every index carries, so the order never needs a sort.
 */
export const CHURN_EVENT_SQL = {
  list: `SELECT * FROM churn_events WHERE project_id = ?
         ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
  listByStatus: `SELECT * FROM churn_events WHERE project_id = ? AND status = ?
                 ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
  /**
   * Submit's de-duplication: the customer's latest event the owner sees (one client's when
   * @clientKey is set, any otherwise).
   */
  latestOfCustomer: `SELECT * FROM churn_events
                     WHERE project_id = @projectId AND customer_email = @email
                       AND created_at >= @since
                       AND (@clientKey IS NULL OR client_key = @clientKey)
                     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  /** List totals come from the counters of migration 3, not from counting rows. */
  count: "SELECT coalesce(sum(events), 0) AS total FROM churn_stats WHERE project_id = ?",
  countByStatus: `SELECT coalesce(sum(events), 0) AS total FROM churn_stats
                  WHERE project_id = ? AND status = ?`,
  /** Every headline number from the project's counters (a few hundred rows at most). */
  stats: `SELECT
      coalesce(sum(events), 0) AS totalEvents,
      coalesce(sum(CASE WHEN status = 'new' THEN events END), 0) AS newEvents,
      coalesce(sum(CASE WHEN status = 'offer_accepted' THEN events END), 0) AS offerAcceptedEvents,
      coalesce(sum(CASE WHEN status = 'recovered' THEN events END), 0) AS recoveredEvents,
      coalesce(sum(CASE WHEN status = 'lost' THEN events END), 0) AS lostEvents,
      coalesce(sum(CASE WHEN status = 'new' THEN mrr_cents END), 0) AS totalMrrAtRisk,
      coalesce(sum(CASE WHEN status IN ('recovered', 'offer_accepted') THEN mrr_cents END), 0)
        AS recoveredMrr,
      coalesce(sum(CASE WHEN status = 'lost' THEN mrr_cents END), 0) AS lostMrr,
      coalesce(sum(CASE WHEN source = 'cancel_flow' THEN events END), 0) AS submissions,
      coalesce(sum(CASE WHEN source = 'cancel_flow' AND offer_shown = 1 THEN events END), 0)
        AS offersShown,
      coalesce(sum(CASE WHEN source = 'cancel_flow' AND offer_accepted = 1 THEN events END), 0)
        AS offersAccepted,
      coalesce(sum(CASE WHEN source = 'cancel_flow' AND offer_declined = 1 THEN events END), 0)
        AS offersDeclined,
      coalesce(sum(CASE WHEN source = 'cancel_flow' AND offer_accepted = 1
                         AND status IN ('offer_accepted', 'recovered') THEN mrr_cents END), 0)
        AS savedMrr,
      coalesce(sum(CASE WHEN mrr_verified = 0 AND status = 'new' THEN mrr_cents END), 0)
        AS claimedMrrAtRisk,
      coalesce(sum(CASE WHEN mrr_verified = 0 AND status IN ('recovered', 'offer_accepted')
                        THEN mrr_cents END), 0) AS claimedRecoveredMrr,
      coalesce(sum(CASE WHEN mrr_verified = 0 AND source = 'cancel_flow' AND offer_accepted = 1
                         AND status IN ('offer_accepted', 'recovered') THEN mrr_cents END), 0)
        AS claimedSavedMrr
    FROM churn_stats WHERE project_id = ? AND livemode = 1`,
  statsByReason: `SELECT nullif(cancel_reason, '') AS reason, sum(events) AS submissions,
      sum(CASE WHEN offer_shown = 1 THEN events ELSE 0 END) AS offersShown,
      sum(CASE WHEN offer_accepted = 1 THEN events ELSE 0 END) AS offersAccepted
    FROM churn_stats WHERE project_id = ? AND livemode = 1 AND source = 'cancel_flow'
    GROUP BY cancel_reason HAVING sum(events) > 0 ORDER BY submissions DESC, cancel_reason`,
} as const;

export function createChurnEventsRepository(db: SqliteDatabase): ChurnEventsRepository {
  const insert = db.prepare(
    `INSERT INTO churn_events (id, project_id, customer_email, customer_name, provider,
       provider_subscription_id, plan_name, mrr_cents, currency, tenure_days, cancel_reason,
       cancel_reason_text, status, source, offer_type, offer_shown, offer_accepted_at,
       client_key, mrr_verified, offer_terms, livemode, created_at, updated_at)
     VALUES (@id, @projectId, @customerEmail, @customerName, @provider, @providerSubscriptionId,
       @planName, @mrrCents, @currency, @tenureDays, @cancelReason, @cancelReasonText, @status,
       @source, @offerType, @offerShown, @offerAcceptedAt, @clientKey, @mrrVerified,
       @offerTerms, @livemode, @now, @now)`,
  );
  const byId = db.prepare<[string, string], ChurnEventRow>(
    "SELECT * FROM churn_events WHERE id = ? AND project_id = ?",
  );
  const list = db.prepare<[string, number, number], ChurnEventRow>(CHURN_EVENT_SQL.list);
  const listByStatus = db.prepare<[string, string, number, number], ChurnEventRow>(
    CHURN_EVENT_SQL.listByStatus,
  );
  const count = db.prepare<[string], { total: number }>(CHURN_EVENT_SQL.count);
  const countByStatus = db.prepare<[string, string], { total: number }>(
    CHURN_EVENT_SQL.countByStatus,
  );
  const latestOfCustomer = db.prepare<
    [OwnedQuery & { email: string; since: string }],
    ChurnEventRow
  >(CHURN_EVENT_SQL.latestOfCustomer);
  // A second submission in the same flow (the customer went back and picked another reason).
  const resubmit = db.prepare<
    [CancelReason | null, string | null, OfferType | null, string | null, number, string, string]
  >(
    `UPDATE churn_events SET cancel_reason = ?, cancel_reason_text = ?,
       offer_type = coalesce(?, offer_type), offer_terms = coalesce(?, offer_terms),
       offer_shown = max(offer_shown, ?), updated_at = ?
     WHERE id = ?`,
  );
  // Only the status and when: the reason, feedback, customer fields and terms stay as recorded.
  const accept = db.prepare<[string, string, string]>(
    `UPDATE churn_events SET status = 'offer_accepted', offer_shown = 1,
       offer_accepted_at = coalesce(offer_accepted_at, ?), updated_at = ?
     WHERE id = ?`,
  );
  // The event if its owner may see it; anything else is answered as if it did not exist.
  const byIdOfOwner = db.prepare<
    [OwnedQuery & { id: string; ownerEmail: string | null }],
    ChurnEventRow
  >(
    `SELECT * FROM churn_events WHERE id = @id AND project_id = @projectId
       AND (@clientKey IS NULL OR client_key = @clientKey)
       AND (@ownerEmail IS NULL OR customer_email = @ownerEmail)`,
  );
  const decline = db.prepare<[string, string]>(
    "UPDATE churn_events SET offer_declined = 1, offer_shown = 1, updated_at = ? WHERE id = ?",
  );
  const setStatus = db.prepare<[string, string, string]>(
    "UPDATE churn_events SET status = ?, updated_at = ? WHERE id = ?",
  );
  const insertDomainEvent = db.prepare(
    `INSERT INTO domain_events (id, project_id, type, churn_event_id, payload, livemode,
       occurred_at)
     VALUES (@id, @projectId, @type, @churnEventId, @payload, @livemode, @occurredAt)`,
  );
  const historyOf = db.prepare<[string, string], DomainEventRow>(
    "SELECT * FROM domain_events WHERE project_id = ? AND churn_event_id = ? ORDER BY seq",
  );
  const stats = db.prepare<[string], Omit<ChurnStatsRow, "byReason">>(CHURN_EVENT_SQL.stats);
  const statsByReason = db.prepare<[string], ChurnStatsRow["byReason"][number]>(
    CHURN_EVENT_SQL.statsByReason,
  );

  const read = (projectId: string, id: string) => toEvent(byId.get(id, projectId) as ChurnEventRow);
  /** Stores the change's domain event; runs inside the change's transaction. */
  const publishChange = (publish: Publish, event: ChurnEventRecord): DomainEvent => {
    const domainEvent = publish(event);
    insertDomainEvent.run({ ...domainEvent, livemode: event.livemode ? 1 : 0 });
    return domainEvent;
  };
  const insertEvent = (projectId: string, event: NewChurnEvent, now: string) => {
    insert.run({
      ...event,
      projectId,
      now,
      offerShown: event.offerShown ? 1 : 0,
      mrrVerified: event.mrrVerified ? 1 : 0,
      livemode: event.livemode ? 1 : 0,
      offerTerms: event.offerTerms === null ? null : JSON.stringify(event.offerTerms),
    });
    return read(projectId, event.id);
  };

  const createTx = db.transaction(
    (projectId: string, event: NewChurnEvent, now: string, publish: Publish) => {
      const created = insertEvent(projectId, event, now);
      return { event: created, published: publishChange(publish, created) };
    },
  );

  const submitTx = db.transaction(
    (
      projectId: string,
      submission: CancelFlowSubmission,
      owner: FlowOwner,
      now: string,
      since: string,
      publish: Publish,
    ) => {
      const existing = latestOfCustomer.get({
        projectId,
        clientKey: owner.kind === "client" ? owner.clientKey : null,
        email: submission.customerEmail,
        since,
      });
      if (existing) {
        if (existing.status === "new") {
          resubmit.run(
            submission.cancelReason,
            submission.cancelReasonText,
            submission.offerTerms?.offer_type ?? null,
            submission.offerTerms === null ? null : JSON.stringify(submission.offerTerms),
            submission.offerTerms ? 1 : 0,
            now,
            existing.id,
          );
        }
        return { event: read(projectId, existing.id), deduplicated: true, published: null };
      }
      const event = insertEvent(
        projectId,
        {
          ...submission,
          offerType: submission.offerTerms?.offer_type ?? null,
          source: "cancel_flow",
          status: "new",
          offerShown: submission.offerTerms !== null,
          offerAcceptedAt: null,
        },
        now,
      );
      return { event, deduplicated: false, published: publishChange(publish, event) };
    },
  );

  const acceptTx = db.transaction(
    (
      projectId: string,
      target: AcceptTarget,
      offerType: OfferType,
      fallback: NewChurnEvent | null,
      now: string,
      publish: Publish,
    ): TransitionResult => {
      let row: ChurnEventRow | undefined;
      if (target.eventId !== undefined) {
        // Another client's event is answered as if it did not exist.
        row = byIdOfOwner.get({ id: target.eventId, ...ownedBy(projectId, target.owner) });
        if (!row) return { ok: false, reason: "not_found" };
      } else {
        // Whatever its status: a retried accept must find the event it already accepted
        // instead of creating another one.
        row = latestOfCustomer.get({
          projectId,
          clientKey: target.owner.kind === "client" ? target.owner.clientKey : null,
          email: target.customerEmail,
          since: target.since,
        });
      }
      if (!row) {
        if (!fallback) return { ok: false, reason: "offer_mismatch", event: null };
        const created = insertEvent(projectId, fallback, now);
        return { ok: true, event: created, published: publishChange(publish, created) };
      }
      const event = toEvent(row);
      if (FINAL.has(row.status)) return { ok: false, reason: "invalid_transition", event };
      if (event.offerTerms?.offer_type !== offerType) {
        return { ok: false, reason: "offer_mismatch", event };
      }
      if (row.status === "offer_accepted") return { ok: true, event, published: null };
      accept.run(now, now, row.id);
      const accepted = read(projectId, row.id);
      return { ok: true, event: accepted, published: publishChange(publish, accepted) };
    },
  );

  const declineTx = db.transaction(
    (projectId: string, id: string, owner: FlowOwner, now: string, publish: Publish) => {
      const row = byIdOfOwner.get({ id, ...ownedBy(projectId, owner) });
      if (!row) return { ok: false, reason: "not_found" } as const;
      if (row.status !== "new") {
        return { ok: false, reason: "invalid_transition", event: toEvent(row) } as const;
      }
      decline.run(now, row.id);
      const declined = read(projectId, row.id);
      return { ok: true, event: declined, published: publishChange(publish, declined) } as const;
    },
  );

  const finalTx = db.transaction(
    (
      projectId: string,
      id: string,
      status: "recovered" | "lost",
      now: string,
      publish: Publish,
    ) => {
      const row = byId.get(id, projectId);
      if (!row) return { ok: false, reason: "not_found" } as const;
      if (FINAL.has(row.status)) {
        return { ok: false, reason: "invalid_transition", event: toEvent(row) } as const;
      }
      setStatus.run(status, now, row.id);
      const changed = read(projectId, row.id);
      return { ok: true, event: changed, published: publishChange(publish, changed) } as const;
    },
  );

  // The page and its total come from one snapshot.
  const listTx = db.transaction(
    (
      projectId: string,
      { status, limit, offset }: { status?: ChurnStatus; limit: number; offset: number },
    ) => {
      if (status !== undefined) {
        return {
          items: listByStatus.all(projectId, status, limit, offset).map(toEvent),
          total: (countByStatus.get(projectId, status) as { total: number }).total,
        };
      }
      return {
        items: list.all(projectId, limit, offset).map(toEvent),
        total: (count.get(projectId) as { total: number }).total,
      };
    },
  );

  // Both aggregates read one consistent snapshot.
  const statsTx = db.transaction((projectId: string): ChurnStatsRow => {
    const totals = stats.get(projectId) as Omit<ChurnStatsRow, "byReason">;
    return { ...totals, byReason: statsByReason.all(projectId) };
  });

  return {
    async create(projectId, event, now, publish) {
      return createTx.immediate(projectId, event, now, publish);
    },
    async findById(projectId, id) {
      const row = byId.get(id, projectId);
      return row ? toEvent(row) : null;
    },
    async list(projectId, filter) {
      return listTx.deferred(projectId, filter);
    },
    async submit(projectId, submission, owner, now, dedupeSince, publish) {
      return submitTx.immediate(projectId, submission, owner, now, dedupeSince, publish);
    },
    async acceptOffer(projectId, target, offerType, fallback, now, publish) {
      return acceptTx.immediate(projectId, target, offerType, fallback, now, publish);
    },
    async decline(projectId, id, owner, now, publish) {
      return declineTx.immediate(projectId, id, owner, now, publish);
    },
    async setFinalStatus(projectId, id, status, now, publish) {
      return finalTx.immediate(projectId, id, status, now, publish);
    },
    async history(projectId, churnEventId) {
      return historyOf.all(projectId, churnEventId).map(toDomainEvent);
    },
    async stats(projectId) {
      return statsTx.deferred(projectId);
    },
  };
}
