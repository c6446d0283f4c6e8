import { request as httpRequest } from "node:http";
import { type LoadRequest, runLoad } from "./load.js";

export interface FloodResult {
  /** Writes acknowledged (2xx) per second during the flood. */
  write_rps: number;
  health_samples: number;
  health_p50_ms: number;
  health_p99_ms: number;
  health_max_ms: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest(url, (res) => {
      res.resume();
      res.on("end", () => resolve(performance.now() - t0));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("health probe timed out")));
    req.end();
  });
}

/**
 * How responsive the event loop stays while writes flood in: `GET /health` is probed one at a time
 * (a fresh connection each, as a load balancer does) every 10 ms while autocannon sends `write`.
 */
export async function healthUnderWriteFlood(options: {
  url: string;
  write: LoadRequest;
  connections: number;
  durationSeconds: number;
}): Promise<FloodResult> {
  const latencies: number[] = [];
  let flooding = true;
  const prober = (async () => {
    // Let the flood reach its pace first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    while (flooding) {
      latencies.push(await probe(`${options.url}/health`));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const load = await runLoad({
    url: options.url,
    requests: [options.write],
    connections: options.connections,
    durationSeconds: options.durationSeconds,
  });
  flooding = false;
  await prober;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    write_rps: load.okRps,
    health_samples: sorted.length,
    health_p50_ms: round(at(0.5)),
    health_p99_ms: round(at(0.99)),
    health_max_ms: round(sorted.at(-1) ?? 0),
  };
}
