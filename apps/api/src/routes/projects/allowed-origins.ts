import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { AllowedOrigins, AllowedOriginsBody, Slug } from "@windback/protocol/schemas";
import { toIso } from "../../lib/clock.js";
import { normalizeOrigins } from "../../lib/origins.js";
import { authErrors, operationId } from "../schemas.js";
import { resolveProject, slugParam } from "./resolve.js";

export interface AllowedOriginsRoutesOptions {
  /** `/projects/:slug/allowed-origins` or the unscoped alias `/auth/allowed-origins`. */
  path: string;
  scoped: boolean;
}

export const allowedOriginsRoutes: FastifyPluginAsyncTypebox<AllowedOriginsRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const tags = ["allowed origins"];

  app.get(
    path,
    {
      config: { auth: ["account", "secret"] },
      schema: {
        tags,
        operationId: operationId("getAllowedOrigins", scoped),
        summary: "Origins allowed to use the project's public key (empty: any origin)",
        ...(params && { params }),
        response: { 200: AllowedOrigins, ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      return { allowed_origins: project.allowedOrigins };
    },
  );

  app.put(
    path,
    {
      config: { auth: ["account", "secret"] },
      schema: {
        tags,
        operationId: operationId("setAllowedOrigins", scoped),
        summary: "Replace the allowed origins; each is normalised to scheme://host[:port]",
        ...(params && { params }),
        body: AllowedOriginsBody,
        response: { 200: AllowedOrigins, ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const origins = normalizeOrigins(request.body.allowed_origins);
      const saved = await app.repos.projects.setAllowedOrigins(
        project.id,
        origins,
        toIso(app.clock.now()),
      );
      return { allowed_origins: saved };
    },
  );
};
