import { createCustomerToken, verifyWebhook, WebhookVerificationError } from "@windback/node";
import Fastify from "fastify";
import { env, handleWindbackEvent, signedInCustomer } from "./your-app.js";

const app = Fastify();

app.get("/billing/windback-token", async (request, reply) => {
  const customer = await signedInCustomer(request);
  if (!customer) return reply.code(401).send();
  const token = await createCustomerToken({
    secretId: env("WINDBACK_TOKEN_SECRET_ID"),
    secret: env("WINDBACK_TOKEN_SECRET"),
    customer: {
      email: customer.email,
      id: customer.id,
      subscriptionId: customer.subscriptionId,
      plan: customer.plan,
      mrr: customer.mrrCents,
    },
    expiresIn: "1h",
  });
  return { token };
});

// In its own plugin, so only this route keeps JSON bodies as raw bytes for the signature check.
app.register(async (webhooks) => {
  webhooks.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) =>
    done(null, body),
  );
  webhooks.post("/webhooks/windback", async (request, reply) => {
    try {
      const message = verifyWebhook(
        request.body as Buffer,
        request.headers,
        env("WINDBACK_WEBHOOK_SECRET"),
      );
      await handleWindbackEvent(message.type, message.data.customer_email);
      return reply.code(204).send();
    } catch (error) {
      if (error instanceof WebhookVerificationError) return reply.code(400).send();
      throw error;
    }
  });
});

await app.listen({ port: 3000 });
