/** The current time in milliseconds. Injected so tests can move time (key rotation, JWT expiry). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

let lastMs = Number.NaN;
let lastIso = "";

/** RFC 3339 UTC with milliseconds. A request asks several times for the same instant: kept. */
export function toIso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
