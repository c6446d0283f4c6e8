/**
 * Outbound webhook delivery, measured on loopback against the built API (docs/webhooks.md):
 * latency from the commit of a change (the body's `timestamp`, taken in the change's
 * transaction) to its receipt, one change at a time, then worker throughput with many changes
 * written at once. `pnpm --filter @windback/bench run webhooks` (WEBHOOK_BENCH_N, _BURST).
 */
import { createTenant } from "./lib/api-setup.js";
import { startBenchApi } from "./lib/processes.js";
import { startWebhookReceiver } from "./lib/webhook-receiver.js";

const SEQUENTIAL = Number(process.env.WEBHOOK_BENCH_N ?? 300);
const BURST = Number(process.env.WEBHOOK_BENCH_BURST ?? 2000);
const WRITERS = 16;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main() {
  const receiver = await startWebhookReceiver();
  const api = await startBenchApi({
    nodeEnv: "development",
    env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" },
  });
  try {
    const tenant = await createTenant(api.url, "webhook-bench", []);
    const created = await fetch(`${api.url}/api/v1/projects/default/webhook-endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tenant.token}` },
      body: JSON.stringify({ url: receiver.url, event_types: ["churn_event.created"] }),
    });
    if (created.status !== 201) throw new Error(`create endpoint: ${created.status}`);
    let n = 0;
    const change = async () => {
      n += 1;
      const res = await fetch(`${api.url}/api/v1/projects/default/churn-events`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": tenant.sk },
        body: JSON.stringify({ customer_email: `c${n}@bench.example`, mrr: 1000 }),
      });
      if (res.status !== 201) throw new Error(`create churn event: ${res.status}`);
      await res.arrayBuffer();
    };

    // 1. Latency: one change at a time, each awaited at the receiver before the next.
    for (let i = 0; i < SEQUENTIAL; i++) {
      await change();
      await receiver.waitFor(i + 1, 10_000);
    }
    const latencies = receiver.receipts
      .map(
        (r) => r.receivedAt - Date.parse((JSON.parse(r.body) as { timestamp: string }).timestamp),
      )
      .sort((a, b) => a - b);

    // 2. Throughput: BURST changes from WRITERS concurrent clients; deliveries per second from
    // the first write to the last receipt.
    const before = receiver.receipts.length;
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < BURST) {
          next += 1;
          await change();
        }
      }),
    );
    const written = Date.now();
    await receiver.waitFor(before + BURST, 120_000);
    const finished = Date.now();
    const ids = new Set(receiver.receipts.map((r) => r.id));

    console.log(`webhook delivery on loopback (built API, NODE_ENV=development, SQLite)`);
    console.log(
      `latency commit → receipt, ${SEQUENTIAL} sequential changes: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`,
    );
    console.log(
      `throughput: ${BURST} changes by ${WRITERS} writers in ${written - started} ms (${Math.round((BURST * 1000) / (written - started))} writes/s); all delivered after ${finished - started} ms: ${Math.round((BURST * 1000) / (finished - started))} deliveries/s`,
    );
    console.log(`distinct webhook-ids: ${ids.size} of ${receiver.receipts.length} requests`);
  } finally {
    await api.stop();
    await receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
