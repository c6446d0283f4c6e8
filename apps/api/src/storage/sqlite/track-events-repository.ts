import { type TrackEventRow, toTrackEvent } from "../rows.js";
import type { NewTrackEvent, TrackEventsRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

/**
 * What an event costs on disk, roughly: its text plus a fixed overhead for the row and its index
 * entries. Migration 5 computes the same for the rows it found.
 */
export function storedSize(event: NewTrackEvent): number {
  return (
    200 +
    event.event.length +
    (event.properties?.length ?? 0) +
    (event.customerEmail?.length ?? 0) +
    (event.customerId?.length ?? 0)
  );
}

export function createTrackEventsRepository(db: SqliteDatabase): TrackEventsRepository {
  const insert = db.prepare(
    `INSERT INTO track_events (project_id, api_key_id, customer_email, customer_id, event,
              properties, occurred_at, created_at, size_bytes, livemode)
          VALUES (@projectId, @apiKeyId, @customerEmail, @customerId, @event, @properties,
       @occurredAt, @now, @sizeBytes, @livemode)`,
  );
  const usage = db.prepare<[string], { events: number; bytes: number }>(
    "SELECT events, bytes FROM track_usage WHERE project_id = ?",
  );
  // Oldest first by the created_at index; rowids make the delete exact.
  const prune = db.prepare<[string, number]>(
    `DELETE FROM track_events WHERE rowid IN (
       SELECT rowid FROM track_events WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
  );
  const latest = db.prepare<[string, number], TrackEventRow>(
    "SELECT * FROM track_events WHERE project_id = ? ORDER BY id DESC LIMIT ?",
  );

  // A batch is stored whole or not at all, and only within the quota.
  const insertManyTx = db.transaction(
    (
      projectId: string,
      key: { id: string | null; livemode: boolean },
      events: NewTrackEvent[],
      now: string,
      quotaBytes: number,
    ) => {
      const sizes = events.map(storedSize);
      const batchBytes = sizes.reduce((sum, size) => sum + size, 0);
      const used = usage.get(projectId)?.bytes ?? 0;
      if (used + batchBytes > quotaBytes) return { stored: 0, overQuota: true };
      events.forEach((event, i) => {
        insert.run({
          ...event,
          projectId,
          apiKeyId: key.id,
          livemode: key.livemode ? 1 : 0,
          now,
          sizeBytes: sizes[i],
        });
      });
      return { stored: events.length, overQuota: false };
    },
  );

  return {
    async insertMany(projectId, key, events, now, quotaBytes) {
      return insertManyTx.immediate(projectId, key, events, now, quotaBytes);
    },
    async usage(projectId) {
      return usage.get(projectId) ?? { events: 0, bytes: 0 };
    },
    async pruneStoredBefore(before, limit) {
      return prune.run(before, limit).changes;
    },
    async listByProject(projectId, limit) {
      return latest.all(projectId, limit).map(toTrackEvent);
    },
  };
}
