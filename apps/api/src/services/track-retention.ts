import type { FastifyBaseLogger } from "fastify";
import { type Clock, toIso } from "../lib/clock.js";
import type { TrackEventsRepository } from "../storage/types.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrackRetentionOptions {
  trackEvents: TrackEventsRepository;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Events stored longer ago than this are deleted (`TRACK_RETENTION_DAYS`). */
  retentionDays: number;
  /** Rows per delete: small, so a write never holds the database for long. */
  batchSize?: number;
  /** Batches per run; the rest waits for the next run. */
  maxBatchesPerRun?: number;
}

/**
 * Deletes tracked events past their retention in the background, in small batches with a yield
 * to the event loop between them, so requests keep flowing while it works.
 */
export function createTrackRetention(options: TrackRetentionOptions) {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatchesPerRun ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function prune(): Promise<number> {
    const cutoff = toIso(options.clock.now() - options.retentionDays * DAY_MS);
    let deleted = 0;
    for (let batch = 0; batch < maxBatches && !stopped; batch++) {
      const n = await options.trackEvents.pruneStoredBefore(cutoff, batchSize);
      deleted += n;
      if (n < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (deleted > 0) options.log.info({ deleted, cutoff }, "pruned tracked events past retention");
    return deleted;
  }

  /** One pass; concurrent calls share the pass in progress. */
  function runOnce(): Promise<number> {
    running ??= prune()
      .catch((error: unknown) => {
        options.log.warn({ err: error }, "pruning tracked events failed; will retry");
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    runOnce,
    /** Runs soon after start, then every `intervalMs`; the timer never keeps the process alive. */
    start(intervalMs = 10 * 60_000, firstRunMs = 5_000) {
      stopped = false;
      const schedule = (delay: number) => {
        timer = setTimeout(() => {
          void runOnce().then(() => {
            if (!stopped) schedule(intervalMs);
          });
        }, delay);
        timer.unref();
      };
      schedule(firstRunMs);
    },
    /** Stops scheduling and waits for a pass in progress to finish its current batch. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
