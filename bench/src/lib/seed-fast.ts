/**
 * Bench-only: a bulk insert of churn events that does not pay the per-row rollup triggers.
 * The insert trigger is set aside for the transaction, and the project's rows of the rollups
 * (churn_stats, churn_daily) are then rebuilt in one GROUP BY each, the same statements the
 * migration (apps/api/src/storage/sqlite/migrations.ts) fills them with. Same data as
 * seedChurnEvents; run it while no API process holds the file open.
 */
import Database from "better-sqlite3";
import { seedChurnEvents } from "./seed.js";

const INSERT_TRIGGER = "churn_counters_after_insert";

export function seedChurnEventsFast(
  databasePath: string,
  projectId: string,
  count: number,
  seed = 1,
): number {
  const started = performance.now();
  const db = new Database(databasePath);
  const trigger = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?")
    .get(INSERT_TRIGGER) as { sql: string } | undefined;
  if (!trigger) {
    db.close();
    throw new Error(`no ${INSERT_TRIGGER} trigger: the schema changed, update this helper`);
  }
  db.exec(`DROP TRIGGER ${INSERT_TRIGGER}`);
  db.close();
  try {
    seedChurnEvents(databasePath, projectId, count, seed);
  } finally {
    const after = new Database(databasePath);
    after.transaction(() => {
      after.prepare("DELETE FROM churn_stats WHERE project_id = ?").run(projectId);
      after.prepare("DELETE FROM churn_daily WHERE project_id = ?").run(projectId);
      after
        .prepare(
          `INSERT INTO churn_stats
             SELECT project_id, livemode, source, coalesce(cancel_reason, ''), status, offer_shown,
               offer_declined, offer_accepted_at IS NOT NULL, mrr_verified, count(*), sum(mrr_cents)
             FROM churn_events WHERE project_id = ?
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
        )
        .run(projectId);
      after
        .prepare(
          `INSERT INTO churn_daily
             SELECT project_id, livemode, substr(created_at, 1, 10), source,
               coalesce(cancel_reason, ''), status, offer_shown, offer_declined,
               offer_accepted_at IS NOT NULL, mrr_verified, count(*), sum(mrr_cents)
             FROM churn_events WHERE project_id = ?
             GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
        )
        .run(projectId);
      after.exec(trigger.sql);
    })();
    after.pragma("wal_checkpoint(TRUNCATE)");
    after.close();
  }
  return (performance.now() - started) / 1000;
}
