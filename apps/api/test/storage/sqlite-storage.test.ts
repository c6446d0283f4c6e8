import { createSqliteStorage } from "../../src/storage/sqlite/index.js";
import { describeStorageContract } from "./contract.js";

describeStorageContract("SQLite (in memory)", async () => createSqliteStorage(":memory:"));
