/**
 * Serves the merchant dashboard (apps/dashboard, a built single-page app) at `/dashboard/` from
 * the API's own origin, so it needs no CORS and its session cookie never crosses origins
 * (docs/design.md §8): hashed assets are immutable, `index.html` is never cached, and every other
 * `/dashboard/*` path is the app (deep links survive a reload). `GET /` goes to the dashboard.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

export interface DashboardRoutesOptions {
  /** apps/dashboard/dist: index.html and assets/. */
  distDir: string;
  /** packages/widget/dist, whose manifest.json the Install screen reads for the SRI snippet. */
  widgetDistDir: string | null;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const ASSET = /^[A-Za-z0-9._-]{1,200}$/;

/** What the app may load: itself, the widget (same origin, for the Offers preview) and its API. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export async function dashboardRoutes(app: FastifyInstance, opts: DashboardRoutesOptions) {
  const indexFile = join(opts.distDir, "index.html");
  const built = existsSync(indexFile);
  if (!built) {
    app.log.warn(
      { distDir: opts.distDir },
      "dashboard not built: run `pnpm --filter @windback/dashboard build`",
    );
  }
  // Read once: the app shell is a few hundred bytes and never changes while the server runs.
  const index = built ? readFileSync(indexFile) : null;
  await app.register(fastifyStatic, { root: opts.distDir, serve: false });

  const config = { auth: "none" as const };
  const unavailable = (reply: FastifyReply) =>
    reply.code(503).send({
      error: "The dashboard is not built on this server: run pnpm build",
      code: "SERVICE_UNAVAILABLE",
    });

  app.get("/", { config }, async (_request, reply) => reply.redirect("/dashboard/", 302));

  app.get<{ Params: { file: string } }>(
    "/dashboard/assets/:file",
    {
      config,
      schema: {
        params: {
          type: "object",
          properties: { file: { type: "string", maxLength: 200 } },
          required: ["file"],
        },
      },
    },
    async (request, reply) => {
      if (!built) return unavailable(reply);
      if (!ASSET.test(request.params.file)) {
        return reply.code(404).send({ error: "Not found", code: "NOT_FOUND" });
      }
      return reply
        .header("cache-control", IMMUTABLE)
        .header("x-content-type-options", "nosniff")
        .sendFile(join("assets", request.params.file), { cacheControl: false });
    },
  );

  app.get("/dashboard/widget-manifest.json", { config }, async (_request, reply) => {
    const file = opts.widgetDistDir ? join(opts.widgetDistDir, "manifest.json") : null;
    if (!file || !existsSync(file)) return unavailable(reply);
    return reply
      .header("content-type", "application/json; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(readFileSync(file));
  });

  const shell = async (_request: unknown, reply: FastifyReply) => {
    if (!index) return unavailable(reply);
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("content-security-policy", CSP)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "same-origin")
      .send(index);
  };
  app.get("/dashboard", { config }, async (_request, reply) => reply.redirect("/dashboard/", 301));
  app.get("/dashboard/", { config }, shell);
  app.get("/dashboard/*", { config }, shell);
}
