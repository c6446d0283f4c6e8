/**
 * The errors every storage implementation throws, so nothing above the storage layer reads a
 * driver's error codes. Anything else a repository throws is a bug (→ 500).
 */

/** The store cannot take the request now (locked, busy, disk full, unreachable): retry later → 503. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageUnavailableError";
  }
}

/** A write would break a uniqueness rule (e.g. an account email already taken). */
export class UniqueViolationError extends Error {
  constructor(
    /** What must be unique, e.g. `users.email`. */
    public readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint violated: ${constraint}`, options);
    this.name = "UniqueViolationError";
  }
}
