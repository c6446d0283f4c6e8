/**
 * What every test shares: the stack started by the global setup, a unique customer per test,
 * the API's view of that customer (read with the sk_ key), and the steps of opening the widget.
 */
import { test as base, expect, type Page, type Request, type TestInfo } from "@playwright/test";
import type { ChurnEvent, WidgetResult } from "@windback/protocol";
import { createAdminClient, expectOk } from "@windback/testkit";

export interface StackInfo {
  apiUrl: string;
  demoUrl: string;
  otherUrl: string;
  publicKey: string;
  secretKey: string;
  /** The demo account, for what only a session may do (keys, customer-token secrets). */
  accountEmail: string;
  accountPassword: string;
}

/** The API's churn event and the widget's result, as the wire defines them. */
export type { ChurnEvent };
export type FlowResult = WidgetResult;

declare global {
  interface Window {
    acmeLastResult?: FlowResult;
    Windback?: unknown;
  }
}

export function stackInfo(): StackInfo {
  const raw = process.env.WINDBACK_E2E;
  if (!raw) throw new Error("WINDBACK_E2E is not set: run the suite through playwright.config.ts");
  return JSON.parse(raw) as StackInfo;
}

/** A customer no other test uses, so each test reads only its own rows. */
function uniqueEmail(testInfo: TestInfo): string {
  const slug = testInfo.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 40);
  return `${slug}-${testInfo.workerIndex}-${Date.now().toString(36)}@example.com`;
}

/** The customer's churn events as the merchant sees them (GET …/churn-events with the sk_ key). */
export async function churnEventsFor(
  email: string,
  api: { apiUrl: string; secretKey: string } = stackInfo(),
): Promise<ChurnEvent[]> {
  const merchant = createAdminClient(api.apiUrl, { key: api.secretKey });
  const res = await merchant.churnEvents.list("acme", { limit: 100 });
  const body = expectOk(res, "listing churn events with the sk_ key", [200]);
  return body.data.filter((event) => event.customer_email === email);
}

/** Records every request the page sends to the cancel-flow API. */
export function watchCancelFlowRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/cancel-flow/") && request.method() !== "OPTIONS") {
      seen.push(request);
    }
  });
  return seen;
}

/** Loads a demo page and waits until widget.js has replaced the queue stub. */
export async function loadDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(
    () => typeof (window.Windback as { version?: unknown })?.version === "string",
  );
}

/** The open dialog, once its entrance animation has finished (so boxes and colours are final). */
export async function openWidget(page: Page) {
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await settle(page);
  return dialog;
}

/** Waits for the widget's running CSS animations (screen changes animate too). */
export async function settle(page: Page): Promise<void> {
  await page
    .locator("windback-widget")
    .evaluate((host) =>
      Promise.all(
        (host.shadowRoot?.getAnimations() ?? []).map((a) => a.finished.catch(() => undefined)),
      ),
    );
}

/** The result the demo page received from the widget (set when the flow ends). */
export async function flowResult(page: Page): Promise<FlowResult> {
  await expect(page.locator("body")).toHaveAttribute("data-windback-outcome", /.+/);
  const result = await page.evaluate(() => window.acmeLastResult);
  if (!result) throw new Error("the demo page has no result");
  return result;
}

export const test = base.extend<{ stack: StackInfo; email: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
  stack: async ({}, use) => {
    await use(stackInfo());
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  email: async ({}, use, testInfo) => {
    await use(uniqueEmail(testInfo));
  },
});

export { expect };
