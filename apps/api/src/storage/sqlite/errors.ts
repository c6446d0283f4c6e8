import { StorageUnavailableError, UniqueViolationError, withTranslatedErrors } from "../errors.js";

/** SQLite result codes that mean "try again later", not "your request was wrong". */
function isUnavailable(code: string): boolean {
  return (
    code.startsWith("SQLITE_BUSY") ||
    code.startsWith("SQLITE_LOCKED") ||
    code.startsWith("SQLITE_FULL") ||
    code.startsWith("SQLITE_IOERR") ||
    code === "SQLITE_READONLY" ||
    code === "SQLITE_CANTOPEN"
  );
}

/** A driver error as one of the storage errors; anything else is returned unchanged. */
function translateSqliteError(error: unknown): unknown {
  // better-sqlite3 throws a plain TypeError once the connection is closed (shutting down).
  if (error instanceof TypeError && error.message.includes("connection is not open")) {
    return new StorageUnavailableError("database closed", { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  if (isUnavailable(code)) {
    return new StorageUnavailableError(`database unavailable (${code})`, { cause: error });
  }
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    const detail = (error as Error).message.match(/constraint failed: (.+)$/)?.[1] ?? code;
    return new UniqueViolationError(detail, { cause: error });
  }
  return error;
}

/** SQLite's codes for a failed fsync: the kernel may have dropped the pages it could not write. */
export function isFsyncFailure(code: unknown): boolean {
  return typeof code === "string" && /^SQLITE_IOERR_(DIR_)?FSYNC/.test(code);
}

/**
 * Wraps every method of a repository so that SQLite's errors leave it as storage errors; a failed
 * fsync SQLite reports (its own WAL-header sync, inside any write) is also told to
 * `onFsyncFailure`, which stops writes (./index.ts).
 */
export function withStorageErrors<T extends object>(
  repository: T,
  onFsyncFailure?: (error: unknown) => void,
): T {
  if (!onFsyncFailure) return withTranslatedErrors(repository, translateSqliteError);
  return withTranslatedErrors(repository, (error) => {
    if (isFsyncFailure((error as { code?: unknown } | null)?.code)) onFsyncFailure(error);
    return translateSqliteError(error);
  });
}
