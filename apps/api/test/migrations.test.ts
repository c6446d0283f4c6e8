import Database from "better-sqlite3";
import { expect, test } from "vitest";
import { migrate } from "../src/storage/sqlite/database.js";
import { migrations } from "../src/storage/sqlite/migrations.js";

/** The account 'u' and its project 'p', created at `now`. */
function seedProject(db: Database.Database, now: string) {
  db.prepare(
    "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES ('u', 'U', 'u@x.io', 'h', ?, ?)",
  ).run(now, now);
  db.prepare(
    "INSERT INTO projects (id, user_id, name, slug, created_at, updated_at) VALUES ('p', 'u', 'P', 'p', ?, ?)",
  ).run(now, now);
}

test("migrations are numbered 1..n, apply in order, and re-running applies nothing", () => {
  expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  const db = new Database(":memory:");
  migrate(db, migrations);
  expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
  const schema = db.prepare("SELECT sql FROM sqlite_master ORDER BY name").all();
  migrate(db, migrations);
  expect(db.prepare("SELECT sql FROM sqlite_master ORDER BY name").all()).toEqual(schema);
});

test("migration 3 backfills the stats counters from the events already stored", () => {
  const db = new Database(":memory:");
  migrate(
    db,
    migrations.filter((m) => m.version <= 2),
  );
  const now = "2026-01-01T00:00:00.000Z";
  seedProject(db, now);
  const insert = db.prepare(
    `INSERT INTO churn_events (id, project_id, customer_email, mrr_cents, cancel_reason, status,
       source, offer_shown, created_at, updated_at) VALUES (?, 'p', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let i = 0; i < 50; i++) {
    insert.run(
      `e${i}`,
      `c${i}@x.io`,
      i * 10,
      i % 4 === 0 ? null : "too_expensive",
      i % 3 === 0 ? "lost" : "new",
      i % 2 === 0 ? "cancel_flow" : "api",
      i % 2,
      now,
      now,
    );
  }
  migrate(db, migrations);
  const totals = db
    .prepare(
      "SELECT sum(events) AS events, sum(mrr_cents) AS mrr FROM churn_stats WHERE project_id = 'p'",
    )
    .get();
  expect(totals).toEqual({ events: 50, mrr: (49 * 50 * 10) / 2 });
  const lost = db
    .prepare("SELECT sum(events) AS n FROM churn_stats WHERE status = 'lost'")
    .get() as { n: number };
  expect(lost.n).toBe(17);
});

test("migration 9 rekeys churn_daily with its counters kept, and the triggers still keep it", () => {
  const db = new Database(":memory:");
  migrate(
    db,
    migrations.filter((m) => m.version <= 8),
  );
  const now = "2026-01-01T00:00:00.000Z";
  seedProject(db, now);
  const insert = db.prepare(
    `INSERT INTO churn_events (id, project_id, customer_email, mrr_cents, cancel_reason, status,
       source, offer_shown, created_at, updated_at) VALUES (?, 'p', ?, ?, ?, ?, 'cancel_flow', 1, ?, ?)`,
  );
  for (let i = 0; i < 30; i++) {
    const day = `2026-01-0${1 + (i % 3)}T10:00:00.000Z`;
    insert.run(`e${i}`, `c${i}@x.io`, 100, i % 2 ? "other" : "too_expensive", "new", day, day);
  }
  const daily = "SELECT * FROM churn_daily ORDER BY day, cancel_reason, status";
  const before = db.prepare(daily).all();
  expect(before.length).toBeGreaterThan(0);
  migrate(db, migrations);
  expect(db.prepare(daily).all()).toEqual(before);
  // The key now leads with the timeseries' grouping: no sort to group a range of days.
  const plan = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT day, source, status, offer_shown, offer_declined, offer_accepted,
         sum(events) FROM churn_daily WHERE project_id = 'p' AND livemode = 1
         AND day >= '2026-01-01' AND day < '2026-02-01'
         GROUP BY day, source, status, offer_shown, offer_declined, offer_accepted`,
    )
    .all() as { detail: string }[];
  expect(plan.map((row) => row.detail).join(" | ")).not.toMatch(/TEMP B-TREE/);
  // The triggers on churn_events write into the rebuilt table.
  insert.run("late", "late@x.io", 700, "other", "new", now, now);
  db.prepare("UPDATE churn_events SET status = 'lost' WHERE id = 'e0'").run();
  const day1 = db
    .prepare(
      "SELECT sum(events) AS events, sum(mrr_cents) AS mrr FROM churn_daily WHERE day = '2026-01-01'",
    )
    .get();
  expect(day1).toEqual({ events: 11, mrr: 1700 });
  const lost = db
    .prepare("SELECT sum(events) AS n FROM churn_daily WHERE status = 'lost'")
    .get() as { n: number };
  expect(lost.n).toBe(1);
});
