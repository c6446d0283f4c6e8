import type { FastifyInstance } from "fastify";

/**
 * One log line per request, at `info`, when it is answered (Fastify's own logging writes two: one
 * on arrival, one on completion). The arrival line is kept at `debug`, for following a request
 * that never completes. Callback hooks: they run on every request.
 */
export function addRequestLogging(app: FastifyInstance): void {
  app.addHook("onRequest", (request, _reply, done) => {
    request.log.debug({ req: request }, "incoming request");
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    request.log.info(
      { req: request, res: reply, responseTime: reply.elapsedTime },
      "request completed",
    );
    done();
  });
}
