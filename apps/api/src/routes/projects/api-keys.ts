import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ApiKey,
  CreatedApiKey,
  dataOf,
  KeyTypeBody,
  listOf,
  PageQuery,
  refTo,
  Slug,
  Uuid,
} from "@windback/protocol/schemas";
import { generateApiKey } from "../../auth/api-keys.js";
import { toIso } from "../../lib/clock.js";
import { notFound } from "../../lib/errors.js";
import { serializeApiKey } from "../../lib/serializers.js";
import { authErrors, operationId } from "../schemas.js";
import { resolveProject, slugParam } from "./resolve.js";

/** An old key keeps working this long after a rotation, so deployments can roll over. */
const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

const CreatedKey = dataOf(refTo(CreatedApiKey));

export interface ApiKeysRoutesOptions {
  /** `/projects/:slug/api-keys` or the unscoped alias `/api-keys`. */
  path: string;
  scoped: boolean;
}

/** Key management: sessions only, so a leaked secret key cannot mint or revoke keys. */
export const apiKeysRoutes: FastifyPluginAsyncTypebox<ApiKeysRoutesOptions> = async (
  app,
  { path, scoped },
) => {
  const params = scoped ? Type.Object({ slug: Slug }) : undefined;
  const tags = ["api keys"];
  const config = { auth: ["account"] as const };

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: operationId("listApiKeys", scoped),
        summary: "The project's keys, newest first, masked (the raw key is only shown at creation)",
        ...(params && { params }),
        querystring: PageQuery,
        response: { 200: listOf(refTo(ApiKey)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const { limit = 20, offset = 0 } = request.query;
      const { items, total } = await app.repos.apiKeys.listByProject(project.id, { limit, offset });
      return { data: items.map(serializeApiKey), total, limit, offset };
    },
  );

  app.post(
    path,
    {
      config,
      schema: {
        tags,
        operationId: operationId("createApiKey", scoped),
        summary: "Create a key; the response is the only time the raw key is shown",
        ...(params && { params }),
        body: KeyTypeBody,
        response: { 201: CreatedKey, ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, slugParam(request));
      const { raw, record } = generateApiKey(request.body.key_type, request.body.mode !== "test");
      const key = await app.repos.apiKeys.create(project.id, record, toIso(app.clock.now()));
      return reply.status(201).send({ data: { ...serializeApiKey(key), key: raw } });
    },
  );

  app.post(
    `${path}/rotate`,
    {
      config,
      schema: {
        tags,
        operationId: operationId("rotateApiKeys", scoped),
        summary:
          "Create a new key; the previous keys of that type and mode stop working in 24 hours",
        ...(params && { params }),
        body: KeyTypeBody,
        response: { 201: CreatedKey, ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, slugParam(request));
      const now = app.clock.now();
      const { raw, record } = generateApiKey(request.body.key_type, request.body.mode !== "test");
      const key = await app.repos.apiKeys.rotate(
        project.id,
        record,
        toIso(now),
        toIso(now + ROTATION_GRACE_MS),
      );
      return reply.status(201).send({ data: { ...serializeApiKey(key), key: raw } });
    },
  );

  app.delete(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        operationId: operationId("revokeApiKey", scoped),
        summary: "Revoke a key now",
        params: scoped ? Type.Object({ slug: Slug, id: Uuid }) : Type.Object({ id: Uuid }),
        response: { 200: dataOf(refTo(ApiKey)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, slugParam(request));
      const key = await app.repos.apiKeys.revoke(
        project.id,
        request.params.id,
        toIso(app.clock.now()),
      );
      if (!key) throw notFound("API key");
      return { data: serializeApiKey(key) };
    },
  );
};
