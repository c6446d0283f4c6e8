/**
 * The read caches' bus across instances (docs/design.md §13): invalidations are delivered in this
 * process at once (so a write's own response never reads a stale entry) and published over Redis
 * pub/sub to every other instance; after a reconnect of the subscriber every cache is flushed,
 * since messages may have been missed. If a publish fails (Redis down), other instances keep an
 * entry at most until its TTL (10 s by default), and the failure is logged.
 */
import { createRedisClient, type RedisLog } from "../../redis/client.js";
import { createRedisInvalidationBus } from "../../redis/invalidation.js";
import { type CacheBus, createLocalCacheBus } from "./cache-bus.js";

const PROJECT_TOPIC = "project";
const ALL_TOPIC = "*";

export interface RedisCacheBus extends CacheBus {
  close(): Promise<void>;
}

export async function createRedisCacheBus(
  url: string,
  prefix: string,
  log: RedisLog,
): Promise<RedisCacheBus> {
  const local = createLocalCacheBus();
  const publisher = createRedisClient(url, log);
  const subscriber = createRedisClient(url, log, { commandTimeout: undefined });
  await publisher.connect().catch(() => {
    // Reconnects by itself; until then publishes fail and are logged.
  });
  const remote = await createRedisInvalidationBus(publisher, subscriber, prefix).catch((error) => {
    log.warn(
      { err: { message: (error as Error).message } },
      "cache invalidation over redis not subscribed",
    );
    return null;
  });
  remote?.subscribe(({ topic, key }) => {
    if (key === null || topic !== PROJECT_TOPIC) local.publish({ type: "all" });
    else local.publish({ type: "project", projectId: key });
  });
  return {
    publish(message) {
      local.publish(message);
      const [topic, key] =
        message.type === "project" ? [PROJECT_TOPIC, message.projectId] : [ALL_TOPIC, ALL_TOPIC];
      const sent = remote ? remote.publish(topic, key) : Promise.reject(new Error("no redis bus"));
      sent.catch((error: Error) =>
        log.warn({ err: { message: error.message } }, "cache invalidation not published to redis"),
      );
    },
    subscribe: local.subscribe,
    async close() {
      await remote?.close();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
