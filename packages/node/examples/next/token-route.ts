// app/billing/windback-token/route.ts (Next.js App Router route handler)
import { createCustomerToken } from "@windback/node";
import { env, signedInCustomer } from "../your-app.js";

export async function GET(request: Request): Promise<Response> {
  const customer = await signedInCustomer(request);
  if (!customer) return new Response(null, { status: 401 });
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
  return Response.json({ token }, { headers: { "cache-control": "no-store" } });
}
