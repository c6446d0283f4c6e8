import type { NewTrackEvent, TrackEventRecord, TrackEventsRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

interface TrackEventRow {
  id: number;
  project_id: string;
  api_key_id: string | null;
  customer_email: string | null;
  customer_id: string | null;
  event: string;
  properties: string | null;
  occurred_at: string;
  created_at: string;
}

const toTrackEvent = (row: TrackEventRow): TrackEventRecord => ({
  id: row.id,
  projectId: row.project_id,
  apiKeyId: row.api_key_id,
  customerEmail: row.customer_email,
  customerId: row.customer_id,
  event: row.event,
  properties: row.properties,
  occurredAt: row.occurred_at,
  createdAt: row.created_at,
});

export function createTrackEventsRepository(db: SqliteDatabase): TrackEventsRepository {
  const insert = db.prepare(
    `INSERT INTO track_events (project_id, api_key_id, customer_email, customer_id, event,
       properties, occurred_at, created_at)
     VALUES (@projectId, @apiKeyId, @customerEmail, @customerId, @event, @properties,
       @occurredAt, @now)`,
  );
  const latest = db.prepare<[string, number], TrackEventRow>(
    "SELECT * FROM track_events WHERE project_id = ? ORDER BY id DESC LIMIT ?",
  );

  // A batch is stored whole or not at all.
  const insertManyTx = db.transaction(
    (projectId: string, apiKeyId: string | null, events: NewTrackEvent[], now: string) => {
      for (const event of events) insert.run({ ...event, projectId, apiKeyId, now });
      return events.length;
    },
  );

  return {
    async insertMany(projectId, apiKeyId, events, now) {
      return insertManyTx.immediate(projectId, apiKeyId, events, now);
    },
    async listByProject(projectId, limit) {
      return latest.all(projectId, limit).map(toTrackEvent);
    },
  };
}
