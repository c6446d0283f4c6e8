import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrations as defaultMigrations, type Migration } from "./migrations.js";

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** How long a writer waits for a lock before SQLITE_BUSY (→ 503). */
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
}

/**
 * Opens the database with the settings every connection needs and applies pending migrations.
 * WAL with synchronous=NORMAL: a COMMIT writes its frames without syncing them (SQLite still syncs
 * the WAL header when it reuses the file, and around checkpoints), and the app acknowledges a
 * write only after an fsync of the WAL off the event loop (./wal-sync.ts), so an acknowledged
 * write survives kill -9 and power loss alike (docs/durability.md). Checkpoints are left to
 * ./checkpointer.ts.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  // Customer data: a directory we create is the owner's alone, and so is the file (SQLite gives
  // the -wal and -shm files the database file's mode).
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  if (path !== ":memory:") {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(file)) chmodSync(file, 0o600);
    }
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("wal_autocheckpoint = 0");
  // After a reset, a WAL that grew past this is truncated back.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma("foreign_keys = ON");
  migrate(db, options.migrations ?? defaultMigrations);
  return db;
}

export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const pending = migrations
    .filter((m) => m.version > current)
    .sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    // Each migration and its version bump commit together, so a crash never leaves half of one.
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

const statementCache = new WeakMap<SqliteDatabase, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection, for helpers shared by several repositories. */
export function cachedStatement<P extends unknown[] = unknown[], R = unknown>(
  db: SqliteDatabase,
  sql: string,
): Database.Statement<P, R> {
  let perDb = statementCache.get(db);
  if (!perDb) {
    perDb = new Map();
    statementCache.set(db, perDb);
  }
  let statement = perDb.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    perDb.set(sql, statement);
  }
  return statement as unknown as Database.Statement<P, R>;
}
