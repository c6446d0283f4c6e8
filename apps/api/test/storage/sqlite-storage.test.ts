import { createSqliteStorage, type SqliteStorage } from "../../src/storage/sqlite/index.js";
import { describeStorageContract } from "./contract.js";

describeStorageContract("SQLite (in memory)", async () => createSqliteStorage(":memory:"), {
  async breakOutbox(storage) {
    (storage as SqliteStorage).db.exec(
      `CREATE TRIGGER break_outbox BEFORE INSERT ON webhook_attempts
       BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`,
    );
  },
});
