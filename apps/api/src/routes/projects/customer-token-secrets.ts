import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CreatedCustomerTokenSecret,
  CustomerTokenSecret,
  dataOf,
  ErrorResponse,
  listOf,
  refTo,
  Slug,
} from "@windback/protocol/schemas";
import {
  MAX_ACTIVE_CUSTOMER_TOKEN_SECRETS,
  maskCustomerTokenSecret,
  newCustomerTokenSecret,
} from "../../auth/customer-token.js";
import { toIso } from "../../lib/clock.js";
import { conflict, notFound } from "../../lib/errors.js";
import type { CustomerTokenSecretRecord } from "../../storage/types.js";
import { authErrors } from "../schemas.js";
import { resolveProject } from "./resolve.js";

const serialize = (secret: CustomerTokenSecretRecord) => ({
  id: secret.id,
  secret_masked: maskCustomerTokenSecret(secret.secret),
  created_at: secret.createdAt,
  revoked_at: secret.revokedAt,
});

/**
 * The secrets a merchant's server signs customer tokens with (docs/design.md §11). Sessions only,
 * like key management: a leaked secret key must not be able to mint customer identities.
 */
export const customerTokenSecretsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const path = "/projects/:slug/customer-token-secrets";
  const tags = ["customer tokens"];
  const config = { auth: ["account"] as const };
  const params = Type.Object({ slug: Slug });

  app.post(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "createCustomerTokenSecret",
        summary: "Create a secret to sign customer tokens with; shown once (at most 2 active)",
        params,
        response: {
          201: dataOf(refTo(CreatedCustomerTokenSecret)),
          409: refTo(ErrorResponse),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      const secret = newCustomerTokenSecret();
      const created = await app.repos.customerTokenSecrets.create(
        project.id,
        { id: randomUUID(), secret },
        toIso(app.clock.now()),
        MAX_ACTIVE_CUSTOMER_TOKEN_SECRETS,
      );
      if (!created) {
        throw conflict(
          `A project has at most ${MAX_ACTIVE_CUSTOMER_TOKEN_SECRETS} active customer-token secrets: revoke the older one first`,
        );
      }
      return reply
        .status(201)
        .send({ data: { id: created.id, secret, created_at: created.createdAt } });
    },
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "listCustomerTokenSecrets",
        summary: "The project's customer-token secrets, newest first, masked",
        params,
        response: { 200: listOf(refTo(CustomerTokenSecret)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const secrets = await app.repos.customerTokenSecrets.listByProject(project.id);
      return {
        data: secrets.map(serialize),
        total: secrets.length,
        limit: secrets.length,
        offset: 0,
      };
    },
  );

  app.delete(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        operationId: "revokeCustomerTokenSecret",
        summary: "Revoke a secret now: tokens signed with it stop verifying",
        params: Type.Object({ slug: Slug, id: Type.String({ format: "uuid" }) }),
        response: { 200: dataOf(refTo(CustomerTokenSecret)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const revoked = await app.repos.customerTokenSecrets.revoke(
        project.id,
        request.params.id,
        toIso(app.clock.now()),
      );
      if (!revoked) throw notFound("Customer-token secret");
      return { data: serialize(revoked) };
    },
  );
};
