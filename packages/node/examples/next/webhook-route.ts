// app/webhooks/windback/route.ts (Next.js App Router route handler)
import { verifyWebhook, WebhookVerificationError } from "@windback/node";
import { env, handleWindbackEvent } from "../your-app.js";

export async function POST(request: Request): Promise<Response> {
  // request.text(), never request.json(): the signature covers the exact bytes.
  const body = await request.text();
  try {
    const message = verifyWebhook(body, request.headers, env("WINDBACK_WEBHOOK_SECRET"));
    await handleWindbackEvent(message.type, message.data.customer_email);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return new Response(null, { status: 400 });
    throw error;
  }
}
