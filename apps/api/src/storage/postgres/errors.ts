import { StorageUnavailableError, UniqueViolationError, withTranslatedErrors } from "../errors.js";

/** SQLSTATE classes and codes that mean "try again later", not "your request was wrong". */
function isUnavailableCode(code: string): boolean {
  return (
    code.startsWith("08") || // connection exception
    code.startsWith("53") || // insufficient resources (disk full, too many connections)
    code.startsWith("57P") || // operator intervention: shutdown, cannot connect now
    code === "40001" || // serialization failure
    code === "40P01" || // deadlock detected
    code === "55P03" || // lock not available
    code === "57014" // statement timeout / query cancelled
  );
}

/** Node's network errors: the server is not reachable. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/**
 * The unique constraints by name, as `table.column` like SQLite reports them, so a caller that
 * reads `constraint` sees the same value on both backends.
 */
const CONSTRAINTS: Record<string, string> = {
  users_email_unique: "users.email",
  projects_user_slug_unique: "projects.user_id, projects.slug",
  api_keys_hash_unique: "api_keys.key_hash",
};

/** A driver error as one of the storage errors; anything else is returned unchanged. */
export function translatePgError(error: unknown): unknown {
  if (error instanceof StorageUnavailableError || error instanceof UniqueViolationError) {
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  if (typeof code === "string") {
    if (code === "23505") {
      const name = (error as { constraint?: string }).constraint ?? code;
      return new UniqueViolationError(CONSTRAINTS[name] ?? name, { cause: error });
    }
    if (isUnavailableCode(code) || NETWORK_CODES.has(code)) {
      return new StorageUnavailableError(`database unavailable (${code})`, { cause: error });
    }
    return error;
  }
  // pg's own errors carry no code: a closed pool, a connection that ended or timed out.
  if (
    /pool after calling end|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
      message,
    )
  ) {
    return new StorageUnavailableError("database unavailable", { cause: error });
  }
  return error;
}

/** Wraps every method of a repository so that PostgreSQL's errors leave it as storage errors. */
export function withPgErrors<T extends object>(repository: T): T {
  return withTranslatedErrors(repository, translatePgError);
}
