import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CreatedProject,
  CreateProjectBody,
  dataOf,
  listOf,
  PageQuery,
  Project,
  refTo,
  Slug,
  UpdateProjectBody,
} from "@windback/protocol/schemas";
import { generateApiKey } from "../../auth/api-keys.js";
import { principalOf } from "../../auth/principal.js";
import { toIso } from "../../lib/clock.js";
import { requireEmail } from "../../lib/email.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { serializeProject } from "../../lib/serializers.js";
import { authErrors } from "../schemas.js";
import { allowedOriginsRoutes } from "./allowed-origins.js";
import { apiKeysRoutes } from "./api-keys.js";
import { customerTokenSecretsRoutes } from "./customer-token-secrets.js";
import { resolveProject } from "./resolve.js";

/** "Acme Analytics (EU)" → "acme-analytics-eu"; never empty. */
function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return slug === "" ? "project" : slug;
}

const SlugParams = Type.Object({ slug: Slug });
const tags = ["projects"];

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") throw badRequest("body/name must not be blank");
  return trimmed;
}

export const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/projects",
    {
      config: { auth: ["account"] },
      schema: {
        tags,
        operationId: "createProject",
        summary: "Create a project with a public and a secret key (shown once)",
        body: CreateProjectBody,
        response: { 201: dataOf(CreatedProject), ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const name = cleanName(request.body.name);
      const publicKey = generateApiKey("public");
      const secretKey = generateApiKey("secret");
      const project = await app.repos.projects.create(
        {
          id: randomUUID(),
          userId: principal.userId,
          name,
          slug: slugify(name),
          supportEmail: request.body.support_email
            ? requireEmail(request.body.support_email, "body/support_email")
            : null,
        },
        [publicKey.record, secretKey.record],
        toIso(app.clock.now()),
      );
      return reply.status(201).send({
        data: {
          project: serializeProject(project),
          raw_public_key: publicKey.raw,
          raw_secret_key: secretKey.raw,
        },
      });
    },
  );

  app.get(
    "/projects",
    {
      config: { auth: ["account"] },
      schema: {
        tags,
        operationId: "listProjects",
        summary: "The account's projects, oldest first",
        querystring: PageQuery,
        response: { 200: listOf(refTo(Project)), ...authErrors },
      },
    },
    async (request) => {
      const { limit = 20, offset = 0 } = request.query;
      const { items, total } = await app.repos.projects.listByUser(principalOf(request).userId, {
        limit,
        offset,
      });
      return { data: items.map(serializeProject), total, limit, offset };
    },
  );

  app.get(
    "/projects/:slug",
    {
      config: { auth: ["account", "secret"] },
      schema: {
        tags,
        operationId: "getProject",
        summary: "One project (a secret key reaches only its own)",
        params: SlugParams,
        response: { 200: dataOf(refTo(Project)), ...authErrors },
      },
    },
    async (request) => ({
      data: serializeProject(await resolveProject(app, request, request.params.slug)),
    }),
  );

  // PATCH (docs/design.md §2.4) and the older PUT both change only the fields given.
  for (const method of ["PATCH", "PUT"] as const) {
    app.route({
      method,
      url: "/projects/:slug",
      config: { auth: ["account", "secret"] },
      schema: {
        tags,
        operationId: method === "PATCH" ? "patchProject" : "updateProject",
        summary: "Change a project's name, support email or settings (the slug stays stable)",
        params: SlugParams,
        body: UpdateProjectBody,
        response: { 200: dataOf(refTo(Project)), ...authErrors },
      },
      handler: async (request) => {
        const project = await resolveProject(app, request, request.params.slug);
        const { name, support_email, max_claimed_mrr, customer_verification } = request.body;
        const updated = await app.repos.projects.update(
          project.id,
          {
            ...(name !== undefined && { name: cleanName(name) }),
            ...(support_email !== undefined && {
              supportEmail:
                support_email === null ? null : requireEmail(support_email, "body/support_email"),
            }),
            ...(max_claimed_mrr !== undefined && { maxClaimedMrrCents: max_claimed_mrr }),
            ...(customer_verification !== undefined && {
              customerVerification: customer_verification,
            }),
          },
          toIso(app.clock.now()),
        );
        if (!updated) throw notFound("Project");
        return { data: serializeProject(updated) };
      },
    });
  }

  app.delete(
    "/projects/:slug",
    {
      // A leaked secret key must not be able to destroy the project it belongs to.
      config: { auth: ["account"] },
      schema: {
        tags,
        operationId: "deleteProject",
        summary: "Delete a project with its keys, offers and events",
        params: SlugParams,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      await app.repos.projects.delete(project.id);
      return reply.status(204).send(null);
    },
  );

  await app.register(customerTokenSecretsRoutes);
  await app.register(apiKeysRoutes, { path: "/projects/:slug/api-keys", scoped: true });
  await app.register(apiKeysRoutes, { path: "/api-keys", scoped: false });
  await app.register(allowedOriginsRoutes, {
    path: "/projects/:slug/allowed-origins",
    scoped: true,
  });
};
