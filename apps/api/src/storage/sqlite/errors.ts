import { StorageUnavailableError, UniqueViolationError } from "../errors.js";

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

const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

/**
 * Wraps every method of a repository so that SQLite's errors leave it as storage errors. The
 * methods are async (or async generators, for streams), so a synchronous throw inside one
 * becomes a rejection here too.
 */
export function withStorageErrors<T extends object>(repository: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(repository)) {
    if (typeof method !== "function") {
      wrapped[name] = method;
    } else if (method instanceof AsyncGeneratorFunction) {
      wrapped[name] = async function* (...args: unknown[]) {
        try {
          yield* method.apply(repository, args);
        } catch (error) {
          throw translateSqliteError(error);
        }
      };
    } else {
      wrapped[name] = async (...args: unknown[]) => {
        try {
          return await method.apply(repository, args);
        } catch (error) {
          throw translateSqliteError(error);
        }
      };
    }
  }
  return wrapped as T;
}
