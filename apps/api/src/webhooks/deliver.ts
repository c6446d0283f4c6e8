import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { guardedLookup, literalAddress, refusalOf } from "./ssrf.js";

/** At most this much of a response is kept for the delivery log. */
const MAX_KEPT_RESPONSE_BYTES = 64 * 1024;

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
const USER_AGENT = `Windback-Webhooks/${VERSION}`;

interface AttemptResult {
  /** A 2xx answer. */
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
  /** The answer's Retry-After, in ms, when it had a valid one. */
  retryAfterMs: number | null;
  durationMs: number;
  /** Cut short by the worker stopping: nothing is known about the attempt. */
  aborted: boolean;
}

/** `Retry-After: 120` or an HTTP date → ms from `now`; anything else → null. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface Sender {
  send(
    target: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
  ): Promise<AttemptResult>;
  /** Closes kept-alive connections. */
  close(): void;
}

/**
 * One HTTP POST per attempt: redirects are not followed (a 3xx is a failed attempt), the
 * address is checked when connecting (ssrf.ts), the whole attempt has `timeoutMs`, and at most
 * 64 KB of the answer is read.
 */
export function createSender(options: { timeoutMs: number; allowPrivate: boolean }): Sender {
  // Agents of this sender only: a kept-alive socket was checked when it was connected.
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: 16 }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };
  const lookup = guardedLookup(options.allowPrivate);

  return {
    send(target, headers, body, signal) {
      const started = performance.now();
      const result = (partial: Partial<AttemptResult>): AttemptResult => ({
        ok: false,
        status: null,
        body: null,
        error: null,
        retryAfterMs: null,
        aborted: false,
        durationMs: Math.round(performance.now() - started),
        ...partial,
      });
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return Promise.resolve(result({ error: "the endpoint URL is not valid" }));
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return Promise.resolve(result({ error: `${url.protocol} URLs are not sent to` }));
      }
      // An IP literal is connected to without a lookup: it is checked here instead.
      const literal = literalAddress(url);
      const refusal = literal === null ? null : refusalOf(literal, options.allowPrivate);
      if (refusal) return Promise.resolve(result({ error: refusal }));

      return new Promise((resolve) => {
        let settled = false;
        const finish = (value: AttemptResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        };
        const client = url.protocol === "https:" ? https : http;
        const request = client.request(url, {
          method: "POST",
          agent: agents[url.protocol as "http:" | "https:"],
          lookup,
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            "user-agent": USER_AGENT,
          },
        });
        const timer = setTimeout(() => {
          request.destroy();
          finish(result({ error: `no answer within ${options.timeoutMs} ms` }));
        }, options.timeoutMs);
        const onAbort = () => {
          request.destroy();
          finish(result({ error: "the worker stopped during the attempt", aborted: true }));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort);

        request.on("error", (error) => finish(result({ error: error.message })));
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          const done = () => {
            const status = response.statusCode ?? 0;
            const retryAfter = parseRetryAfter(
              response.headers["retry-after"] as string | undefined,
              Date.now(),
            );
            finish(
              result({
                ok: status >= 200 && status < 300,
                status,
                body: Buffer.concat(chunks).toString("utf8"),
                retryAfterMs: retryAfter,
                error:
                  status >= 300 && status < 400
                    ? `redirect to ${response.headers.location ?? "(none)"} not followed`
                    : null,
              }),
            );
          };
          response.on("data", (chunk: Buffer) => {
            const room = MAX_KEPT_RESPONSE_BYTES - kept;
            if (room > 0) {
              chunks.push(chunk.subarray(0, room));
              kept += Math.min(room, chunk.length);
            }
            // Enough is kept: the rest is not read (an endless answer ends here).
            if (kept >= MAX_KEPT_RESPONSE_BYTES) {
              done();
              response.destroy();
            }
          });
          response.on("end", done);
          response.on("error", (error) => finish(result({ error: error.message })));
        });
        request.end(body);
      });
    },
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}
