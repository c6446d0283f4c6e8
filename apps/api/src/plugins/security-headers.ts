import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import Fastify, { type FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * The headers helmet sets with `options`, read once from a throwaway instance: every one of them
 * is the same on every response, so the request path sets them in one step instead of running
 * helmet's dozen middlewares per request.
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean) => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, options);
    probe.get("/", async () => ({}));
    const res = await probe.inject({ url: "/" });
    await probe.close();
    return res.headers;
  };
  const bare = await answer(false);
  const hardened = await answer(true);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hardened)) {
    if (!(name in bare) && typeof value === "string") headers[name] = value;
  }
  return headers;
}

/**
 * Headers for the JSON API (`/api/v1`, registered in its scope): responses carry keys, tokens and
 * customer data, so no cache may keep them (`Cache-Control: no-store`, unless a route sets its
 * own) and no browser may sniff them into something else (`nosniff`); helmet's usual hardening,
 * HSTS when the API is served over https. The widget's assets and `/embed` keep their own headers
 * (they must load on, and be framed by, merchants' pages).
 */
export const apiSecurityHeaders = fp<{ https: boolean }>(
  async (app: FastifyInstance, { https }) => {
    const headers = {
      ...(await helmetHeaders({
        // JSON has nothing to run; the cancel-flow routes are read cross-origin under CORS.
        contentSecurityPolicy: {
          directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        },
        crossOriginResourcePolicy: { policy: "cross-origin" },
        hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      })),
      "cache-control": "no-store",
    };
    app.addHook("onRequest", (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: "windback-api-security-headers" },
);
