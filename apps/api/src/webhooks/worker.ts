import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import { type Clock, toIso } from "../lib/clock.js";
import type { LeasedDelivery, WebhooksRepository } from "../storage/types.js";
import { createSender, type Sender } from "./deliver.js";
import { signatureHeaders } from "./signing.js";

/** An endpoint whose every delivery failed for this long is disabled (docs/design.md §9). */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 60 * 60 * 1000;
/** ±20 % around each scheduled delay, so retries of many messages do not arrive in step. */
const JITTER = 0.2;

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` failed, or null when
 * `attempt` was the last (`schedule[n]` is the delay before attempt n + 1). A Retry-After is
 * honoured up to the next delay of the schedule: the wait is at least the planned one, and at
 * most the delay that follows it.
 */
export function nextDelayMs(
  schedule: readonly number[],
  attempt: number,
  random: () => number,
  retryAfterMs: number | null,
): number | null {
  const planned = schedule[attempt];
  if (planned === undefined) return null;
  const jittered = Math.round(planned * (1 - JITTER + 2 * JITTER * random()));
  if (retryAfterMs === null) return jittered;
  const cap = schedule[attempt + 1] ?? planned;
  return Math.max(jittered, Math.min(retryAfterMs, cap));
}

export interface WebhookWorkerOptions {
  repos: { webhooks: WebhooksRepository };
  clock: Clock;
  log: FastifyBaseLogger;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Attempts in flight at once. */
  concurrency?: number;
  /** The longest sleep between looks at the outbox (a nudge wakes the worker sooner). */
  pollMs?: number;
  /** How long stop() waits for attempts in flight before cutting them short. */
  shutdownGraceMs?: number;
  random?: () => number;
}

export interface WebhookWorker {
  start(): void;
  /** Something was queued: look now rather than at the next poll. */
  nudge(): void;
  /**
   * Stops taking work and waits for attempts in flight, at most `shutdownGraceMs`; the ones
   * still running then are cut short and given back (due now), so a restart makes them again.
   */
  stop(): Promise<void>;
}

/**
 * Delivers the outbox in the API process, at least once, off the request path: a request only
 * writes the message (in its transaction) and nudges; attempts run here, leased in the store so
 * a crash loses nothing (the lease runs out and the attempt is made again).
 */
export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { repos, clock, log } = options;
  const concurrency = options.concurrency ?? 8;
  const pollMs = options.pollMs ?? 1_000;
  const graceMs = options.shutdownGraceMs ?? 5_000;
  const random = options.random ?? Math.random;
  // A lease outlasts the attempt's time limit, so only a crashed attempt is taken again.
  const leaseMs = options.timeoutMs + 5_000;
  // The schedule's first delay comes before the first attempt too.
  const firstDelayMs = options.retryScheduleMs[0] ?? 0;
  const sender: Sender = createSender({
    timeoutMs: options.timeoutMs,
    allowPrivate: options.allowPrivateTargets,
  });
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let ticking = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let currentTick: Promise<void> = Promise.resolve();

  function schedule(delayMs: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        currentTick = tick();
      },
      Math.max(0, Math.min(delayMs, pollMs)),
    );
    timer.unref();
  }

  async function tick(): Promise<void> {
    if (!running) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      do {
        again = false;
        const room = concurrency - inFlight.size;
        if (room <= 0) break;
        const now = clock.now();
        const leased = await repos.webhooks.leaseDue(
          toIso(now),
          toIso(now + leaseMs),
          room,
          firstDelayMs,
        );
        if (!running) {
          // Stopped while leasing: give them back rather than start what stop() will not wait for.
          for (const delivery of leased)
            await repos.webhooks.release(delivery.attempt.id, toIso(now));
          return;
        }
        for (const delivery of leased) track(attempt(delivery));
        if (leased.length === room) again = true;
      } while (again && running);
      const next = await repos.webhooks.nextDueAt(firstDelayMs);
      schedule(next === null ? pollMs : Date.parse(next) - clock.now());
    } catch (error) {
      log.error({ err: error }, "webhook worker: could not read the outbox");
      schedule(pollMs);
    } finally {
      ticking = false;
    }
  }

  function track(work: Promise<void>) {
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      // A slot is free: there may be more due.
      if (running) currentTick = tick();
    });
  }

  async function attempt({ attempt, message, endpoint }: LeasedDelivery): Promise<void> {
    const startedAt = clock.now();
    const secrets = [endpoint.secret];
    if (
      endpoint.previousSecret !== null &&
      endpoint.previousSecretExpiresAt !== null &&
      Date.parse(endpoint.previousSecretExpiresAt) > startedAt
    ) {
      secrets.push(endpoint.previousSecret);
    }
    const headers = signatureHeaders(
      secrets,
      message.id,
      Math.floor(startedAt / 1000),
      message.body,
    );
    try {
      const result = await sender.send(endpoint.url, headers, message.body, abort.signal);
      if (result.aborted) {
        await repos.webhooks.release(attempt.id, toIso(clock.now()));
        return;
      }
      const now = clock.now();
      let disable: string | null = null;
      if (result.status === 410) {
        disable = "The endpoint answered 410 Gone";
      } else if (!result.ok) {
        const failingSince = endpoint.failingSince ? Date.parse(endpoint.failingSince) : now;
        if (now - failingSince >= DISABLE_AFTER_FAILING_MS) {
          disable = "Every delivery failed for 5 days";
        }
      }
      const delay =
        result.ok || disable !== null
          ? null
          : nextDelayMs(options.retryScheduleMs, attempt.attempt, random, result.retryAfterMs);
      await repos.webhooks.recordOutcome(
        attempt.id,
        {
          succeeded: result.ok,
          responseStatus: result.status,
          responseBody: result.body,
          error: result.error ?? (result.ok ? null : `HTTP ${result.status}`),
          durationMs: result.durationMs,
          retry: delay === null ? null : { id: randomUUID(), at: toIso(now + delay) },
          disableEndpoint: disable,
        },
        toIso(now),
      );
      if (!result.ok) {
        log.warn(
          {
            endpointId: endpoint.id,
            messageId: message.id,
            attempt: attempt.attempt,
            status: result.status,
            error: result.error,
            disabled: disable !== null,
          },
          "webhook delivery failed",
        );
      }
    } catch (error) {
      log.error(
        { err: error, messageId: message.id },
        "webhook worker: could not record an attempt",
      );
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    nudge() {
      if (running) currentTick = tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await currentTick.catch(() => undefined);
      if (inFlight.size > 0) {
        let graceTimer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, graceMs);
        });
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        clearTimeout(graceTimer);
        abort.abort();
        await Promise.allSettled([...inFlight]);
      }
      sender.close();
    },
  };
}
