import type pg from "pg";
import type { Storage } from "../types.js";
import { createApiKeysRepository } from "./api-keys-repository.js";
import { createBillingRepository } from "./billing-repository.js";
import { createChurnEventsRepository } from "./churn-events-repository.js";
import { createCustomerTokenSecretsRepository } from "./customer-token-secrets-repository.js";
import { createPool, migrate, type PgPoolOptions, ping } from "./database.js";
import { withPgErrors } from "./errors.js";
import { createOffersRepository } from "./offers-repository.js";
import { createProjectsRepository } from "./projects-repository.js";
import { createSessionsRepository } from "./sessions-repository.js";
import { createTrackEventsRepository } from "./track-events-repository.js";
import { createUsersRepository } from "./users-repository.js";
import { createWebhooksRepository } from "./webhooks-repository.js";

export interface PostgresStorage extends Storage {
  readonly kind: "postgres";
  /** The pool itself, for PostgreSQL-specific tests and tools; the app never uses it. */
  readonly pool: pg.Pool;
}

/**
 * Storage on a PostgreSQL database (`DATABASE_URL`), migrated before it is returned (safe when
 * several instances start at once: database.ts). Every repository's errors leave it as the
 * storage errors of ../errors.ts.
 */
export async function createPostgresStorage(
  connectionString: string,
  options: PgPoolOptions = {},
): Promise<PostgresStorage> {
  const pool = createPool(connectionString, options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  let closed: Promise<void> | null = null;
  return {
    kind: "postgres",
    pool,
    repos: {
      users: withPgErrors(createUsersRepository(pool)),
      customerTokenSecrets: withPgErrors(createCustomerTokenSecretsRepository(pool)),
      sessions: withPgErrors(createSessionsRepository(pool)),
      projects: withPgErrors(createProjectsRepository(pool)),
      apiKeys: withPgErrors(createApiKeysRepository(pool)),
      offers: withPgErrors(createOffersRepository(pool)),
      churnEvents: withPgErrors(createChurnEventsRepository(pool)),
      trackEvents: withPgErrors(createTrackEventsRepository(pool)),
      webhooks: withPgErrors(createWebhooksRepository(pool)),
      billing: withPgErrors(createBillingRepository(pool)),
    },
    health: () => ping(pool),
    close() {
      // pool.end() waits for checked-out clients, so pending writes finish first.
      closed ??= pool.end();
      return closed;
    },
  };
}
