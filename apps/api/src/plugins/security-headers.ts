import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Headers for the JSON API (`/api/v1`, registered in its scope): responses carry keys, tokens and
 * customer data, so no cache may keep them (`Cache-Control: no-store`) and no browser may sniff
 * them into something else (`nosniff`); helmet adds the usual hardening, HSTS when the API is
 * served over https. The widget's assets and `/embed` keep their own headers (they must load on,
 * and be framed by, merchants' pages).
 */
export const apiSecurityHeaders = fp<{ https: boolean }>(
  async (app: FastifyInstance, { https }) => {
    await app.register(helmet, {
      // JSON has nothing to run; the cancel-flow routes are read cross-origin under CORS.
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: "cross-origin" },
      hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    });
    app.addHook("onSend", async (_request, reply) => {
      if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    });
  },
  { name: "windback-api-security-headers" },
);
