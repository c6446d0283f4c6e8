import type { ChurnStatus } from "@windback/protocol";
import type pg from "pg";
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
  ChurnEventFilter,
  ChurnEventRecord,
  ChurnEventsRepository,
  FlowOwner,
  NewChurnEvent,
  Publish,
  TransitionResult,
} from "../types.js";
import { lockCustomer, type Queryable, transaction } from "./database.js";
import { queueDomainEvent } from "./webhook-outbox.js";

/** PostgreSQL has no rowid: `seq` breaks ties in "newest first"; export pages resume after it. */
type PgChurnEventRow = ChurnEventRow & { seq: number };

const NOT_FOUND: TransitionResult = { ok: false, reason: "not_found" };

/** Rows per page of an export: big enough to be fast, small enough to keep memory flat. */
const EXPORT_PAGE = 500;

/** Statuses no transition leaves. */
const FINAL: ReadonlySet<ChurnStatus> = new Set(["recovered", "lost"]);

/** The WHERE clause of a list or export, with its parameters ($1…) in order. */
function whereOf(projectId: string, filter: ChurnEventFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [projectId, filter.livemode !== false];
  const clauses = ["project_id = $1", "livemode = $2"];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    clauses.push(clause.replace("?", `$${params.length}`));
  };
  if (filter.status !== undefined) add("status = ?", filter.status);
  if (filter.reason !== undefined) add("cancel_reason = ?", filter.reason);
  if (filter.from !== undefined) add("created_at >= ?", filter.from);
  if (filter.to !== undefined) add("created_at < ?", filter.to);
  if (filter.emailContains !== undefined)
    add("strpos(customer_email, ?) > 0", filter.emailContains);
  return { sql: clauses.join(" AND "), params };
}

const COUNTER_COLUMNS = `source, cancel_reason, status, offer_shown, offer_declined,
  offer_accepted, mrr_verified`;

export function createChurnEventsRepository(pool: pg.Pool): ChurnEventsRepository {
  const read = async (client: Queryable, projectId: string, id: string) => {
    const { rows } = await client.query<PgChurnEventRow>(
      "SELECT * FROM churn_events WHERE id = $1 AND project_id = $2",
      [id, projectId],
    );
    return rows[0];
  };

  /** The customer's latest event the owner sees since `since` (any client's when clientKey is null). */
  const latestOfCustomer = async (
    client: Queryable,
    projectId: string,
    email: string,
    since: string,
    clientKey: string | null,
    livemode: boolean,
  ) => {
    const { rows } = await client.query<PgChurnEventRow>(
      `SELECT * FROM churn_events
       WHERE project_id = $1 AND customer_email = $2 AND livemode = $5 AND created_at >= $3
         AND ($4::text IS NULL OR client_key = $4)
       ORDER BY created_at DESC, seq DESC LIMIT 1`,
      [projectId, email, since, clientKey, livemode],
    );
    return rows[0];
  };

  /** The event if its owner may see it; anything else is answered as if it did not exist. */
  const byIdOfOwner = async (
    client: Queryable,
    projectId: string,
    id: string,
    owner: FlowOwner,
  ) => {
    const { rows } = await client.query<PgChurnEventRow>(
      `SELECT * FROM churn_events WHERE id = $1 AND project_id = $2 AND livemode = $5
         AND ($3::text IS NULL OR client_key = $3)
         AND ($4::text IS NULL OR customer_email = $4)`,
      [
        id,
        projectId,
        owner.kind === "client" ? owner.clientKey : null,
        owner.kind === "customer" ? owner.email : null,
        owner.livemode,
      ],
    );
    return rows[0];
  };

  /**
   * Stores the change's domain event and queues its webhook messages (the outbox); runs inside
   * the change's transaction.
   */
  const publishChange = async (client: Queryable, publish: Publish, event: ChurnEventRecord) => {
    const domainEvent = publish(event);
    await client.query(
      `INSERT INTO domain_events (id, project_id, type, churn_event_id, payload, livemode,
         occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        domainEvent.id,
        domainEvent.projectId,
        domainEvent.type,
        domainEvent.churnEventId,
        domainEvent.payload,
        event.livemode,
        domainEvent.occurredAt,
      ],
    );
    await queueDomainEvent(client, domainEvent, event.livemode, event.updatedAt);
    return domainEvent;
  };

  const insertEvent = async (
    client: Queryable,
    projectId: string,
    event: NewChurnEvent,
    now: string,
  ) => {
    const { rows } = await client.query<PgChurnEventRow>(
      `INSERT INTO churn_events (id, project_id, customer_email, customer_name, provider,
         provider_subscription_id, plan_name, mrr_cents, currency, tenure_days, cancel_reason,
         cancel_reason_text, status, source, offer_type, offer_shown, offer_accepted_at,
         client_key, mrr_verified, offer_terms, livemode, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
         $19, $20, $21, $22, $22)
       RETURNING *`,
      [
        event.id,
        projectId,
        event.customerEmail,
        event.customerName,
        event.provider,
        event.providerSubscriptionId,
        event.planName,
        event.mrrCents,
        event.currency,
        event.tenureDays,
        event.cancelReason,
        event.cancelReasonText,
        event.status,
        event.source,
        event.offerType,
        event.offerShown,
        event.offerAcceptedAt,
        event.clientKey,
        event.mrrVerified,
        event.offerTerms === null ? null : JSON.stringify(event.offerTerms),
        event.livemode,
        now,
      ],
    );
    return toEvent(rows[0] as PgChurnEventRow);
  };

  /** Runs a write about one customer's events: serialised per customer by lockCustomer. */
  const write = <T>(
    projectId: string,
    customerEmail: string,
    work: (client: pg.PoolClient) => Promise<T>,
  ) =>
    transaction(pool, async (client) => {
      await lockCustomer(client, projectId, customerEmail);
      return work(client);
    });

  /**
   * Runs a write about the event `id`: its customer's lock first (the email of an event never
   * changes, so reading it before the lock is safe), then `work` re-reads the event under it.
   * An event that does not exist needs no lock.
   */
  const writeEvent = async <T>(
    projectId: string,
    id: string,
    missing: T,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> => {
    const { rows } = await pool.query<{ customer_email: string }>(
      "SELECT customer_email FROM churn_events WHERE id = $1 AND project_id = $2",
      [id, projectId],
    );
    const email = rows[0]?.customer_email;
    return email === undefined ? missing : write(projectId, email, work);
  };

  const exportPage = async (
    projectId: string,
    filter: ChurnEventFilter,
    after: { createdAt: string; seq: number } | null,
  ) => {
    const where = whereOf(projectId, filter);
    const n = where.params.length;
    // The page after `after` seeks to it in the (project_id, created_at, seq) index.
    const { rows } =
      after === null
        ? await pool.query<PgChurnEventRow>(
            `SELECT * FROM churn_events WHERE ${where.sql}
             ORDER BY created_at DESC, seq DESC LIMIT $${n + 1}`,
            [...where.params, EXPORT_PAGE],
          )
        : await pool.query<PgChurnEventRow>(
            `SELECT * FROM churn_events WHERE ${where.sql}
               AND (created_at, seq) < ($${n + 1}, $${n + 2})
             ORDER BY created_at DESC, seq DESC LIMIT $${n + 3}`,
            [...where.params, after.createdAt, after.seq, EXPORT_PAGE],
          );
    return rows;
  };

  return {
    async create(projectId, event, now, publish) {
      return write(projectId, event.customerEmail, async (client) => {
        const created = await insertEvent(client, projectId, event, now);
        return { event: created, published: await publishChange(client, publish, created) };
      });
    },
    async findForBilling(projectId, query) {
      // A match on the subscription first, then one on the email among events of no known
      // subscription (coalesce: a NULL comparison would sort first under DESC in PostgreSQL,
      // last in SQLite).
      const { rows } = await pool.query<PgChurnEventRow>(
        `SELECT * FROM churn_events
         WHERE project_id = $1 AND livemode = $2 AND status = ANY($3::text[])
           AND (($4::text IS NOT NULL AND provider_subscription_id = $4)
             OR ($5::text IS NOT NULL AND customer_email = $5
               AND (provider_subscription_id IS NULL OR $4::text IS NULL)))
         ORDER BY coalesce($4::text IS NOT NULL AND provider_subscription_id = $4, FALSE) DESC,
           created_at DESC, seq DESC
         LIMIT 1`,
        [projectId, query.livemode, query.statuses, query.subscriptionId, query.customerEmail],
      );
      return rows[0] ? toEvent(rows[0]) : null;
    },
    async findById(projectId, id) {
      const row = await read(pool, projectId, id);
      return row ? toEvent(row) : null;
    },
    async list(projectId, filter) {
      // The page and its total from one snapshot. A filter on status alone (or none) takes its
      // total from the counters; any other filter counts the matching rows.
      return transaction(pool, async (client) => {
        await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        const where = whereOf(projectId, filter);
        const n = where.params.length;
        const items = await client.query<PgChurnEventRow>(
          `SELECT * FROM churn_events WHERE ${where.sql}
           ORDER BY created_at DESC, seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...where.params, filter.limit, filter.offset],
        );
        const onlyStatus =
          filter.reason === undefined &&
          filter.from === undefined &&
          filter.to === undefined &&
          filter.emailContains === undefined;
        const livemode = filter.livemode !== false;
        const total = onlyStatus
          ? await client.query<{ total: number }>(
              `SELECT coalesce(sum(events), 0) AS total FROM churn_stats
               WHERE project_id = $1 AND livemode = $2 AND ($3::text IS NULL OR status = $3)`,
              [projectId, livemode, filter.status ?? null],
            )
          : await client.query<{ total: number }>(
              `SELECT count(*) AS total FROM churn_events WHERE ${where.sql}`,
              where.params,
            );
        return { items: items.rows.map(toEvent), total: total.rows[0]?.total ?? 0 };
      });
    },
    async *exportAll(projectId, filter) {
      let after: { createdAt: string; seq: number } | null = null;
      for (;;) {
        const rows = await exportPage(projectId, filter, after);
        for (const row of rows) yield toEvent(row);
        const last = rows[rows.length - 1];
        if (!last || rows.length < EXPORT_PAGE) return;
        after = { createdAt: last.created_at, seq: last.seq };
      }
    },
    async submit(projectId, submission, owner, now, dedupeSince, publish) {
      return write(projectId, submission.customerEmail, async (client) => {
        const existing = await latestOfCustomer(
          client,
          projectId,
          submission.customerEmail,
          dedupeSince,
          owner.kind === "client" ? owner.clientKey : null,
          owner.livemode,
        );
        if (existing) {
          if (existing.status === "new") {
            // A second submission in the same flow (the customer went back and picked another reason).
            await client.query(
              `UPDATE churn_events SET cancel_reason = $1, cancel_reason_text = $2,
                 offer_type = coalesce($3, offer_type), offer_terms = coalesce($4, offer_terms),
                 offer_shown = offer_shown OR $5, updated_at = $6
               WHERE id = $7`,
              [
                submission.cancelReason,
                submission.cancelReasonText,
                submission.offerTerms?.offer_type ?? null,
                submission.offerTerms === null ? null : JSON.stringify(submission.offerTerms),
                submission.offerTerms !== null,
                now,
                existing.id,
              ],
            );
          }
          const row = (await read(client, projectId, existing.id)) as PgChurnEventRow;
          return { event: toEvent(row), deduplicated: true, published: null };
        }
        const event = await insertEvent(
          client,
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
        return {
          event,
          deduplicated: false,
          published: await publishChange(client, publish, event),
        };
      });
    },
    async acceptOffer(projectId, target, offerType, fallback, now, publish) {
      const accept = async (client: pg.PoolClient): Promise<TransitionResult> => {
        let row: PgChurnEventRow | undefined;
        if (target.eventId !== undefined) {
          // Another client's event is answered as if it did not exist.
          row = await byIdOfOwner(client, projectId, target.eventId, target.owner);
          if (!row) return { ok: false, reason: "not_found" };
        } else {
          // Whatever its status: a retried accept must find the event it already accepted
          // instead of creating another one.
          row = await latestOfCustomer(
            client,
            projectId,
            target.customerEmail,
            target.since,
            target.owner.kind === "client" ? target.owner.clientKey : null,
            target.owner.livemode,
          );
        }
        if (!row) {
          if (!fallback) return { ok: false, reason: "offer_mismatch", event: null };
          const created = await insertEvent(client, projectId, fallback, now);
          return {
            ok: true,
            event: created,
            published: await publishChange(client, publish, created),
          };
        }
        const event = toEvent(row);
        if (FINAL.has(row.status)) return { ok: false, reason: "invalid_transition", event };
        if (event.offerTerms?.offer_type !== offerType) {
          return { ok: false, reason: "offer_mismatch", event };
        }
        if (row.status === "offer_accepted") return { ok: true, event, published: null };
        // Only the status and when: the reason, feedback, customer fields and terms stay as recorded.
        const { rows } = await client.query<PgChurnEventRow>(
          `UPDATE churn_events SET status = 'offer_accepted', offer_shown = TRUE,
             offer_accepted_at = coalesce(offer_accepted_at, $1), updated_at = $1
           WHERE id = $2 RETURNING *`,
          [now, row.id],
        );
        const accepted = toEvent(rows[0] as PgChurnEventRow);
        return {
          ok: true,
          event: accepted,
          published: await publishChange(client, publish, accepted),
        };
      };
      return target.eventId !== undefined
        ? writeEvent(projectId, target.eventId, NOT_FOUND, accept)
        : write(projectId, target.customerEmail, accept);
    },
    async decline(projectId, id, owner, now, publish) {
      return writeEvent(projectId, id, NOT_FOUND, async (client): Promise<TransitionResult> => {
        const row = await byIdOfOwner(client, projectId, id, owner);
        if (!row) return { ok: false, reason: "not_found" };
        if (row.status !== "new")
          return { ok: false, reason: "invalid_transition", event: toEvent(row) };
        const { rows } = await client.query<PgChurnEventRow>(
          `UPDATE churn_events SET offer_declined = TRUE, offer_shown = TRUE, updated_at = $1
           WHERE id = $2 RETURNING *`,
          [now, row.id],
        );
        const declined = toEvent(rows[0] as PgChurnEventRow);
        return {
          ok: true,
          event: declined,
          published: await publishChange(client, publish, declined),
        };
      });
    },
    async setFinalStatus(projectId, id, status, now, publish, billing) {
      return writeEvent(projectId, id, NOT_FOUND, async (client): Promise<TransitionResult> => {
        const row = await read(client, projectId, id);
        if (!row) return { ok: false, reason: "not_found" };
        if (FINAL.has(row.status))
          return { ok: false, reason: "invalid_transition", event: toEvent(row) };
        const { rows } = billing
          ? await client.query<PgChurnEventRow>(
              `UPDATE churn_events SET status = $1, updated_at = $2, provider = $4,
                 provider_subscription_id = $5, plan_name = coalesce($6, plan_name),
                 mrr_cents = coalesce($7::bigint, mrr_cents),
                 currency = CASE WHEN $7::bigint IS NULL THEN currency ELSE $8 END,
                 mrr_verified = CASE WHEN $7::bigint IS NULL THEN mrr_verified ELSE TRUE END
               WHERE id = $3 RETURNING *`,
              [
                status,
                now,
                row.id,
                billing.provider,
                billing.providerSubscriptionId,
                billing.planName,
                billing.mrrCents,
                billing.currency,
              ],
            )
          : await client.query<PgChurnEventRow>(
              "UPDATE churn_events SET status = $1, updated_at = $2 WHERE id = $3 RETURNING *",
              [status, now, row.id],
            );
        const changed = toEvent(rows[0] as PgChurnEventRow);
        return {
          ok: true,
          event: changed,
          published: await publishChange(client, publish, changed),
        };
      });
    },
    async history(projectId, churnEventId) {
      const { rows } = await pool.query<DomainEventRow>(
        "SELECT * FROM domain_events WHERE project_id = $1 AND churn_event_id = $2 ORDER BY seq",
        [projectId, churnEventId],
      );
      return rows.map(toDomainEvent);
    },
    async counters(projectId, { livemode, period }) {
      if (!period) {
        const { rows } = await pool.query<CounterRowSql>(
          `SELECT ${COUNTER_COLUMNS}, sum(events) AS events, sum(mrr_cents) AS mrr_cents
           FROM churn_stats WHERE project_id = $1 AND livemode = $2
           GROUP BY ${COUNTER_COLUMNS} HAVING sum(events) <> 0`,
          [projectId, livemode],
        );
        return rows.map(toCounter);
      }
      // A period's whole days come from the daily counters, the cut days from their events; one
      // snapshot for all of them.
      return transaction(pool, async (client) => {
        await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        const parts = splitPeriod(period.from, period.to);
        const rows: CounterRow[][] = [];
        if (parts.days) {
          const days = await client.query<CounterRowSql>(
            `SELECT ${COUNTER_COLUMNS}, sum(events) AS events, sum(mrr_cents) AS mrr_cents
             FROM churn_daily WHERE project_id = $1 AND livemode = $2 AND day >= $3 AND day < $4
             GROUP BY ${COUNTER_COLUMNS}`,
            [projectId, livemode, parts.days.from, parts.days.to],
          );
          rows.push(days.rows.map(toCounter));
        }
        for (const cut of parts.cuts) {
          const events = await client.query<CounterRowSql>(
            `SELECT source, coalesce(cancel_reason, '') AS cancel_reason, status, offer_shown,
               offer_declined, offer_accepted_at IS NOT NULL AS offer_accepted, mrr_verified,
               count(*) AS events, sum(mrr_cents) AS mrr_cents
             FROM churn_events
             WHERE project_id = $1 AND livemode = $2 AND created_at >= $3 AND created_at < $4
             GROUP BY 1, 2, 3, 4, 5, 6, 7`,
            [projectId, livemode, cut.from, cut.to],
          );
          rows.push(events.rows.map(toCounter));
        }
        return mergeCounters(...rows);
      });
    },
    async dailyCounters(projectId, { livemode, fromDay, toDay }) {
      const { rows } = await pool.query<DaySeriesRowSql>(
        `SELECT day, source, status, offer_shown, offer_declined, offer_accepted,
           sum(events) AS events, sum(mrr_cents) AS mrr_cents
         FROM churn_daily WHERE project_id = $1 AND livemode = $2 AND day >= $3 AND day < $4
         GROUP BY day, source, status, offer_shown, offer_declined, offer_accepted
         HAVING sum(events) <> 0`,
        [projectId, livemode, fromDay, toDay],
      );
      return rows.map(toDaySeries);
    },
  };
}
