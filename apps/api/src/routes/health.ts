import { ErrorResponse, refTo } from "@windback/protocol/schemas";
import type { FastifyInstance } from "fastify";

export async function healthRoutes(app: FastifyInstance) {
  app.get(
    "/health",
    {
      config: { auth: "none", rateLimit: false },
      // Untagged: an operational probe outside /api/v1, so not in the API's OpenAPI document
      // (docs/deploy.md documents it).
      schema: {
        response: {
          200: {
            type: "object",
            properties: { status: { type: "string", enum: ["ok"] } },
            required: ["status"],
          },
          503: refTo(ErrorResponse),
        },
      },
    },
    async () => {
      // A load balancer should stop sending traffic to an instance that cannot reach its store.
      await app.storage.health();
      return { status: "ok" as const };
    },
  );
}
