/**
 * How the in-process read caches (./read-cache.ts) hear that data changed. A write through the
 * repositories publishes an invalidation after it commits; every cache subscribed to the bus drops
 * what the message names. One process needs only {@link createLocalCacheBus}; several API
 * instances sharing one database (docs/design.md §13) pass a bus whose `publish` also reaches the
 * other instances (Redis pub/sub, LISTEN/NOTIFY) and which delivers `{ type: "all" }` after a
 * reconnect, since messages may have been missed while it was down.
 */

/** What changed. */
export type Invalidation =
  /** Anything of one project: its settings, allowed origins, offers or keys; or it was deleted. */
  | { type: "project"; projectId: string }
  /** Everything (a bus that may have missed messages, an operator's tool). */
  | { type: "all" };

type InvalidationListener = (message: Invalidation) => void;

export interface CacheBus {
  /**
   * Delivers the message to this process's subscribers before it returns (so the write's own
   * response never reads a stale entry), and to other instances' as soon as it can.
   */
  publish(message: Invalidation): void;
  /** Returns a function that stops listening. */
  subscribe(listener: InvalidationListener): () => void;
}

/** A bus inside one process: what a single-instance deployment (SQLite) needs. */
export function createLocalCacheBus(): CacheBus {
  const listeners = new Set<InvalidationListener>();
  return {
    publish(message) {
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
