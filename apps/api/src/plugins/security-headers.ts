import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Headers for the JSON API (`/api/v1`, registered in its scope): the set OWASP's REST Security
 * Cheat Sheet gives for APIs, the same on every response, so one precomputed object is set per
 * request. Responses carry keys, tokens and customer data, so no cache may keep them
 * (`no-store`, unless a route sets its own), no browser may sniff them into something else, frame
 * them or run anything in them, and no Referer leaks from them; HSTS when the API is served over
 * https. The document-only headers of a web page's set (COOP, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control, X-XSS-Protection, …) mean nothing on JSON and are not sent. The widget's
 * assets, `/embed` and the dashboard keep their own headers (they are pages and scripts).
 */
function apiHeaders(https: boolean): Readonly<Record<string, string>> {
  return {
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    // The cancel-flow routes are read from merchants' pages (under CORS).
    "cross-origin-resource-policy": "cross-origin",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    // No Adobe client (Flash, Acrobat) may load cross-domain policy files from this host.
    "x-permitted-cross-domain-policies": "none",
    ...(https && { "strict-transport-security": "max-age=31536000; includeSubDomains" }),
  };
}

export const apiSecurityHeaders = fp<{ https: boolean }>(
  async (app: FastifyInstance, { https }) => {
    const headers = apiHeaders(https);
    app.addHook("onRequest", (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: "windback-api-security-headers" },
);
