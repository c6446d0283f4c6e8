import rateLimit from "@fastify/rate-limit";
import { ERROR_CODES } from "@windback/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import fp from "fastify-plugin";
import type { RateLimitRule } from "../config.js";
import { AppError } from "../lib/errors.js";

function tooManyRequests(retryAfterSeconds: number): AppError {
  return new AppError(
    429,
    ERROR_CODES.RATE_LIMITED,
    `Too many requests; retry in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`,
  );
}

/** The general per-IP limit for every route (§2.8); routes opt out with `config.rateLimit: false`. */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const { general } = app.config.rateLimits;
    await app.register(rateLimit, {
      global: true,
      max: general.max,
      timeWindow: general.windowMs,
      errorResponseBuilder: (_request, context) => tooManyRequests(Math.ceil(context.ttl / 1000)),
    });
  },
  { name: "windback-rate-limit" },
);

/**
 * A second, independent budget (the plugin runs one limiter per request, so extra dimensions use
 * `createRateLimit()`): one store shared by every route the returned hook is attached to.
 */
export function createKeyedLimiter(
  app: FastifyInstance,
  rule: RateLimitRule,
  keyOf: (request: FastifyRequest) => string,
  /**
   * `quiet`: a ceiling behind another budget; its X-RateLimit-* headers only appear when it is the
   * one that refuses, so callers keep seeing the budget that concerns them.
   */
  options: { quiet?: boolean } = {},
): preHandlerHookHandler {
  const check = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: keyOf,
  });
  return async function keyedRateLimit(request: FastifyRequest, reply: FastifyReply) {
    const result = await check(request);
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
