/**
 * PostgreSQL for tests: a fresh database per run (`windback_test_<random>`, dropped after), one
 * schema per opened store. Where no server answers, the suites skip and say why, except under
 * `CI=true`, where PostgreSQL is required and its absence fails the run.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use: `TEST_DATABASE_URL`, else the local one with trust auth. */
const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Null when PostgreSQL answers; otherwise why not. Throws under CI=true, where it is required. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  let reason: string | null = null;
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    reason = `PostgreSQL at ${new URL(PG_ADMIN_URL).host} is unreachable (${(error as Error).message || (error as { code?: string }).code})`;
  } finally {
    await client.end().catch(() => {});
  }
  if (reason && process.env.CI === "true") {
    throw new Error(`${reason}; PostgreSQL is required when CI=true`);
  }
  if (reason) console.log(`skipping PostgreSQL tests: ${reason}`);
  return reason;
}

export interface TestDatabase {
  /** A connection URL for the new database. */
  url: string;
  /** A new empty schema in it, for one store. */
  createSchema(): Promise<string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `windback_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 2 });
  let schemas = 0;
  return {
    url: url.href,
    async createSchema() {
      const schema = `s${++schemas}_${randomBytes(3).toString("hex")}`;
      await pool.query(`CREATE SCHEMA ${schema}`);
      return schema;
    },
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
