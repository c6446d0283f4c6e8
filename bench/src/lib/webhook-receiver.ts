import { createHmac } from "node:crypto";
import Fastify from "fastify";

/** One request a receiver got: its Standard Webhooks headers, body and arrival time. */
export interface Receipt {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  receivedAt: number;
}

/**
 * A webhook receiver on 127.0.0.1 (the merchant's side), answering 200 to everything and keeping
 * every request, for the kill -9 test and the latency measurement.
 */
export async function startWebhookReceiver() {
  const receipts: Receipt[] = [];
  const app = Fastify({ keepAliveTimeout: 30_000 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.post("/hooks", async (request) => {
    const header = (name: string) => String(request.headers[name] ?? "");
    receipts.push({
      id: header("webhook-id"),
      timestamp: header("webhook-timestamp"),
      signature: header("webhook-signature"),
      body: request.body as string,
      receivedAt: Date.now(),
    });
    return "ok";
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    receipts,
    /** Resolves when at least `count` requests arrived; rejects after `timeoutMs`. */
    async waitFor(count: number, timeoutMs: number): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (receipts.length < count) {
        if (Date.now() > end) throw new Error(`${receipts.length} of ${count} webhooks arrived`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => app.close(),
  };
}

/** Whether a receipt carries a valid Standard Webhooks signature made with `secret`. */
export function signatureValid(receipt: Receipt, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${receipt.id}.${receipt.timestamp}.${receipt.body}`)
    .digest("base64");
  return receipt.signature.split(" ").includes(`v1,${expected}`);
}
