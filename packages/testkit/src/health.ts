import type { ChildProcess } from "node:child_process";

export interface WaitForHealthOptions {
  /** The path that answers 2xx once the server is up; `/health` by default. */
  path?: string;
  /** What the messages call the server ("The API" by default). */
  name?: string;
}

/**
 * Resolves once `${url}${path}` answers 2xx. Fails fast when `child` exits first, and after
 * `timeoutMs` otherwise, with the last error seen.
 */
export async function waitForHealth(
  url: string,
  child?: ChildProcess,
  timeoutMs = 20_000,
  options: WaitForHealthOptions = {},
): Promise<void> {
  const { path = "/health", name = "The API" } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (child?.pid === undefined && child) throw new Error(`${name} could not be started`);
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} before it was up`);
    }
    try {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      // Not listening yet.
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `${name} did not answer ${url}${path} within ${timeoutMs / 1000} s (last: ${lastError})`,
  );
}
