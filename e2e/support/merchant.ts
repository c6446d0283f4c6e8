/**
 * A merchant of its own for a dashboard test: registered through the API, with an offer and a
 * few churn events so every screen has rows, and logged in on the page with the cookie session.
 */
import type { Page } from "@playwright/test";
import { createAdminClient, expectOk } from "@windback/testkit";

export interface Merchant {
  email: string;
  password: string;
  slug: string;
  /** The id of one of its churn events (for the detail screen). */
  eventId: string;
}

export async function createMerchant(apiUrl: string, email: string): Promise<Merchant> {
  const password = "correct horse battery";
  const anonymous = createAdminClient(apiUrl);
  const registered = expectOk(
    await anonymous.register({ name: "Mia Merchant", email, password }),
    "registering the merchant",
    [201],
  );
  const merchant = anonymous.as({ token: registered.data.token });
  const projects = expectOk(await merchant.projects.list(), "listing the projects");
  const slug = projects.data[0]?.slug;
  if (!slug) throw new Error("a new account has no project");
  expectOk(
    await merchant.offers.put(slug, "too_expensive", {
      offer_type: "discount",
      title: "Stay for 30% less",
      description: "Keep every feature for less.",
      cta_button_text: "Claim 30% off",
      enabled: true,
      discount_percent: 30,
      discount_duration_months: 3,
    }),
    "creating an offer",
    [200, 201],
  );
  let eventId = "";
  for (const [i, reason] of (
    ["too_expensive", "not_using_enough", "missing_features"] as const
  ).entries()) {
    const created = expectOk(
      await merchant.churnEvents.create(slug, {
        customer_email: `customer-${i}@example.com`,
        customer_name: `Customer ${i}`,
        mrr_cents: 4900,
        cancel_reason: reason,
      }),
      "creating a churn event",
      [201],
    );
    eventId = created.data.id;
  }
  // After the events, so it has no messages: the Webhooks screen shows a card with an empty log.
  const endpoint = await fetch(`${apiUrl}/api/v1/projects/${slug}/webhook-endpoints`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${registered.data.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      url: "https://hooks.example.com/windback",
      description: "Billing backend",
      event_types: ["cancel_flow.offer_accepted", "churn_event.lost"],
    }),
  });
  if (endpoint.status !== 201) throw new Error(`creating a webhook endpoint: ${endpoint.status}`);
  return { email, password, slug, eventId };
}

/** Opens the cookie session in the page's browser context (the dashboard's own login call). */
export async function logIn(page: Page, apiUrl: string, merchant: Merchant): Promise<void> {
  const res = await page.request.post(`${apiUrl}/api/v1/auth/session`, {
    data: { email: merchant.email, password: merchant.password },
  });
  if (res.status() !== 200) throw new Error(`logging in answered ${res.status()}`);
}

/** Every screen of docs/design.md §8 a logged-in merchant can open, by URL. */
export function dashboardScreens(apiUrl: string, merchant: Merchant) {
  const project = `${apiUrl}/dashboard/projects/${merchant.slug}`;
  return [
    { name: "projects", url: `${apiUrl}/dashboard/projects` },
    { name: "analytics", url: `${project}/analytics` },
    { name: "churn events", url: `${project}/events` },
    { name: "churn event", url: `${project}/events/${merchant.eventId}` },
    { name: "offers", url: `${project}/offers` },
    { name: "install", url: `${project}/install` },
    { name: "api keys", url: `${project}/keys` },
    { name: "allowed origins", url: `${project}/origins` },
    { name: "settings", url: `${project}/settings` },
    { name: "webhooks", url: `${project}/webhooks` },
    { name: "stripe", url: `${project}/integrations/stripe` },
    { name: "account", url: `${apiUrl}/dashboard/account` },
  ];
}

/** Waits until the screen's heading is in place and nothing on it is still loading. */
export async function screenReady(page: Page): Promise<void> {
  await page.locator("main h1").first().waitFor();
  await page
    .waitForFunction(() => document.querySelectorAll(".state-loading").length === 0, null, {
      timeout: 20_000,
    })
    .catch(async () => {
      const loading = await page.locator(".state-loading").allTextContents();
      throw new Error(`${page.url()} is still loading: ${loading.join(", ")}`);
    });
  // Let transitions finish so colours are final for the contrast check.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  );
}
