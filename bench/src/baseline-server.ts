/**
 * The benchmark's yardstick: a bare Fastify server answering `{"ok":true}`. Same framework, same
 * Node, same machine, no logging, no plugins, so the ratio shows what Windback's work costs.
 */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/", async () => ({ ok: true }));

const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: "127.0.0.1" });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
