import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { createPool, lockCustomer, migrate } from "../../src/storage/postgres/database.js";
import { createPostgresStorage, type PostgresStorage } from "../../src/storage/postgres/index.js";
import { pgMigrations } from "../../src/storage/postgres/migrations.js";
import { at, describeStorageContract, OWNER, publisher, submission } from "./contract.js";
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

  describe("concurrent writes of one project", () => {
    let storage: PostgresStorage;
    let projectId: string;
    beforeAll(async () => {
      storage = await createPostgresStorage(db.url, { schema: await db.createSchema() });
      const userId = randomUUID();
      const { project } = await storage.repos.users.createWithProject(
        { id: userId, name: "Jane", email: `${userId}@example.com`, passwordHash: "hash" },
        { id: randomUUID(), userId, name: "Default", slug: "default", supportEmail: null },
        at(0),
      );
      projectId = project.id;
    });
    afterAll(async () => {
      await storage?.close();
    });
    const submit = (email: string) =>
      storage.repos.churnEvents.submit(
        projectId,
        submission(email),
        OWNER,
        at(0),
        at(-3_600_000),
        publisher("cancel_flow.submitted"),
      );

    test("a write about one customer waits for that customer's lock, not for other customers'", async () => {
      const holder = await storage.pool.connect();
      try {
        await holder.query("BEGIN");
        await lockCustomer(holder, projectId, "held@example.com");
        // Another customer of the same project commits while the lock is held…
        const other = await submit("other@example.com");
        expect(other.deduplicated).toBe(false);
        // …the held customer's write waits until the holder commits.
        let settled = false;
        const held = submit("held@example.com").finally(() => {
          settled = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(settled).toBe(false);
        await holder.query("COMMIT");
        expect((await held).deduplicated).toBe(false);
      } finally {
        holder.release();
      }
    });

    test("a write during an endpoint's deletion commits, without a message for the deleted endpoint", async () => {
      const endpoint = await storage.repos.webhooks.createEndpoint(
        projectId,
        {
          id: randomUUID(),
          url: "https://hooks.example.com/windback",
          description: null,
          eventTypes: null,
          enabled: true,
          secret: `whsec_${"s".repeat(43)}`,
        },
        at(0),
      );
      const deleter = await storage.pool.connect();
      try {
        await deleter.query("BEGIN");
        await deleter.query("DELETE FROM webhook_endpoints WHERE id = $1", [endpoint.id]);
        const write = submit("during-delete@example.com");
        await new Promise((resolve) => setTimeout(resolve, 200));
        await deleter.query("COMMIT");
        const { event } = await write;
        const { rows } = await storage.pool.query(
          "SELECT 1 FROM webhook_messages WHERE body::jsonb -> 'data' ->> 'id' = $1",
          [event.id],
        );
        expect(rows).toHaveLength(0);
      } finally {
        deleter.release();
      }
    });

    test("counters kept by many connections add up to the events written", async () => {
      const before = await storage.repos.churnEvents.counters(projectId, { livemode: true });
      const sum = (rows: { events: number }[]) => rows.reduce((n, r) => n + r.events, 0);
      await Promise.all(Array.from({ length: 40 }, (_, i) => submit(`many-${i}@example.com`)));
      const after = await storage.repos.churnEvents.counters(projectId, { livemode: true });
      expect(sum(after) - sum(before)).toBe(40);
      const day = at(0).slice(0, 10);
      const daily = await storage.repos.churnEvents.dailyCounters(projectId, {
        livemode: true,
        fromDay: day,
        toDay: "9999-12-31",
      });
      expect(sum(daily)).toBe(sum(after));
      // One row per combination of dimensions: the shards are summed, never returned apart.
      const keys = after.map((r) => JSON.stringify({ ...r, events: 0, mrrCents: 0 }));
      expect(new Set(keys).size).toBe(keys.length);
      // The writes really spread over several shards (the pool holds up to 10 connections).
      const { rows } = await storage.pool.query<{ shards: number }>(
        "SELECT count(DISTINCT shard) AS shards FROM churn_stats WHERE project_id = $1",
        [projectId],
      );
      expect(rows[0]?.shards).toBeGreaterThan(1);
    });
  });

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
