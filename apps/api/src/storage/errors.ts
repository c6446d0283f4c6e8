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

/** The constructor of `async function*` methods (repositories' streams), for `instanceof`. */
export const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

/**
 * Wraps every method of a repository so that a driver's errors leave it as storage errors, as
 * `translate` maps them. The methods are async (or async generators, for streams), so a
 * synchronous throw inside one becomes a rejection here too.
 */
export function withTranslatedErrors<T extends object>(
  repository: T,
  translate: (error: unknown) => unknown,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(repository)) {
    if (typeof method !== "function") {
      wrapped[name] = method;
    } else if (method instanceof AsyncGeneratorFunction) {
      wrapped[name] = async function* (...args: unknown[]) {
        try {
          yield* method.apply(repository, args);
        } catch (error) {
          throw translate(error);
        }
      };
    } else {
      wrapped[name] = async (...args: unknown[]) => {
        try {
          return await method.apply(repository, args);
        } catch (error) {
          throw translate(error);
        }
      };
    }
  }
  return wrapped as T;
}
