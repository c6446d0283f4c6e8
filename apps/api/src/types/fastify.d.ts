import type { JwtService } from "../auth/jwt.js";
import type { PasswordHasher } from "../auth/passwords.js";
import type { AppConfig } from "../config.js";
import type { Clock } from "../lib/clock.js";
import type { Principal, PrincipalKind } from "../plugins/auth.js";
import type { Repositories } from "../repositories/types.js";

declare module "fastify" {
  interface FastifyInstance {
    config: AppConfig;
    repos: Repositories;
    clock: Clock;
    passwords: PasswordHasher;
    jwt: JwtService;
  }
  interface FastifyRequest {
    /** Set by the auth hook on routes that declare `config.auth`; null elsewhere. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The principals a route accepts; absent means the route is public. */
    auth?: readonly PrincipalKind[];
    /**
     * A browser-facing route (cancel flow, /track): the origin guard runs after auth and sets the
     * CORS headers. `true` also spends the key's shared cancel-flow budget; `{ keyLimit: false }`
     * only guards the origin.
     */
    cancelFlow?: true | { keyLimit: false };
  }
}
