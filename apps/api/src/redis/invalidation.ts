/**
 * Cross-instance cache invalidation over Redis pub/sub (docs/design.md §13): an instance that
 * changes something a cache holds (a key revoked, an origin list or offer changed) publishes
 * `(topic, key)`; every instance, itself included, hears it and drops that entry. A subscriber
 * that loses its connection may have missed messages, so on every reconnect it tells its handlers
 * to flush everything (`key: null`) rather than serve a stale entry.
 *
 * Self-contained on purpose: an in-process cache only needs `subscribe` to drop entries and
 * `publish` after its writes.
 */
import type { Redis } from "ioredis";

/** What a handler hears: one entry of a topic, or `key: null` for "flush all of every topic". */
export interface Invalidation {
  topic: string;
  key: string | null;
}

export interface InvalidationBus {
  /** Tells every instance to drop `key` of `topic`. Resolves once Redis has the message. */
  publish(topic: string, key: string): Promise<void>;
  /** Calls `handler` for every invalidation, and with `key: null` after each reconnect. */
  subscribe(handler: (message: Invalidation) => void): () => void;
  close(): Promise<void>;
}

/**
 * `publisher` is any connected client; `subscriber` must be a dedicated one (a subscribed
 * connection can issue no other command). Messages go on the channel `${prefix}invalidate`.
 */
export async function createRedisInvalidationBus(
  publisher: Redis,
  subscriber: Redis,
  prefix: string,
): Promise<InvalidationBus> {
  const channel = `${prefix}invalidate`;
  const handlers = new Set<(message: Invalidation) => void>();
  const deliver = (message: Invalidation) => {
    for (const handler of handlers) handler(message);
  };
  subscriber.on("message", (from: string, text: string) => {
    if (from !== channel) return;
    try {
      const parsed = JSON.parse(text) as { topic?: unknown; key?: unknown };
      if (typeof parsed.topic !== "string" || typeof parsed.key !== "string") return;
      deliver({ topic: parsed.topic, key: parsed.key });
    } catch {
      // Not ours: ignore.
    }
  });
  let first = true;
  subscriber.on("ready", () => {
    // ioredis re-subscribes by itself after a reconnect; whatever was published meanwhile is lost.
    if (first) {
      first = false;
      return;
    }
    deliver({ topic: "*", key: null });
  });
  if (subscriber.status === "wait") await subscriber.connect();
  if (subscriber.status === "ready") first = false;
  await subscriber.subscribe(channel);
  return {
    async publish(topic, key) {
      await publisher.publish(channel, JSON.stringify({ topic, key }));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await subscriber.quit().catch(() => {});
    },
  };
}
