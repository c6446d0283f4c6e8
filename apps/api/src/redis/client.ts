/**
 * The Redis connection shared by an instance's rate limits (docs/design.md §13). Commands fail at
 * once while Redis is unreachable (no offline queue, short timeouts) so each caller applies its
 * Redis-down policy within the request instead of hanging; ioredis keeps reconnecting behind it.
 */
import { Redis, type RedisOptions } from "ioredis";

export interface RedisLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Keys of every Redis structure an instance uses start with this (`REDIS_PREFIX`). */
export const DEFAULT_REDIS_PREFIX = "windback:";

export function createRedisClient(url: string, log: RedisLog, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 500,
    // Reconnect quickly at first, then every 2 s at most.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...options,
  });
  // One line per outage, not one per failed reconnect: an unhandled 'error' would crash the process.
  let down = false;
  client.on("error", (error) => {
    if (down) return;
    down = true;
    log.warn({ err: { message: error.message } }, "redis unreachable");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log.info({}, "redis reachable again");
  });
  return client;
}

/** Connects, giving up (and leaving ioredis to retry) after the connect timeout. */
export async function connectRedis(client: Redis): Promise<boolean> {
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  }
}
