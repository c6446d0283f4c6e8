import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { ERROR_CODES } from "@windback/protocol";
import { SHARED_SCHEMAS } from "@windback/protocol/schemas";
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import fp from "fastify-plugin";
import { createClientHasher } from "./auth/client.js";
import { createJwtService } from "./auth/jwt.js";
import { createPasswordHasher } from "./auth/passwords.js";
import { findUsableKey } from "./auth/principal.js";
import type { AppConfig } from "./config.js";
import { type Clock, systemClock } from "./lib/clock.js";
import { badRequest } from "./lib/errors.js";
import { forbiddenKeyPath } from "./lib/forbidden-keys.js";
import { loggerOptions } from "./logger.js";
import { errorsPlugin } from "./plugins/errors.js";
import { rateLimitPlugin } from "./plugins/rate-limits.js";
import { addRequestLogging } from "./plugins/request-log.js";
import { createRoutePolicy } from "./plugins/route-policy.js";
import { apiSecurityHeaders } from "./plugins/security-headers.js";
import { createValidatorCompiler } from "./plugins/validation.js";
import { DEFAULT_REDIS_PREFIX } from "./redis/client.js";
import { authRoutes } from "./routes/auth/index.js";
import { stripeWebhookRoutes } from "./routes/billing-webhooks/stripe.js";
import { cancelFlowRoutes } from "./routes/cancel-flow/index.js";
import { churnEventsRoutes } from "./routes/churn-events/index.js";
import { dashboardRoutes } from "./routes/dashboard/index.js";
import { healthRoutes } from "./routes/health.js";
import { stripeIntegrationRoutes } from "./routes/integrations/stripe.js";
import { projectRoutes } from "./routes/projects/index.js";
import { retentionOffersRoutes } from "./routes/retention-offers/index.js";
import { statsRoutes } from "./routes/stats/index.js";
import { trackRoutes } from "./routes/track/index.js";
import { webhookEndpointsRoutes } from "./routes/webhook-endpoints/index.js";
import { widgetRoutes } from "./routes/widget/index.js";
import { createChurnEventsService } from "./services/churn-events.js";
import { createStatsService } from "./services/stats.js";
import { createStripeEventsService } from "./services/stripe-events.js";
import { createTrackRetention } from "./services/track-retention.js";
import { createWebhooksService } from "./services/webhooks.js";
import { type CacheBus, createLocalCacheBus } from "./storage/cache/cache-bus.js";
import { createReadCache } from "./storage/cache/read-cache.js";
import { createRedisCacheBus } from "./storage/cache/redis-cache-bus.js";
import { createStorage } from "./storage/index.js";
import type { Storage } from "./storage/types.js";
import { createWebhookWorker } from "./webhooks/worker.js";

export interface AppOptions {
  config: AppConfig;
  /** Injected by tests to move time; defaults to the system clock. */
  clock?: Clock;
  /** An already open store (tests, tools), left open; otherwise the configured one is opened and closed with the app. */
  storage?: Storage;
  /** Where logs go (tests capture them to prove secrets are redacted); stdout by default. */
  logStream?: { write(line: string): void };
  /**
   * The read caches of the widget's path (storage/cache): the bus that carries invalidations (a
   * process-local one by default; several instances pass one that reaches them all), and the
   * safety-net lifetime of an entry and the `last_used_at` flush interval (tests move them).
   */
  cache?: { bus?: CacheBus; ttlMs?: number; usageFlushMs?: number };
}

const API_PREFIX = "/api/v1";

/**
 * The whole service as one plugin; it never listens. Registration order is the request's path:
 * preflight → per-IP limit → errors/404 → route policy (auth, origin guard, budgets) → OpenAPI →
 * routes (plugins/route-policy.ts tells the whole path).
 */
export const windbackApp = fp(
  async (app: FastifyInstance, opts: AppOptions) => {
    const { config } = opts;
    const clock = opts.clock ?? systemClock;
    const storage = opts.storage ?? (await createStorage(config, app.log));
    // Several instances (REDIS_URL): a revoked key or changed origins reach every instance's cache.
    const redisBus =
      !opts.cache?.bus && config.redisUrl
        ? await createRedisCacheBus(
            config.redisUrl,
            config.redisPrefix ?? DEFAULT_REDIS_PREFIX,
            app.log,
          )
        : null;
    if (redisBus) app.addHook("onClose", () => redisBus.close());
    const cache = createReadCache(storage.repos, {
      bus: opts.cache?.bus ?? redisBus ?? createLocalCacheBus(),
      clock,
      ...(opts.cache?.ttlMs !== undefined && { ttlMs: opts.cache.ttlMs }),
      ...(opts.cache?.usageFlushMs !== undefined && { usageFlushMs: opts.cache.usageFlushMs }),
      onFlushError: (error) => app.log.warn({ err: error }, "last_used_at not recorded; retrying"),
    });
    app.addHook("onReady", async () => cache.start());
    // The collected last_used_at values are written before the store closes.
    app.addHook("onClose", async () => {
      await cache.close();
      if (!opts.storage) await storage.close();
    });
    const repos = cache.repos;

    app.decorate("config", config);
    app.decorate("clock", clock);
    app.decorate("storage", storage);
    app.decorate("repos", repos);
    app.decorate("readCache", cache);
    const trackRetention = createTrackRetention({
      trackEvents: repos.trackEvents,
      clock,
      log: app.log,
      retentionDays: config.trackRetentionDays,
    });
    app.addHook("onReady", async () => trackRetention.start());
    // preClose runs before any onClose hook, so background work stops before the storage closes.
    app.addHook("preClose", () => trackRetention.stop());
    // Outbound webhooks: the outbox is written with each change; this worker delivers it, off
    // the request path, and stops (waiting for attempts in flight, bounded) before the storage.
    const webhookWorker = createWebhookWorker({
      repos,
      clock,
      log: app.log,
      retryScheduleMs: config.webhooks.retryScheduleMs,
      timeoutMs: config.webhooks.timeoutMs,
      allowPrivateTargets: config.webhooks.allowPrivateTargets,
    });
    app.addHook("onReady", async () => webhookWorker.start());
    app.addHook("preClose", () => webhookWorker.stop());
    const churnEvents = createChurnEventsService({
      repos,
      clock,
      hashClient: createClientHasher(config.jwtSecret),
      onListenerError: (error) => app.log.error({ err: error }, "a domain event listener threw"),
    });
    // A committed change may have queued messages: deliver them now, not at the next poll.
    churnEvents.subscribe(() => webhookWorker.nudge());
    app.decorate("services", {
      churnEvents,
      stats: createStatsService({ repos }),
      webhooks: createWebhooksService({
        repos,
        clock,
        rules: {
          allowHttp: config.nodeEnv !== "production",
          allowPrivate: config.webhooks.allowPrivateTargets,
        },
        nudge: () => webhookWorker.nudge(),
      }),
    });
    app.decorate("passwords", createPasswordHasher(config.passwordHashing));
    app.decorate(
      "jwt",
      createJwtService(config.jwtSecret, () => clock.now()),
    );

    // JSON only: a text/plain "simple request" must not slip past a CORS preflight.
    app.removeContentTypeParser(["text/plain"]);
    // Many clients send `Content-Type: application/json` with no body on a bodiless POST
    // (…/recovered); that is "no body", not a JSON syntax error. Poisoning is still refused.
    const parseJson = app.getDefaultJsonParser("error", "error");
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      const text = body.toString();
      if (text.trim() === "") return done(null, undefined);
      return parseJson(request, text, (error, value) => {
        const key = error ? forbiddenKeyPath(text) : null;
        if (key === null) return done(error, value);
        return done(
          badRequest(
            `${key} is refused: keys that can change object prototypes are not accepted`,
            ERROR_CODES.INVALID_JSON,
          ),
        );
      });
    });

    // Before the rate limiter and auth: a preflight carries no credentials and spends no budget.
    const policy = createRoutePolicy();
    // Cookies are parsed first thing: the dashboard's session is one (docs/design.md §8).
    await app.register(cookie);
    await app.register(...policy.preflight);
    await app.register(rateLimitPlugin);
    await app.register(errorsPlugin);
    await app.register(...policy.hooks);
    // The named models the route schemas refer to: one definition each in the OpenAPI document.
    for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
    await app.register(swagger, {
      // Untagged routes are the widget's static files and pages, not JSON API operations.
      hideUntagged: true,
      // Models are listed under components.schemas by their $id (ChurnEvent, Project, …).
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) =>
          typeof json.$id === "string" ? json.$id : `def-${i}`,
      },
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Windback API",
          version: "1.0.0",
          description:
            "Accounts, projects, keys, allowed origins, retention offers and churn events. Reference: docs/api.md.",
          license: { name: "MIT", identifier: "MIT" },
        },
        // A self-hosted API lives wherever its operator puts it: the URL is a variable whose
        // default is this server's PUBLIC_URL.
        servers: [
          {
            url: "{baseUrl}",
            description: "Your Windback server",
            variables: { baseUrl: { default: config.publicUrl } },
          },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT or pub_/sk_ key" },
            apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          },
        },
      },
    });

    await app.register(healthRoutes);
    await app.register(stripeWebhookRoutes, {
      stripeEvents: createStripeEventsService({ repos, churnEvents }),
    });
    if (config.widgetDistDir) {
      await app.register(widgetRoutes, {
        distDir: config.widgetDistDir,
        allowedOriginsForPublicKey: async (rawKey) => {
          const found = await findUsableKey(repos, rawKey, clock.now());
          return found?.key.keyType === "public"
            ? repos.projects.getAllowedOrigins(found.key.projectId)
            : null;
        },
      });
    }
    if (config.dashboardDistDir) {
      await app.register(dashboardRoutes, {
        distDir: config.dashboardDistDir,
        widgetDistDir: config.widgetDistDir,
      });
    }
    await app.register(
      async (api) => {
        await api.register(apiSecurityHeaders, { https: config.publicUrl.startsWith("https:") });
        await api.register(authRoutes);
        await api.register(projectRoutes);
        await api.register(retentionOffersRoutes, {
          path: "/projects/:slug/retention-offers",
          scoped: true,
        });
        await api.register(retentionOffersRoutes, { path: "/retention-offers", scoped: false });
        await api.register(churnEventsRoutes, {
          path: "/projects/:slug/churn-events",
          scoped: true,
        });
        await api.register(churnEventsRoutes, { path: "/churn-events", scoped: false });
        await api.register(statsRoutes, { path: "/projects/:slug/stats", scoped: true });
        await api.register(statsRoutes, { path: "/stats", scoped: false });
        await api.register(webhookEndpointsRoutes);
        await api.register(stripeIntegrationRoutes);
        await api.register(cancelFlowRoutes);
        await api.register(trackRoutes);
        api.get(
          "/openapi.json",
          { schema: { hide: true }, config: { auth: "none", rateLimit: false } },
          async () => app.swagger(),
        );
      },
      { prefix: API_PREFIX },
    );
  },
  { name: "windback-app" },
);

/** A configured Fastify instance with the app registered: what server.ts and tests start from. */
export async function buildServer(opts: AppOptions) {
  const app = Fastify({
    logger: { ...loggerOptions(opts.config), ...(opts.logStream && { stream: opts.logStream }) },
    bodyLimit: opts.config.bodyLimit,
    // plugins/request-log.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxyOption(opts.config.trustProxy),
    // Keys and tokens are never in a URL the API defines; long URLs are just noise.
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any route runs get the same {error, code} shape.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      return (reply as FastifyReply).code(tooLong ? 414 : 400).send({
        error: tooLong
          ? "A path segment is longer than 200 characters"
          : "The URL is not valid: check its percent-encoding",
        code: ERROR_CODES.VALIDATION_FAILED,
      });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler(SHARED_SCHEMAS));
  addRequestLogging(app);
  await app.register(windbackApp, opts);
  return app;
}

/** A hop count becomes "trust the nearest N proxies". */
function trustProxyOption(value: AppConfig["trustProxy"]) {
  return typeof value === "number" ? (_address: string, hop: number) => hop < value : value;
}
