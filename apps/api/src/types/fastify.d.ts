import type { CustomerClaims } from "../auth/customer-token.js";
import type { JwtService } from "../auth/jwt.js";
import type { PasswordHasher } from "../auth/passwords.js";
import type { Principal, PrincipalKind } from "../auth/principal.js";
import type { AppConfig } from "../config.js";
import type { Clock } from "../lib/clock.js";
import type { Budget } from "../plugins/route-policy.js";
import type { ChurnEventsService } from "../services/churn-events.js";
import type { StatsService } from "../services/stats.js";
import type { WebhooksService } from "../services/webhooks.js";
import type { ReadCache } from "../storage/cache/read-cache.js";
import type { Repositories, Storage } from "../storage/types.js";

declare module "fastify" {
  interface FastifyInstance {
    config: AppConfig;
    storage: Storage;
    /**
     * `storage.repos` behind the read caches (storage/cache): what routes read through. Changes
     * to churn events go through `services`.
     */
    repos: Repositories;
    readCache: ReadCache;
    services: {
      churnEvents: ChurnEventsService;
      stats: StatsService;
      webhooks: WebhooksService;
    };
    clock: Clock;
    passwords: PasswordHasher;
    jwt: JwtService;
  }
  interface FastifyRequest {
    /** Set by the route policy on routes whose `config.auth` is not "none"; null elsewhere. */
    principal: Principal | null;
    /** The cookie session's expiry moved forward: the cookie is sent again with the answer. */
    sessionRenewed: boolean;
    /** The customer a valid customer token vouches for (cancel flow, docs/design.md §11). */
    customer: CustomerClaims | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route (plugins/route-policy.ts); every route declares it. */
    auth?: "none" | readonly PrincipalKind[];
    /**
     * Called by the widget from merchants' pages: CORS preflights are answered, the origin guard
     * applies, and `budget` names the per-key budget each request spends (null: none).
     */
    browser?: { budget: Budget | null };
  }
}
