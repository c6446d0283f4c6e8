import type { ChildProcess } from "node:child_process";

/** Resolves once `${url}/health` answers; fails fast if the API process exits first. */
export async function waitForHealth(url: string, api: ChildProcess, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`The API exited with code ${api.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`The API did not answer ${url}/health within ${timeoutMs / 1000} s`);
}
