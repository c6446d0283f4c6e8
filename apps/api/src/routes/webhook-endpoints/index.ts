import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  dataOf,
  listOf,
  PageQuery,
  RotatedWebhookSecret,
  refTo,
  Slug,
  UpdateWebhookEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookMessageQueued,
} from "@windback/protocol/schemas";
import { principalOf } from "../../auth/principal.js";
import { serializeDelivery, serializeEndpoint } from "../../services/webhooks.js";
import { resolveProject } from "../projects/resolve.js";
import { authErrors } from "../schemas.js";

/**
 * Outbound webhook endpoints (docs/design.md §9): thin routes over services/webhooks.ts. JWT,
 * session or secret key; the secret is shown on creation and rotation only.
 */
export const webhookEndpointsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const path = "/projects/:slug/webhook-endpoints";
  const tags = ["webhooks"];
  const config = { auth: ["account", "secret"] as const };
  const params = Type.Object({ slug: Slug });
  const one = Type.Object({ slug: Slug, id: Type.String({ format: "uuid" }) });
  const service = () => app.services.webhooks;

  app.post(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "createWebhookEndpoint",
        summary: "Add an endpoint; its signing secret is shown once",
        params,
        body: CreateWebhookEndpointBody,
        response: { 201: dataOf(refTo(CreatedWebhookEndpoint)), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      const { endpoint, secret } = await service().create(project.id, request.body);
      const { id, url, description, event_types, enabled, created_at } =
        serializeEndpoint(endpoint);
      return reply
        .status(201)
        .send({ data: { id, url, description, event_types, enabled, created_at, secret } });
    },
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "listWebhookEndpoints",
        summary: "The project's endpoints, oldest first (secrets only as hints)",
        params,
        response: { 200: listOf(refTo(WebhookEndpoint)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const endpoints = await service().list(project.id);
      return {
        data: endpoints.map(serializeEndpoint),
        total: endpoints.length,
        limit: endpoints.length,
        offset: 0,
      };
    },
  );

  app.get(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        operationId: "getWebhookEndpoint",
        summary: "One endpoint",
        params: one,
        response: { 200: dataOf(refTo(WebhookEndpoint)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      return { data: serializeEndpoint(await service().get(project.id, request.params.id)) };
    },
  );

  app.patch(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        operationId: "updateWebhookEndpoint",
        summary: "Change an endpoint; `enabled: true` re-enables a disabled one",
        params: one,
        body: UpdateWebhookEndpointBody,
        response: { 200: dataOf(refTo(WebhookEndpoint)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const updated = await service().update(project.id, request.params.id, request.body);
      return { data: serializeEndpoint(updated) };
    },
  );

  app.delete(
    `${path}/:id`,
    {
      config,
      schema: {
        tags,
        operationId: "deleteWebhookEndpoint",
        summary: "Delete an endpoint with its messages and delivery log",
        params: one,
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      await service().remove(project.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${path}/:id/rotate-secret`,
    {
      config,
      schema: {
        tags,
        operationId: "rotateWebhookSecret",
        summary: "A new signing secret, shown once; the previous one also signs for 24 h",
        params: one,
        response: { 201: dataOf(RotatedWebhookSecret), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      const secret = await service().rotateSecret(project.id, request.params.id);
      return reply.status(201).send({ data: { secret } });
    },
  );

  app.post(
    `${path}/:id/test`,
    {
      config,
      schema: {
        tags,
        operationId: "sendWebhookTest",
        summary: "Queue a webhook.test message to the endpoint",
        params: one,
        response: { 202: dataOf(WebhookMessageQueued), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      const principal = principalOf(request);
      const livemode = principal.kind === "key" ? principal.livemode : true;
      const messageId = await service().sendTest(project.id, request.params.id, livemode);
      return reply.status(202).send({ data: { message_id: messageId } });
    },
  );

  app.get(
    `${path}/:id/deliveries`,
    {
      config,
      schema: {
        tags,
        operationId: "listWebhookDeliveries",
        summary: "The endpoint's delivery attempts, newest first (planned ones are pending)",
        params: one,
        querystring: PageQuery,
        response: { 200: listOf(refTo(WebhookDelivery)), ...authErrors },
      },
    },
    async (request) => {
      const project = await resolveProject(app, request, request.params.slug);
      const limit = request.query.limit ?? 20;
      const offset = request.query.offset ?? 0;
      const page = await service().deliveries(project.id, request.params.id, { limit, offset });
      return { data: page.items.map(serializeDelivery), total: page.total, limit, offset };
    },
  );

  app.post(
    `${path}/:id/deliveries/:delivery_id/redeliver`,
    {
      config,
      schema: {
        tags,
        operationId: "redeliverWebhook",
        summary: "Send the delivery's message again (same webhook-id), now",
        params: Type.Object({
          slug: Slug,
          id: Type.String({ format: "uuid" }),
          delivery_id: Type.String({ format: "uuid" }),
        }),
        response: { 202: dataOf(refTo(WebhookDelivery)), ...authErrors },
      },
    },
    async (request, reply) => {
      const project = await resolveProject(app, request, request.params.slug);
      const attempt = await service().redeliver(
        project.id,
        request.params.id,
        request.params.delivery_id,
      );
      return reply.status(202).send({ data: serializeDelivery(attempt) });
    },
  );
};
