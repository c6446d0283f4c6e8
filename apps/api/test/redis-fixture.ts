/**
 * Redis for tests: the local server (`TEST_REDIS_URL`, else 127.0.0.1:6379), each test under a
 * key prefix of its own. Where no server answers, the suites skip and say why, except under
 * `CI=true`, where Redis is required and its absence fails the run.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Null when Redis answers; otherwise why not. Throws under CI=true, where it is required. */
export async function redisUnavailable(): Promise<string | null> {
  const client = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  let reason: string | null = null;
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    reason = `Redis at ${new URL(REDIS_TEST_URL).host} is unreachable (${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
  if (reason && process.env.CI === "true") {
    throw new Error(`${reason}; Redis is required when CI=true`);
  }
  if (reason) console.log(`skipping Redis tests: ${reason}`);
  return reason;
}

export const testPrefix = () => `windback-test-${randomBytes(4).toString("hex")}:`;

/** Deletes every key under `prefix`; nothing to do when Redis is not there. */
export async function dropPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_TEST_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  } catch {
    // Unreachable: it holds no keys of ours.
  } finally {
    client.disconnect();
  }
}
