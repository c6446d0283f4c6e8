/**
 * Bulk-inserts churn events straight into the API's SQLite file, matching the schema of
 * apps/api/src/db/migrations.ts (version 2). Run it while no API process holds the file open.
 */
import { randomUUID } from "node:crypto";
import { CANCEL_REASONS } from "@windback/protocol";
import Database from "better-sqlite3";

const REASONS = CANCEL_REASONS;
const STATUSES = ["new", "new", "new", "offer_accepted", "recovered", "lost"] as const;
const OFFER_TYPES = ["discount", "pause", "extension", "downgrade"] as const;

/** A small deterministic PRNG (mulberry32) so every run seeds the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts `count` events for `projectId`, spread over the past year; returns the seconds it took. */
export function seedChurnEvents(databasePath: string, projectId: string, count: number, seed = 1) {
  const started = performance.now();
  const db = new Database(databasePath);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version < 2) throw new Error(`database is at schema version ${version}; expected ≥ 2`);
  const insert = db.prepare(
    `INSERT INTO churn_events (id, project_id, customer_email, customer_name, provider,
       provider_subscription_id, plan_name, mrr_cents, currency, tenure_days, cancel_reason,
       cancel_reason_text, status, source, offer_type, offer_shown, offer_declined,
       offer_accepted_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'stripe', ?, ?, ?, 'usd', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const random = prng(seed);
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const insertAll = db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const reason = REASONS[Math.floor(random() * REASONS.length)] ?? "other";
      const status = STATUSES[Math.floor(random() * STATUSES.length)] ?? "new";
      const fromFlow = random() < 0.8;
      const offerShown = fromFlow && random() < 0.6;
      const accepted = offerShown && status === "offer_accepted";
      const declined = offerShown && !accepted && random() < 0.5;
      const created = new Date(now - Math.floor(random() * yearMs)).toISOString();
      insert.run(
        randomUUID(),
        projectId,
        `customer-${seed}-${i}@example.com`,
        `Customer ${i}`,
        `sub_${i}`,
        random() < 0.5 ? "Pro" : "Team",
        Math.floor(random() * 50_000),
        Math.floor(random() * 1500),
        reason,
        reason === "other" ? "We are closing the company" : null,
        status,
        fromFlow ? "cancel_flow" : "api",
        offerShown ? (OFFER_TYPES[Math.floor(random() * OFFER_TYPES.length)] ?? null) : null,
        offerShown ? 1 : 0,
        declined ? 1 : 0,
        accepted ? created : null,
        created,
        created,
      );
    }
  });
  insertAll.immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return (performance.now() - started) / 1000;
}
