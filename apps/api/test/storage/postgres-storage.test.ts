import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { createPool, migrate } from "../../src/storage/postgres/database.js";
import { createPostgresStorage, type PostgresStorage } from "../../src/storage/postgres/index.js";
import { pgMigrations } from "../../src/storage/postgres/migrations.js";
import { describeStorageContract } from "./contract.js";
import { createTestDatabase, postgresUnavailable, type TestDatabase } from "./postgres-fixture.js";

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)("PostgreSQL storage", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  describeStorageContract(
    "PostgreSQL",
    async () => createPostgresStorage(db.url, { schema: await db.createSchema() }),
    {
      async breakOutbox(storage) {
        await (storage as PostgresStorage).pool.query(`
          CREATE FUNCTION break_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$;
          CREATE TRIGGER break_outbox BEFORE INSERT ON webhook_attempts
            FOR EACH ROW EXECUTE FUNCTION break_outbox();`);
      },
    },
  );

  describe("migrations", () => {
    test("instances migrating at once apply each migration exactly once", async () => {
      const schema = await db.createSchema();
      const pools = [0, 1, 2].map(() => createPool(db.url, { schema }));
      try {
        const applied = await Promise.all(pools.map((pool) => migrate(pool)));
        // One instance applied everything; the others waited on the lock and found nothing left.
        expect(applied.sort()).toEqual([0, 0, pgMigrations.length]);
        const { rows } = await (pools[0] as (typeof pools)[0]).query<{ version: number }>(
          "SELECT version FROM schema_migrations ORDER BY version",
        );
        expect(rows.map((row) => row.version)).toEqual(pgMigrations.map((m) => m.version));
        expect(await migrate(pools[1] as (typeof pools)[0])).toBe(0);
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
      }
    });

    test("a failing migration leaves nothing of itself and is retried at the next start", async () => {
      const schema = await db.createSchema();
      const pool = createPool(db.url, { schema });
      try {
        const broken = [
          ...pgMigrations,
          { version: 999, name: "broken", sql: "CREATE TABLE half (id INT); SELECT 1/0;" },
        ];
        await expect(migrate(pool, broken)).rejects.toThrow();
        const { rows } = await pool.query<{ n: number }>(
          "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half'",
          [schema],
        );
        expect(rows[0]?.n).toBe(0);
        const versions = await pool.query<{ v: number }>(
          "SELECT max(version) AS v FROM schema_migrations",
        );
        expect(versions.rows[0]?.v).toBe(pgMigrations.at(-1)?.version);
      } finally {
        await pool.end();
      }
    });
  });
});

describe("PostgreSQL unreachable", () => {
  test("opening the store fails with StorageUnavailableError, not a driver error", async () => {
    // Nothing listens on port 1.
    await expect(
      createPostgresStorage("postgres://postgres@127.0.0.1:1/windback", {
        connectionTimeoutMs: 1000,
      }),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
