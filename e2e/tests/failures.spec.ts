/**
 * When Windback cannot help, the customer still cancels: each failure ends in `error` within
 * the widget's 3 s timeout (or the plain link), Acme's own cancellation works, nothing is stored.
 */
import { join } from "node:path";
import type { Page, Request, Response } from "@playwright/test";
import {
  churnEventsFor,
  expect,
  type FlowResult,
  flowResult,
  loadDemo,
  openWidget,
  test,
} from "../support/fixtures";
import {
  type ApiProcess,
  type DemoServer,
  seedAndServe,
  startApi,
  tempDir,
} from "../support/stack";

/** The widget's timeout (docs/design.md §3.4) plus a margin for a loaded CI machine. */
const ERROR_WITHIN_MS = 3000 + 1500;

interface Attempt {
  elapsed: number;
  /** The API's answer when the browser let the page read it. */
  response: Response | null;
  /** Why the request failed in the browser (CORS, connection refused), if it did. */
  failure: string | null;
  /** The result the widget handed to `Windback.on("submit")`. */
  result: Promise<FlowResult>;
}

/**
 * Chooses a reason and submits; the error screen must come within the timeout. The result is
 * caught through `Windback.on("submit")`, because the demo page leaves at once on `error`.
 */
async function submitExpectingError(page: Page): Promise<Attempt> {
  let deliver: (result: FlowResult) => void = () => undefined;
  const result = new Promise<FlowResult>((resolve) => {
    deliver = resolve;
  });
  await page.exposeFunction("reportWindbackResult", (r: FlowResult) => deliver(r));
  await page.evaluate(() => {
    const api = window.Windback as { on(event: string, handler: (r: unknown) => void): void };
    const report = (window as unknown as { reportWindbackResult(r: unknown): void })
      .reportWindbackResult;
    api.on("submit", (r) => report(r));
  });
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  const isSubmit = (r: Request) => r.url().includes("/cancel-flow/submit") && r.method() === "POST";
  const outcome = Promise.race([
    page.waitForEvent("requestfinished", { predicate: isSubmit, timeout: ERROR_WITHIN_MS }),
    page.waitForEvent("requestfailed", { predicate: isSubmit, timeout: ERROR_WITHIN_MS }),
  ]);
  const started = Date.now();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible({
    timeout: ERROR_WITHIN_MS,
  });
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(ERROR_WITHIN_MS);
  // The way out is right there, and focus is in the dialog to reach it.
  await expect(page.getByRole("button", { name: "Continue cancelling" })).toBeVisible();
  const request = await outcome;
  const failure = request.failure()?.errorText ?? null;
  return { elapsed, failure, response: failure ? null : await request.response(), result };
}

/** "Continue cancelling" hands `error` to the page, which goes on to Acme's own cancellation. */
async function continueToOwnCancellation(page: Page, demoUrl: string) {
  await page.getByRole("button", { name: "Continue cancelling" }).click();
  await page.waitForURL(`${demoUrl}/cancel`);
  expect(await page.evaluate(() => sessionStorage.getItem("windback:lastOutcome"))).toBe("error");
  await page.getByRole("button", { name: "Confirm cancellation" }).click();
  await expect(page.getByRole("heading", { name: "Your subscription is cancelled" })).toBeVisible();
}

test("a page on a disallowed origin gets ORIGIN_NOT_ALLOWED and falls back", async ({
  page,
  stack,
  email,
}) => {
  await loadDemo(page, `${stack.otherUrl}/?email=${encodeURIComponent(email)}`);
  const attempt = await submitExpectingError(page);
  // The 403 carries no Access-Control-Allow-Origin (the origin is not allowed), so the browser
  // hides it from the page: the widget sees a failed fetch.
  expect(attempt.failure).not.toBeNull();
  await continueToOwnCancellation(page, stack.otherUrl);
  expect(await attempt.result).toMatchObject({ outcome: "error", reason: "too_expensive" });
  // What the API answered that request, read outside the browser.
  const direct = await fetch(`${stack.apiUrl}/api/v1/cancel-flow/submit`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": stack.publicKey,
      origin: new URL(stack.otherUrl).origin,
    },
    body: JSON.stringify({ customer_email: email, cancel_reason: "too_expensive" }),
  });
  expect(direct.status).toBe(403);
  expect(direct.headers.get("access-control-allow-origin")).toBeNull();
  expect(await direct.json()).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
  expect(await churnEventsFor(email)).toEqual([]);
});

test.describe("with an API of its own", () => {
  // Reset before each test, so afterEach stops only what this test's beforeEach got to start.
  let dir: ReturnType<typeof tempDir> | undefined;
  let api: ApiProcess | undefined;
  let demo: DemoServer | undefined;
  let secretKey: string;
  let publicKey: string;

  test.beforeEach(async () => {
    api = undefined;
    demo = undefined;
    dir = tempDir("windback-e2e-own-");
    // The real per-key budget (10 requests / 15 s): no override.
    api = await startApi({ databasePath: join(dir.path, "windback.db") });
    // Verification off: a verified customer's requests have a budget of their own (keyed by the
    // customer, not the address), so the 10 requests below from this address would not spend it.
    const seeded = await seedAndServe(api, dir.path, "off");
    demo = seeded.demo;
    secretKey = seeded.credentials.secretKey;
    publicKey = seeded.credentials.publicKey;
  });

  test.afterEach(async () => {
    await demo?.close();
    await api?.stop();
    dir?.remove();
  });

  const running = () => {
    if (!api || !demo) throw new Error("beforeEach did not start the API and the demo");
    return { api, demo };
  };

  test("the 11th cancel-flow request within 15 s gets 429 and falls back", async ({
    page,
    email,
  }) => {
    const own = running();
    for (let i = 1; i <= 10; i++) {
      const res = await fetch(`${own.api.url}/api/v1/cancel-flow/offers?reason=too_expensive`, {
        headers: { "x-api-key": publicKey, origin: own.demo.url },
      });
      expect(res.status, `request ${i} of the budget`).toBe(200);
    }
    await loadDemo(page, `${own.demo.url}/?email=${encodeURIComponent(email)}`);
    const { response, result } = await submitExpectingError(page);
    expect(response?.status()).toBe(429);
    expect(await response?.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(await response?.headerValue("retry-after"))).toBeGreaterThan(0);
    await continueToOwnCancellation(page, own.demo.url);
    expect(await result).toMatchObject({
      outcome: "error",
      error: { code: "RATE_LIMITED", status: 429 },
    });
    expect(await churnEventsFor(email, { apiUrl: own.api.url, secretKey })).toEqual([]);
  });

  test("a stopped API ends in error and falls back", async ({ page, email }) => {
    const own = running();
    await loadDemo(page, `${own.demo.url}/?email=${encodeURIComponent(email)}`);
    await own.api.stop();
    const { failure, result } = await submitExpectingError(page);
    expect(failure).toContain("ERR_CONNECTION_REFUSED");
    await continueToOwnCancellation(page, own.demo.url);
    expect(await result).toMatchObject({ outcome: "error", error: { code: "NETWORK_ERROR" } });
    // Back up on the same database: the customer was never recorded.
    const restarted = await startApi({ databasePath: own.api.databasePath });
    api = restarted; // afterEach stops it
    expect(await churnEventsFor(email, { apiUrl: restarted.url, secretKey })).toEqual([]);
  });
});

test("a blocked widget.js leaves the plain link, and Acme's form cancels", async ({
  page,
  stack,
  email,
}) => {
  await page.route("**/widget.js", (route) => route.abort());
  await page.goto(`${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  // The queue stub is all there is: no version, so demo.js does not intercept the click.
  expect(await page.evaluate(() => (window.Windback as { version?: string }).version)).toBe(
    undefined,
  );
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.waitForURL(`${stack.demoUrl}/cancel`);
  await page.getByRole("button", { name: "Confirm cancellation" }).click();
  await expect(page.getByRole("heading", { name: "Your subscription is cancelled" })).toBeVisible();
  expect(await churnEventsFor(email)).toEqual([]);
});

/**
 * Makes the first `failures` accept-offer POSTs answer 500 (with CORS, so the widget reads it),
 * and lets the later ones through to the API. Returns how many reached the route.
 */
async function failAcceptOffer(page: Page, failures: number) {
  const seen = { posts: 0 };
  await page.route("**/api/v1/cancel-flow/accept-offer", async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    seen.posts += 1;
    if (seen.posts > failures) return route.continue();
    return route.fulfill({
      status: 500,
      contentType: "application/json",
      headers: { "access-control-allow-origin": (await request.headerValue("origin")) ?? "*" },
      body: JSON.stringify({ error: "Internal error", code: "INTERNAL_ERROR" }),
    });
  });
  return seen;
}

/** Every result the widget hands the page, caught before the demo page navigates away. */
async function captureResults(page: Page): Promise<FlowResult[]> {
  const results: FlowResult[] = [];
  await page.exposeFunction("reportWindbackResult", (r: FlowResult) => results.push(r));
  await page.evaluate(() => {
    const api = window.Windback as { on(event: string, handler: (r: unknown) => void): void };
    const report = (window as unknown as { reportWindbackResult(r: unknown): void })
      .reportWindbackResult;
    for (const event of ["submit", "dismiss", "offer_accepted"]) api.on(event, (r) => report(r));
  });
  return results;
}

async function claimOffer(page: Page) {
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Claim 30% off" }).click();
  await expect(page.getByRole("heading", { name: "We couldn't apply the offer" })).toBeVisible();
  await expect(page.getByText("Please try again in a moment.")).toBeVisible();
  // Not the generic copy that pushes a customer who chose to stay into cancelling.
  await expect(page.getByText("you can still cancel your subscription")).toHaveCount(0);
}

test("a failed 'Claim offer' offers Try again, which saves the customer", async ({
  page,
  stack,
  email,
}) => {
  const seen = await failAcceptOffer(page, 1);
  await loadDemo(page, `${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  await claimOffer(page);
  await page.getByRole("button", { name: "Try again" }).click();
  const result = await flowResult(page);
  expect(result).toMatchObject({ outcome: "saved", selectedOffer: { offer_type: "discount" } });
  expect(result.error).toBeUndefined();
  expect(seen.posts).toBe(2);
  const events = await churnEventsFor(email);
  expect(events.map((e) => e.status)).toEqual(["offer_accepted"]);
});

test("a failed 'Claim offer' can still continue cancelling, with outcome error", async ({
  page,
  stack,
  email,
}) => {
  await failAcceptOffer(page, Number.POSITIVE_INFINITY);
  await loadDemo(page, `${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  const results = await captureResults(page);
  await claimOffer(page);
  await page.getByRole("button", { name: "Continue cancelling" }).click();
  await page.waitForURL(`${stack.demoUrl}/cancel`);
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({
    outcome: "error",
    error: { code: "INTERNAL_ERROR", status: 500 },
  });
  expect((await churnEventsFor(email)).map((e) => e.status)).not.toContain("offer_accepted");
});
