import autocannon from "autocannon";

export interface LoadRequest {
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** A fixed body, or a function called before every request (unique customers). */
  body?: string | (() => string);
}

export interface LoadOptions {
  url: string;
  requests: LoadRequest[];
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections; omit for "as fast as the server answers". */
  overallRate?: number;
  /** Called for every response: status and latency (ms), for windowed statistics. */
  onResponse?: (statusCode: number, latencyMs: number) => void;
}

export interface LoadResult {
  /** Every response per second, whatever its status. */
  rps: number;
  /** 2xx responses per second: the throughput that counts (an error answered fast is no work done). */
  okRps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Non-2xx responses plus socket errors and timeouts. */
  errors: number;
  non2xx: number;
  socketErrors: number;
  statusCodes: Record<string, number>;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One autocannon run from this process; the cycle of `requests` repeats on every connection. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const requests = options.requests.map((r) => {
    const body = r.body;
    return {
      method: r.method ?? "GET",
      path: r.path,
      headers: {
        ...(body !== undefined && { "content-type": "application/json" }),
        ...r.headers,
      },
      ...(typeof body === "string" && { body }),
      ...(typeof body === "function" && {
        setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }),
      }),
    };
  });
  return new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        requests,
        timeout: 10,
        ...(options.overallRate !== undefined && { overallRate: options.overallRate }),
      },
      (error, result) => {
        if (error) return reject(error);
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = stat.count ?? 0;
        }
        const seconds = result.duration || options.durationSeconds;
        const total = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
        resolveRun({
          rps: round(total / seconds, 1),
          okRps: round(result["2xx"] / seconds, 1),
          p50_ms: round(result.latency.p50),
          p99_ms: round(result.latency.p99),
          requests: total,
          errors: result.non2xx + result.errors,
          non2xx: result.non2xx,
          socketErrors: result.errors,
          statusCodes,
        });
      },
    );
    const onResponse = options.onResponse;
    if (onResponse) {
      instance.on("response", (_client, statusCode, _bytes, responseTime) =>
        onResponse(statusCode, responseTime),
      );
    }
  });
}
