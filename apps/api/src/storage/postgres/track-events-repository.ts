import type pg from "pg";
import { type TrackEventRow, toTrackEvent } from "../rows.js";
import { storedSize } from "../sqlite/track-events-repository.js";
import type { TrackEventsRepository } from "../types.js";
import { lockProject, transaction } from "./database.js";

export function createTrackEventsRepository(pool: pg.Pool): TrackEventsRepository {
  const usageOf = async (client: Pick<pg.Pool, "query">, projectId: string) => {
    const { rows } = await client.query<{ events: number; bytes: number }>(
      "SELECT events, bytes FROM track_usage WHERE project_id = $1",
      [projectId],
    );
    return rows[0] ?? { events: 0, bytes: 0 };
  };
  return {
    async insertMany(projectId, key, events, now, quotaBytes) {
      const sizes = events.map(storedSize);
      const batchBytes = sizes.reduce((sum, size) => sum + size, 0);
      // A batch is stored whole or not at all, and only within the quota: the project lock makes
      // concurrent batches check the usage one after the other.
      return transaction(pool, async (client) => {
        await lockProject(client, projectId);
        const used = (await usageOf(client, projectId)).bytes;
        if (used + batchBytes > quotaBytes) return { stored: 0, overQuota: true };
        if (events.length > 0) {
          await client.query(
            `INSERT INTO track_events (project_id, api_key_id, livemode, customer_email,
               customer_id, event, properties, occurred_at, created_at, size_bytes)
             SELECT $1, $2, $3, e.customer_email, e.customer_id, e.event, e.properties,
               e.occurred_at, $4, e.size_bytes
             FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
               WITH ORDINALITY AS e(customer_email, customer_id, event, properties, occurred_at,
                 size_bytes, n)
             ORDER BY e.n`,
            [
              projectId,
              key.id,
              key.livemode,
              now,
              events.map((e) => e.customerEmail),
              events.map((e) => e.customerId),
              events.map((e) => e.event),
              events.map((e) => e.properties),
              events.map((e) => e.occurredAt),
              sizes,
            ],
          );
        }
        return { stored: events.length, overQuota: false };
      });
    },
    async usage(projectId) {
      return usageOf(pool, projectId);
    },
    async pruneStoredBefore(before, limit) {
      // Oldest first by the created_at index; ids make the delete exact.
      const { rowCount } = await pool.query(
        `DELETE FROM track_events WHERE id IN (
           SELECT id FROM track_events WHERE created_at < $1 ORDER BY created_at, id LIMIT $2)`,
        [before, limit],
      );
      return rowCount ?? 0;
    },
    async listByProject(projectId, limit) {
      const { rows } = await pool.query<TrackEventRow>(
        "SELECT * FROM track_events WHERE project_id = $1 ORDER BY id DESC LIMIT $2",
        [projectId, limit],
      );
      return rows.map(toTrackEvent);
    },
  };
}
