import type { AppConfig } from "../config.js";
import { createPostgresStorage } from "./postgres/index.js";
import { createSqliteStorage } from "./sqlite/index.js";
import type { Storage } from "./types.js";

/**
 * The store the configuration names: PostgreSQL at `DATABASE_URL` when it is set (migrated before
 * this resolves), else the SQLite file at `DATABASE_PATH`.
 */
export async function createStorage(
  config: Pick<AppConfig, "databasePath" | "databaseUrl">,
  log?: { warn: (context: object, message: string) => void },
): Promise<Storage> {
  if (config.databaseUrl) return createPostgresStorage(config.databaseUrl);
  return createSqliteStorage(config.databasePath, {
    // A checkpoint that fails loses nothing (the WAL keeps the frames) but lets the WAL grow.
    onCheckpointError: (message) => log?.warn({ error: message }, "SQLite checkpoint failed"),
  });
}
