import { createCustomerToken, verifyWebhook, WebhookVerificationError } from "@windback/node";
import express from "express";
import { env, handleWindbackEvent, signedInCustomer } from "./your-app.js";

const app = express();

// The cancel page fetches a customer token for whoever is signed in, then passes it to
// Windback.show({ customerToken }) (or &token= for the iframe).
app.get("/billing/windback-token", async (req, res) => {
  const customer = await signedInCustomer(req);
  if (!customer) {
    res.sendStatus(401);
    return;
  }
  const token = await createCustomerToken({
    secretId: env("WINDBACK_TOKEN_SECRET_ID"),
    secret: env("WINDBACK_TOKEN_SECRET"),
    customer: {
      email: customer.email,
      id: customer.id,
      name: customer.name,
      subscriptionId: customer.subscriptionId,
      plan: customer.plan,
      mrr: customer.mrrCents,
    },
    expiresIn: "1h",
  });
  res.json({ token });
});

// Webhooks are verified over the raw bytes: express.raw, not express.json, on this route.
app.post("/webhooks/windback", express.raw({ type: "application/json" }), async (req, res) => {
  try {
    const message = verifyWebhook(req.body, req.headers, env("WINDBACK_WEBHOOK_SECRET"));
    await handleWindbackEvent(message.type, message.data.customer_email);
    res.sendStatus(204);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    res.sendStatus(400);
  }
});

app.listen(3000);
