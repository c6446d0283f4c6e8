import { Windback, WindbackError } from "@windback/node";
import { env } from "./your-app.js";

const windback = new Windback({
  secretKey: env("WINDBACK_SECRET_KEY"),
  baseUrl: "https://windback.example.com",
  project: "default", // only project.* and webhookEndpoints.* need it
});

// Every saved customer whose discount your billing system should apply, all pages.
for await (const event of windback.churnEvents.list({ status: "offer_accepted" })) {
  console.log(event.customer_email, event.offer_terms?.title);
}

// The customer really paid again: count them as recovered.
try {
  await windback.churnEvents.markRecovered("3f6c1b9e-8a39-4c1e-9a57-1c2d3e4f5a6b");
} catch (error) {
  if (!(error instanceof WindbackError) || error.code !== "INVALID_TRANSITION") throw error;
}

await windback.retentionOffers.upsert("too_expensive", {
  offer_type: "discount",
  title: "30% off for 3 months",
  cta_button_text: "Take the discount",
  discount_percent: 30,
  discount_duration_months: 3,
});
const stats = await windback.stats.get({ from: "2026-11-01", to: "2026-12-01" });
console.log(`saved ${stats.cancel_flow.saved_mrr / 100} a month`);
await windback.allowedOrigins.set(["https://app.example.com"]);
await windback.project.update({ customer_verification: "required" });
await windback.webhookEndpoints.create({ url: "https://app.example.com/webhooks/windback" });
