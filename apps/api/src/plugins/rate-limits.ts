import rateLimit from "@fastify/rate-limit";
import { ERROR_CODES } from "@windback/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import type { RateLimitRule } from "../config.js";
import { AppError } from "../lib/errors.js";
import { connectRedis, createRedisClient, DEFAULT_REDIS_PREFIX } from "../redis/client.js";

function tooManyRequests(retryAfterSeconds: number): AppError {
  return new AppError(
    429,
    ERROR_CODES.RATE_LIMITED,
    `Too many requests; retry in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`,
  );
}

declare module "fastify" {
  interface FastifyInstance {
    /** The Redis client the rate limits count in (`REDIS_URL`), or null: counted in process. */
    rateLimitRedis: Redis | null;
  }
}

/**
 * The general per-IP limit for every route (§2.8); routes opt out with `config.rateLimit: false`.
 * With `REDIS_URL` every budget (this one and those of createKeyedLimiter) is counted in Redis,
 * so several instances share one budget (docs/design.md §13); without it, in this process.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const { general } = app.config.rateLimits;
    let redis: Redis | null = null;
    if (app.config.redisUrl) {
      redis = createRedisClient(app.config.redisUrl, app.log);
      if (!(await connectRedis(redis))) {
        // Start anyway: the Redis-down policies apply until ioredis reconnects.
        app.log.warn("redis unreachable at start; rate limits apply their Redis-down policy");
      }
      const client = redis;
      app.addHook("onClose", async () => {
        await client.quit().catch(() => client.disconnect());
      });
    }
    app.decorate("rateLimitRedis", redis);
    await app.register(rateLimit, {
      global: true,
      max: general.max,
      timeWindow: general.windowMs,
      // The per-IP limit fails open while Redis is down: refusing every request would turn a
      // Redis outage into an API outage (the client logs the outage once).
      skipOnError: true,
      ...(redis
        ? { redis, nameSpace: `${app.config.redisPrefix ?? DEFAULT_REDIS_PREFIX}rl:` }
        : {}),
      errorResponseBuilder: (_request, context) => tooManyRequests(Math.ceil(context.ttl / 1000)),
    });
  },
  { name: "windback-rate-limit" },
);

/**
 * What a budget does when its counter store (Redis) cannot answer: `closed` refuses with 503
 * (the auth limit: password guessing must never go unlimited), `open` lets the request through
 * and logs it (the cancel flow: a customer must always be able to leave).
 */
export type StoreDownPolicy = "open" | "closed";

/**
 * A second, independent budget (the plugin runs one limiter per request, so extra dimensions use
 * `createRateLimit()`): one store shared by every route the returned hook is attached to. `name`
 * keeps budgets apart in a shared store (Redis keys are `<prefix>rl:…<name>:<key>`).
 */
export function createKeyedLimiter(
  app: FastifyInstance,
  name: string,
  rule: RateLimitRule,
  keyOf: (request: FastifyRequest) => string,
  /**
   * `quiet`: a ceiling behind another budget; its X-RateLimit-* headers only appear when it is the
   * one that refuses, so callers keep seeing the budget that concerns them.
   */
  options: { quiet?: boolean; whenStoreDown?: StoreDownPolicy } = {},
): preHandlerHookHandler {
  const check = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (request) => `${name}:${keyOf(request)}`,
    skipOnError: false,
  });
  const whenStoreDown = options.whenStoreDown ?? "open";
  return async function keyedRateLimit(request: FastifyRequest, reply: FastifyReply) {
    let result: Awaited<ReturnType<typeof check>>;
    try {
      result = await check(request);
    } catch (error) {
      if (whenStoreDown === "closed") {
        request.log.warn(
          { err: error, budget: name },
          "rate-limit store down: refusing (fail closed)",
        );
        throw new AppError(
          503,
          ERROR_CODES.SERVICE_UNAVAILABLE,
          "The service is temporarily unable to check its rate limit; retry shortly",
          { "retry-after": "1" },
        );
      }
      request.log.warn(
        { err: error, budget: name },
        "rate-limit store down: not limiting (fail open)",
      );
      return;
    }
    if (result.isAllowed || (options.quiet && !result.isExceeded)) return;
    reply.header("x-ratelimit-limit", result.max);
    reply.header("x-ratelimit-remaining", result.remaining);
    reply.header("x-ratelimit-reset", result.ttlInSeconds);
    if (result.isExceeded) {
      reply.header("retry-after", result.ttlInSeconds);
      throw tooManyRequests(result.ttlInSeconds);
    }
  };
}
