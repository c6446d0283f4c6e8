import type { AppConfig } from "../config.js";
import { createSqliteStorage } from "./sqlite/index.js";
import type { Storage } from "./types.js";

/** The store the configuration names: the SQLite file at `DATABASE_PATH`. */
export function createStorage(config: Pick<AppConfig, "databasePath">): Storage {
  return createSqliteStorage(config.databasePath);
}
