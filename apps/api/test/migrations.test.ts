import Database from "better-sqlite3";
import { expect, test } from "vitest";
import { migrate } from "../src/storage/sqlite/database.js";
import { migrations } from "../src/storage/sqlite/migrations.js";

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
  db.prepare(
    "INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES ('u', 'U', 'u@x.io', 'h', ?, ?)",
  ).run(now, now);
  db.prepare(
    "INSERT INTO projects (id, user_id, name, slug, created_at, updated_at) VALUES ('p', 'u', 'P', 'p', ?, ?)",
  ).run(now, now);
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
