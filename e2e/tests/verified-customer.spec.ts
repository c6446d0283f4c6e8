/**
 * Verified customers (docs/design.md §11) on the demo, whose project requires a customer token:
 * the demo's server mints one for its signed-in customer, the widget sends it, and a submission
 * forged with only the public key is refused and stores nothing. Also the test-mode badge.
 */
import { createAdminClient, expectOk } from "@windback/testkit";
import {
  churnEventsFor,
  expect,
  flowResult,
  loadDemo,
  openWidget,
  stackInfo,
  test,
  watchCancelFlowRequests,
} from "../support/fixtures";
import { snippetBrowser } from "../support/snippet-page";

// The test-mode page is written by the test (see support/snippet-page.ts).
test.use(snippetBrowser);

const customerUrl = (demoUrl: string, email: string) =>
  `${demoUrl}/?email=${encodeURIComponent(email)}`;

/** A submit as a script would send it from anywhere, claiming to be the demo page. */
function forgedSubmit(body: Record<string, unknown>) {
  const { apiUrl, demoUrl, publicKey } = stackInfo();
  return fetch(`${apiUrl}/api/v1/cancel-flow/submit`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": publicKey, origin: demoUrl },
    body: JSON.stringify(body),
  });
}

test("the project requires verification, and the flow works with the demo's token", async ({
  page,
  stack,
  email,
}) => {
  const merchant = createAdminClient(stack.apiUrl, { key: stack.secretKey });
  const project = expectOk(await merchant.projects.get("acme"), "project", [200]).data;
  expect(project.customer_verification).toBe("required");

  const requests = watchCancelFlowRequests(page);
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Claim 30% off" }).click();
  const result = await flowResult(page);
  expect(result.outcome).toBe("saved");

  // Every call carried the token, an HS256 JWT naming the secret it was signed with.
  const bodies = requests.map((request) => request.postDataJSON() as Record<string, unknown>);
  expect(bodies).toHaveLength(2);
  for (const body of bodies) expect(body.customer_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  const [header, claims] = String(bodies[0]?.customer_token)
    .split(".")
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
  expect(header).toMatchObject({ alg: "HS256", kid: expect.any(String) });
  expect(claims).toMatchObject({ email, plan: "Pro", mrr: 4900 });
  expect(claims.exp - claims.iat).toBeLessThanOrEqual(3600);

  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ id: result.eventId, status: "offer_accepted" });
});

test("a submit forged with only the public key gets 401 and stores nothing", async ({ email }) => {
  const forged = await forgedSubmit({ customer_email: email, cancel_reason: "too_expensive" });
  expect(forged.status).toBe(401);
  expect(await forged.json()).toMatchObject({ code: "CUSTOMER_TOKEN_INVALID" });

  // A token the demo did not sign (right shape, wrong signature) is no better.
  const header = Buffer.from('{"alg":"HS256","kid":"x"}').toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ email, iat: now, exp: now + 600 })).toString(
    "base64url",
  );
  const tampered = await forgedSubmit({
    customer_email: email,
    cancel_reason: "too_expensive",
    customer_token: `${header}.${payload}.${"A".repeat(43)}`,
  });
  expect(tampered.status).toBe(401);
  expect(await tampered.json()).toMatchObject({ code: "CUSTOMER_TOKEN_INVALID" });

  expect(await churnEventsFor(email)).toEqual([]);
});

test("without its token the widget fails open and Acme's own cancellation runs", async ({
  page,
  stack,
  email,
}) => {
  // The merchant's token route is down: the flow runs unverified, the API refuses it (401).
  await page.route("**/customer-token", (route) => route.abort());
  const refused = page.waitForResponse(
    (response) => response.url().endsWith("/cancel-flow/submit") && response.status() === 401,
  );
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await refused;
  await page.getByRole("button", { name: "Continue cancelling" }).click();
  // demo.js follows "error" to Acme's own cancellation page.
  await expect(page).toHaveURL(/\/cancel$/);
  expect(await churnEventsFor(email)).toEqual([]);
});

test("a pub_test_ key shows the Test mode badge, a live key does not", async ({
  page,
  stack,
  email,
}) => {
  const anonymous = createAdminClient(stack.apiUrl);
  const login = await anonymous.login({
    email: stack.accountEmail,
    password: stack.accountPassword,
  });
  const admin = anonymous.as({ token: expectOk(login, "login", [200]).data.token });
  const created = await admin.request<{ data: { key: string } }>(
    "POST",
    "/api/v1/projects/acme/api-keys",
    { body: { key_type: "public", mode: "test" } },
  );
  const testKey = expectOk(created, "test key", [201]).data.key;
  expect(testKey).toMatch(/^pub_test_/);

  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await expect(page.getByRole("dialog").getByText("Test mode", { exact: true })).toHaveCount(0);

  // A page of the same (allowed) origin whose script tag carries the test key.
  const testPage = `${stack.demoUrl}/test-mode.html`;
  await page.route(testPage, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      body: `<!doctype html><html lang="en"><title>Test mode</title><body>
<script src="${stack.apiUrl}/widget.js" data-api-key="${testKey}" async></script></body></html>`,
    }),
  );
  await page.goto(testPage);
  await page.waitForFunction(
    () => typeof (window.Windback as { version?: unknown })?.version === "string",
  );
  await page.evaluate((customerEmail) => {
    void (window.Windback as { show(o: object): Promise<unknown> }).show({ customerEmail });
  }, email);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Test mode", { exact: true })).toBeVisible();
  // Inside the dialog's labelled region, before the first heading.
  await expect(dialog.getByRole("heading", { name: "Why are you cancelling?" })).toBeVisible();
});
