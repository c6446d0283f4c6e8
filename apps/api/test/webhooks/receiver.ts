import Fastify from "fastify";

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A real webhook receiver on 127.0.0.1: keeps every request's raw body and headers and answers
 * with what `respond` says (200 by default).
 */
export async function startReceiver() {
  const received: Received[] = [];
  let respond: (
    request: Received,
    count: number,
  ) => { status: number; headers?: Record<string, string>; body?: string } = () => ({
    status: 200,
    body: "ok",
  });
  const waiters: { count: number; resolve: () => void }[] = [];
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.post("/*", async (request, reply) => {
    const entry: Received = {
      headers: request.headers as Record<string, string>,
      body: request.body as string,
      at: Date.now(),
    };
    received.push(entry);
    for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    const answer = respond(entry, received.length);
    return reply
      .status(answer.status)
      .headers(answer.headers ?? {})
      .send(answer.body ?? "");
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    port: address.port,
    received,
    answer(fn: typeof respond) {
      respond = fn;
    },
    /** Resolves once `count` requests have arrived (fails the test after `timeoutMs`). */
    waitFor(count: number, timeoutMs = 5_000): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} deliveries, got ${received.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () => app.close(),
  };
}
