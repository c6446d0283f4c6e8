import pino from "pino";
import { buildServer } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  // Log lines go out asynchronously: while one write is in flight the next lines gather and
  // leave together, instead of one blocking write(2) per request on the event loop. Pino flushes
  // what is left when the process exits; a kill -9 can lose the last lines, never a request.
  const logStream = pino.destination({ dest: 1, sync: false });
  const app = await buildServer({ config, logStream });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    // In-flight requests finish; new ones get 503; then the database closes (onClose hook).
    const timer = setTimeout(() => {
      app.log.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
