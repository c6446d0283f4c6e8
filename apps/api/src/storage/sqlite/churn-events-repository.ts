import type { CancelReason, ChurnStatus, OfferType } from "@windback/protocol";
import { type CounterRow, mergeCounters } from "../counters.js";
import { splitPeriod } from "../periods.js";
import {
  type ChurnEventRow,
  type CounterRowSql,
  type DaySeriesRowSql,
  type DomainEventRow,
  toCounter,
  toDaySeries,
  toDomainEvent,
  toEvent,
} from "../rows.js";
import type {
  AcceptTarget,
  BillingFacts,
  CancelFlowSubmission,
  ChurnEventFilter,
  ChurnEventRecord,
  ChurnEventsRepository,
  DomainEvent,
  FlowOwner,
  NewChurnEvent,
  Publish,
  TransitionResult,
} from "../types.js";
import { cachedStatement, type SqliteDatabase } from "./database.js";
import { createOutboxWriter } from "./webhook-outbox.js";

interface OwnedQuery {
  projectId: string;
  clientKey: string | null;
  livemode: number;
}

/** The query parameters that restrict a lookup to what `owner` may see. */
function ownedBy(projectId: string, owner: FlowOwner) {
  return {
    projectId,
    clientKey: owner.kind === "client" ? owner.clientKey : null,
    ownerEmail: owner.kind === "customer" ? owner.email : null,
    livemode: owner.livemode ? 1 : 0,
  };
}

/** Rows per page of an export: big enough to be fast, small enough to keep memory flat. */
const EXPORT_PAGE = 500;

/** A page of the list: exported so a test can `EXPLAIN QUERY PLAN` exactly what runs. */
export function listSql(where: string): string {
  return `SELECT * FROM churn_events WHERE ${where}
          ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
}

/**
 * One page of an export, newest first: the first page, or (`afterKey`) the page after the row
 * (created_at, rowid) given as the last three parameters before the limit. The later pages start
 * with a bound on created_at the index can seek to (an `? IS NULL OR …` condition cannot: every
 * page would scan from the newest row, and an export of 1 M rows would read ~10^9).
 */
export function exportPageSql(where: string, afterKey: boolean): string {
  return `SELECT rowid AS seq, * FROM churn_events WHERE ${where}
          ${afterKey ? "AND created_at <= ? AND (created_at < ? OR rowid < ?)" : ""}
          ORDER BY created_at DESC, rowid DESC LIMIT ?`;
}

/** The WHERE clause of a list or export, with its parameters in order. */
export function whereOf(
  projectId: string,
  filter: ChurnEventFilter,
): { sql: string; params: unknown[] } {
  const clauses = ["project_id = ?", "livemode = ?"];
  const params: unknown[] = [projectId, filter.livemode === false ? 0 : 1];
  if (filter.status !== undefined) {
    clauses.push("status = ?");
    params.push(filter.status);
  }
  if (filter.reason !== undefined) {
    clauses.push("cancel_reason = ?");
    params.push(filter.reason);
  }
  if (filter.from !== undefined) {
    clauses.push("created_at >= ?");
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push("created_at < ?");
    params.push(filter.to);
  }
  if (filter.emailContains !== undefined) {
    clauses.push("instr(customer_email, ?) > 0");
    params.push(filter.emailContains);
  }
  return { sql: clauses.join(" AND "), params };
}

/** Statuses no transition leaves. */
const FINAL: ReadonlySet<ChurnStatus> = new Set(["recovered", "lost"]);

/**
 * The read queries, exported so a test can `EXPLAIN QUERY PLAN` exactly what runs. Ties on
 * created_at are broken by rowid, which every index carries, so the order never needs a sort.
 */
export const CHURN_EVENT_SQL = {
  /**
   * Submit's de-duplication: the customer's latest event the owner sees (one client's when
   * @clientKey is set, any otherwise).
   */
  latestOfCustomer: `SELECT * FROM churn_events
                     WHERE project_id = @projectId AND customer_email = @email
                       AND livemode = @livemode AND created_at >= @since
                       AND (@clientKey IS NULL OR client_key = @clientKey)
                     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  /** List totals come from the counters, not from counting rows. */
  count: `SELECT coalesce(sum(events), 0) AS total FROM churn_stats
          WHERE project_id = ? AND livemode = ?`,
  countByStatus: `SELECT coalesce(sum(events), 0) AS total FROM churn_stats
                  WHERE project_id = ? AND livemode = ? AND status = ?`,
  /** The all-time counters of the project (a few hundred rows at most). */
  counters: `SELECT source, cancel_reason, status, offer_shown, offer_declined, offer_accepted,
      mrr_verified, events, mrr_cents
    FROM churn_stats WHERE project_id = ? AND livemode = ? AND events <> 0`,
  /** The counters of whole UTC days [fromDay, toDay), summed. */
  countersOfDays: `SELECT source, cancel_reason, status, offer_shown, offer_declined,
      offer_accepted, mrr_verified, sum(events) AS events, sum(mrr_cents) AS mrr_cents
    FROM churn_daily WHERE project_id = ? AND livemode = ? AND day >= ? AND day < ?
    GROUP BY source, cancel_reason, status, offer_shown, offer_declined, offer_accepted,
      mrr_verified`,
  /** The same counts from the events themselves: only for the part of a day a period cuts. */
  countersOfEvents: `SELECT source, coalesce(cancel_reason, '') AS cancel_reason, status,
      offer_shown, offer_declined, offer_accepted_at IS NOT NULL AS offer_accepted, mrr_verified,
      count(*) AS events, sum(mrr_cents) AS mrr_cents
    FROM churn_events WHERE project_id = ? AND livemode = ? AND created_at >= ? AND created_at < ?
    GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  dailyCounters: `SELECT day, source, status, offer_shown, offer_declined, offer_accepted,
      sum(events) AS events, sum(mrr_cents) AS mrr_cents
    FROM churn_daily WHERE project_id = ? AND livemode = ? AND day >= ? AND day < ?
    GROUP BY day, source, status, offer_shown, offer_declined, offer_accepted
    HAVING sum(events) <> 0`,
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
  const count = db.prepare<[string, number], { total: number }>(CHURN_EVENT_SQL.count);
  const countByStatus = db.prepare<[string, number, string], { total: number }>(
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
       AND livemode = @livemode AND (@clientKey IS NULL OR client_key = @clientKey)
       AND (@ownerEmail IS NULL OR customer_email = @ownerEmail)`,
  );
  const decline = db.prepare<[string, string]>(
    "UPDATE churn_events SET offer_declined = 1, offer_shown = 1, updated_at = ? WHERE id = ?",
  );
  const setStatus = db.prepare<[string, string, string]>(
    "UPDATE churn_events SET status = ?, updated_at = ? WHERE id = ?",
  );
  const applyBilling = db.prepare<{
    provider: string;
    subscriptionId: string;
    planName: string | null;
    mrrCents: number | null;
    currency: string;
    id: string;
  }>(
    `UPDATE churn_events SET provider = @provider, provider_subscription_id = @subscriptionId,
       plan_name = coalesce(@planName, plan_name), mrr_cents = coalesce(@mrrCents, mrr_cents),
       currency = CASE WHEN @mrrCents IS NULL THEN currency ELSE @currency END,
       mrr_verified = CASE WHEN @mrrCents IS NULL THEN mrr_verified ELSE 1 END
     WHERE id = @id`,
  );
  const insertDomainEvent = db.prepare(
    `INSERT INTO domain_events (id, project_id, type, churn_event_id, payload, livemode,
       occurred_at)
     VALUES (@id, @projectId, @type, @churnEventId, @payload, @livemode, @occurredAt)`,
  );
  const historyOf = db.prepare<[string, string], DomainEventRow>(
    "SELECT * FROM domain_events WHERE project_id = ? AND churn_event_id = ? ORDER BY seq",
  );
  const counters = db.prepare<[string, number], CounterRowSql>(CHURN_EVENT_SQL.counters);
  const countersOfDays = db.prepare<[string, number, string, string], CounterRowSql>(
    CHURN_EVENT_SQL.countersOfDays,
  );
  const countersOfEvents = db.prepare<[string, number, string, string], CounterRowSql>(
    CHURN_EVENT_SQL.countersOfEvents,
  );
  const dailyCounters = db.prepare<[string, number, string, string], DaySeriesRowSql>(
    CHURN_EVENT_SQL.dailyCounters,
  );

  const outbox = createOutboxWriter(db);
  const forBilling = db.prepare<
    {
      projectId: string;
      livemode: number;
      subscriptionId: string | null;
      email: string | null;
      statuses: string;
    },
    ChurnEventRow
  >(
    // The email fallback only finds events of no known subscription: another subscription's
    // event is not this one's, even for the same customer. coalesce: an event without a
    // subscription id compares as NULL, which would sort it after the subscription's own.
    `SELECT * FROM churn_events
     WHERE project_id = @projectId AND livemode = @livemode
       AND status IN (SELECT value FROM json_each(@statuses))
       AND ((@subscriptionId IS NOT NULL AND provider_subscription_id = @subscriptionId)
         OR (@email IS NOT NULL AND customer_email = @email
           AND (provider_subscription_id IS NULL OR @subscriptionId IS NULL)))
     ORDER BY coalesce(@subscriptionId IS NOT NULL
         AND provider_subscription_id = @subscriptionId, 0) DESC,
       created_at DESC, rowid DESC
     LIMIT 1`,
  );

  const read = (projectId: string, id: string) => toEvent(byId.get(id, projectId) as ChurnEventRow);
  /**
   * Stores the change's domain event and queues its webhook messages (the outbox); runs inside
   * the change's transaction.
   */
  const publishChange = (publish: Publish, event: ChurnEventRecord): DomainEvent => {
    const domainEvent = publish(event);
    insertDomainEvent.run({ ...domainEvent, livemode: event.livemode ? 1 : 0 });
    outbox.queueDomainEvent(domainEvent, event.livemode, event.updatedAt);
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
        livemode: owner.livemode ? 1 : 0,
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
          livemode: target.owner.livemode ? 1 : 0,
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
      billing: BillingFacts | undefined,
    ) => {
      const row = byId.get(id, projectId);
      if (!row) return { ok: false, reason: "not_found" } as const;
      if (FINAL.has(row.status)) {
        return { ok: false, reason: "invalid_transition", event: toEvent(row) } as const;
      }
      setStatus.run(status, now, row.id);
      if (billing) {
        applyBilling.run({
          provider: billing.provider,
          subscriptionId: billing.providerSubscriptionId,
          planName: billing.planName,
          mrrCents: billing.mrrCents,
          currency: billing.currency,
          id: row.id,
        });
      }
      const changed = read(projectId, row.id);
      return { ok: true, event: changed, published: publishChange(publish, changed) } as const;
    },
  );

  // The page and its total come from one snapshot. A filter on status alone (or none) takes
  // its total from the counters; any other filter counts the matching rows.
  const listTx = db.transaction(
    (projectId: string, filter: ChurnEventFilter & { limit: number; offset: number }) => {
      const livemode = filter.livemode === false ? 0 : 1;
      const where = whereOf(projectId, filter);
      const items = cachedStatement<unknown[], ChurnEventRow>(db, listSql(where.sql))
        .all(...where.params, filter.limit, filter.offset)
        .map(toEvent);
      const onlyStatus =
        filter.reason === undefined &&
        filter.from === undefined &&
        filter.to === undefined &&
        filter.emailContains === undefined;
      let total: number;
      if (onlyStatus && filter.status !== undefined) {
        total = (countByStatus.get(projectId, livemode, filter.status) as { total: number }).total;
      } else if (onlyStatus) {
        total = (count.get(projectId, livemode) as { total: number }).total;
      } else {
        total = (
          cachedStatement<unknown[], { total: number }>(
            db,
            `SELECT count(*) AS total FROM churn_events WHERE ${where.sql}`,
          ).get(...where.params) as { total: number }
        ).total;
      }
      return { items, total };
    },
  );

  const exportPage = (
    projectId: string,
    filter: ChurnEventFilter,
    after: { createdAt: string; rowid: number } | null,
    limit: number,
  ) => {
    const where = whereOf(projectId, filter);
    const page = cachedStatement<unknown[], ChurnEventRow & { seq: number }>(
      db,
      exportPageSql(where.sql, after !== null),
    );
    return after === null
      ? page.all(...where.params, limit)
      : page.all(...where.params, after.createdAt, after.createdAt, after.rowid, limit);
  };

  // A period's whole days come from the daily counters, the cut days from their events; one
  // snapshot for all of them.
  const countersTx = db.transaction(
    (projectId: string, livemode: number, period?: { from: string; to: string }) => {
      if (!period) return counters.all(projectId, livemode).map(toCounter);
      const parts = splitPeriod(period.from, period.to);
      const rows: CounterRow[][] = [];
      if (parts.days) {
        rows.push(
          countersOfDays.all(projectId, livemode, parts.days.from, parts.days.to).map(toCounter),
        );
      }
      for (const cut of parts.cuts) {
        rows.push(countersOfEvents.all(projectId, livemode, cut.from, cut.to).map(toCounter));
      }
      return mergeCounters(...rows);
    },
  );

  return {
    async create(projectId, event, now, publish) {
      return createTx.immediate(projectId, event, now, publish);
    },
    async findForBilling(projectId, query) {
      const row = forBilling.get({
        projectId,
        livemode: query.livemode ? 1 : 0,
        subscriptionId: query.subscriptionId,
        email: query.customerEmail,
        statuses: JSON.stringify(query.statuses),
      });
      return row ? toEvent(row) : null;
    },
    async findById(projectId, id) {
      const row = byId.get(id, projectId);
      return row ? toEvent(row) : null;
    },
    async list(projectId, filter) {
      return listTx.deferred(projectId, filter);
    },
    async *exportAll(projectId, filter) {
      let after: { createdAt: string; rowid: number } | null = null;
      for (;;) {
        const rows = exportPage(projectId, filter, after, EXPORT_PAGE);
        for (const row of rows) yield toEvent(row);
        const last = rows[rows.length - 1];
        if (!last || rows.length < EXPORT_PAGE) return;
        after = { createdAt: last.created_at, rowid: last.seq };
        // Let requests in between pages: an export of a million rows must not stall the API.
        await new Promise((resolve) => setImmediate(resolve));
      }
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
    async setFinalStatus(projectId, id, status, now, publish, billing) {
      return finalTx.immediate(projectId, id, status, now, publish, billing);
    },
    async history(projectId, churnEventId) {
      return historyOf.all(projectId, churnEventId).map(toDomainEvent);
    },
    async counters(projectId, { livemode, period }) {
      return countersTx.deferred(projectId, livemode ? 1 : 0, period);
    },
    async dailyCounters(projectId, { livemode, fromDay, toDay }) {
      return dailyCounters.all(projectId, livemode ? 1 : 0, fromDay, toDay).map(toDaySeries);
    },
  };
}
