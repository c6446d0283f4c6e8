/**
 * The PostgreSQL connection pool, transactions and migrations.
 *
 * Driver: node-postgres (`pg`) used directly, not Kysely. The repositories are hand-written SQL
 * mirroring the SQLite ones statement for statement (the same queries, reviewed once, in two
 * dialects); a query builder would add a layer and a typed schema to keep in step without
 * removing any SQL we write, and Kysely's PostgreSQL dialect runs on `pg` anyway. `pg` is the
 * most used and longest-maintained PostgreSQL client for Node, with a pool, parameterised queries
 * and the server's SQLSTATE on every error (what ./errors.ts maps).
 */
import pg from "pg";
import { StorageUnavailableError } from "../errors.js";
import { translatePgError } from "./errors.js";
import { type PgMigration, pgMigrations } from "./migrations.js";

export type Queryable = Pick<pg.PoolClient, "query">;

export interface PgPoolOptions {
  /** Connections per instance. */
  max?: number;
  /** Schema the tables live in (tests use one per run); `public` when unset. */
  schema?: string;
  /** How long a request waits for a free connection before StorageUnavailableError (→ 503). */
  connectionTimeoutMs?: number;
  /** A statement running longer is cancelled (→ 503): a stuck lock must not hang requests. */
  statementTimeoutMs?: number;
}

// BIGINT counts and sums arrive as strings by default; every one here fits a double exactly.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name: ${schema}`);
  }
  const settings = [
    `-c statement_timeout=${Math.trunc(options.statementTimeoutMs ?? 15_000)}`,
    ...(schema ? [`-c search_path=${schema}`] : []),
  ];
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    types,
    options: settings.join(" "),
  });
  // An idle connection that dies (server restart) emits here; without a listener the process
  // would crash. The next query opens a new connection.
  pool.on("error", () => {});
  return pool;
}

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
 * it throws (the error leaves as a storage error when it is the database's).
 */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translatePgError(error);
  }
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true; // the connection is gone: do not hand it to the next request
    }
    throw translatePgError(error);
  } finally {
    client.release(broken);
  }
}

/** One advisory-lock key for "migrating this schema", whichever instance asks. */
const MIGRATION_LOCK_SQL =
  "SELECT pg_advisory_lock(hashtext('windback.migrate.' || current_schema()))";
const MIGRATION_UNLOCK_SQL =
  "SELECT pg_advisory_unlock(hashtext('windback.migrate.' || current_schema()))";

/**
 * Applies pending migrations. Instances starting together serialise on a session advisory lock:
 * the first applies them, the others wait, then find nothing left to do. Each migration and its
 * record commit together, so a crash never leaves half of one.
 */
export async function migrate(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = pgMigrations,
): Promise<number> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translatePgError(error);
  }
  let applied = 0;
  try {
    await client.query(MIGRATION_LOCK_SQL);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM schema_migrations",
      );
      const current = rows[0]?.version ?? 0;
      const pending = migrations
        .filter((m) => m.version > current)
        .sort((a, b) => a.version - b.version);
      for (const migration of pending) {
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
            migration.version,
            migration.name,
          ]);
          await client.query("COMMIT");
          applied++;
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
    } finally {
      await client.query(MIGRATION_UNLOCK_SQL);
    }
  } catch (error) {
    client.release(true);
    throw translatePgError(error);
  }
  client.release();
  return applied;
}

/** Fails with StorageUnavailableError unless the pool answers. */
export async function ping(pool: pg.Pool): Promise<void> {
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    const translated = translatePgError(error);
    throw translated instanceof StorageUnavailableError
      ? translated
      : new StorageUnavailableError("database unavailable", { cause: error });
  }
}

/**
 * Serialises, per project, the writes that read before they write (the /track quota, the
 * active-secret count): each takes this row lock first, so two of them
 * never decide on the same snapshot, on one instance or several. FOR NO KEY UPDATE does not block
 * the foreign-key checks of plain inserts into the project's tables.
 */
export async function lockProject(client: Queryable, projectId: string): Promise<void> {
  await client.query("SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE", [projectId]);
}

/**
 * Serialises, per customer of a project, the churn-event writes that read before they write
 * (submit's de-duplication, accept-offer, decline, status changes): two writes about one customer
 * never decide on the same snapshot, on one instance or several, while writes about different
 * customers commit side by side (a transaction-scoped advisory lock keyed by the 32-bit hashes of
 * the project and of the email; a collision only makes two customers wait for each other).
 */
export async function lockCustomer(
  client: Queryable,
  projectId: string,
  customerEmail: string,
): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
    projectId,
    customerEmail,
  ]);
}

/** Serialises project creation per account, so the free-slug choice sees every earlier one. */
export async function lockUser(client: Queryable, userId: string): Promise<void> {
  await client.query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", [userId]);
}
