/**
 * Verified customers and test mode in the dashboard (docs/design.md §11): a customer-token
 * secret is shown once and then only masked, at most two are active, the verification setting is
 * saved; a test key's submission shows only behind the Test data switch, never in live data.
 */
import { createAdminClient, expectOk } from "@windback/testkit";
import { expect, test } from "../support/fixtures";
import { createMerchant, logIn, screenReady } from "../support/merchant";

test("a customer-token secret is shown once, listed masked, capped at two active, revocable", async ({
  page,
  stack,
  email,
}) => {
  test.setTimeout(120_000);
  const merchant = await createMerchant(stack.apiUrl, email);
  await logIn(page, stack.apiUrl, merchant);
  const settings = `${stack.apiUrl}/dashboard/projects/${merchant.slug}/settings`;
  await page.goto(settings);
  await screenReady(page);

  await page.getByRole("button", { name: "Create a secret" }).click();
  const fresh = page.getByRole("region", { name: "New customer-token secret" });
  await expect(fresh).toContainText("it will not be shown again");
  const secret = ((await fresh.locator("pre code").textContent()) ?? "").trim();
  expect(secret).toMatch(/^wbct_[A-Za-z0-9_-]{40,}$/);
  const list = page.getByRole("region", { name: "Customer-token secrets" });
  await expect(list).toContainText(secret.slice(-4));

  await page.reload();
  await screenReady(page);
  await expect(list).toContainText(secret.slice(-4));
  expect(await page.content()).not.toContain(secret);
  expect(
    await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage })),
  ).not.toContain(secret);

  // A second one is allowed (rotation); a third is not.
  await page.getByRole("button", { name: "Create a secret" }).click();
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByRole("button", { name: "Create a secret" })).toBeDisabled();
  await expect(page.getByText("at most 2 active secrets")).toBeVisible();

  await page
    .getByRole("button", { name: `Revoke secret ${"wbct_"}`, exact: false })
    .last()
    .click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Revoke the secret" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list).toContainText("Revoked");
  await expect(page.getByRole("button", { name: "Create a secret" })).toBeEnabled();

  // Verification: Required is saved through PATCH and survives a reload.
  await page.getByRole("radio", { name: "Required" }).check();
  const patched = page.waitForResponse((res) => res.request().method() === "PATCH");
  await page.getByRole("button", { name: "Save verification" }).click();
  expect((await patched).status()).toBe(200);
  await page.reload();
  await screenReady(page);
  await expect(page.getByRole("radio", { name: "Required" })).toBeChecked();

  // Install names an active secret's id as the snippet's kid.
  const secrets = await page.request.get(
    `${stack.apiUrl}/api/v1/projects/${merchant.slug}/customer-token-secrets`,
  );
  const active = (
    (await secrets.json()) as { data: { id: string; revoked_at: string | null }[] }
  ).data.filter((s) => s.revoked_at === null);
  expect(active).toHaveLength(1);
  await page.goto(`${stack.apiUrl}/dashboard/projects/${merchant.slug}/install`);
  await screenReady(page);
  await expect(page.locator("main")).toContainText(`kid: "${active[0]?.id}"`);
});

test("the live/test switch: a test key's data shows only as test data", async ({
  page,
  stack,
  email,
}) => {
  test.setTimeout(120_000);
  const merchant = await createMerchant(stack.apiUrl, email);
  await logIn(page, stack.apiUrl, merchant);
  const project = `${stack.apiUrl}/dashboard/projects/${merchant.slug}`;

  // A test secret key, made on the API keys screen.
  await page.goto(`${project}/keys`);
  await screenReady(page);
  await page.getByLabel("New keys are").selectOption("test");
  await page.getByRole("button", { name: "Create test secret key" }).click();
  const raw = (
    (await page.getByRole("region", { name: "New secret key" }).locator("code").textContent()) ?? ""
  ).trim();
  expect(raw).toMatch(/^sk_test_/);
  const testEmail = `test-mode-${email}`;
  expectOk(
    await createAdminClient(stack.apiUrl, { key: raw }).churnEvents.create(merchant.slug, {
      customer_email: testEmail,
      cancel_reason: "poor_support",
      mrr_cents: 1000,
    }),
    "recording a test event",
    [201],
  );

  await page.goto(`${project}/events`);
  await screenReady(page);
  await expect(page.locator("main")).toContainText("customer-0@example.com");
  await expect(page.locator("main")).not.toContainText(testEmail);
  const live = page.getByRole("navigation", { name: "Live or test data" });
  await expect(live.getByRole("link", { name: "Live data" })).toHaveAttribute(
    "aria-current",
    "page",
  );

  await live.getByRole("link", { name: "Test data" }).click();
  await page.waitForURL(/mode=test/);
  await screenReady(page);
  await expect(page.locator("main")).toContainText(testEmail);
  await expect(page.locator("main")).not.toContainText("customer-0@example.com");
  await expect(page.getByText("You are looking at test data")).toBeVisible();
  // The CSV link exports the same (test) rows.
  await expect(page.getByRole("link", { name: /Export CSV/ })).toHaveAttribute("href", /mode=test/);

  // Analytics follows the same switch: its stats and timeseries calls ask for test data.
  const asked: string[] = [];
  page.on("request", (req) => {
    if (req.url().includes("/stats")) asked.push(req.url());
  });
  await page.goto(`${project}/analytics?mode=test`);
  await screenReady(page);
  await expect(page.getByText("You are looking at test data")).toBeVisible();
  expect(asked.filter((u) => u.includes("/stats?")).every((u) => u.includes("mode=test"))).toBe(
    true,
  );
  expect(asked.some((u) => u.includes("/stats/timeseries?") && u.includes("mode=test"))).toBe(true);
  asked.length = 0;
  await page
    .getByRole("navigation", { name: "Live or test data" })
    .getByRole("link", { name: "Live data" })
    .click();
  await screenReady(page);
  await expect(page.getByText("You are looking at test data")).toHaveCount(0);
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.some((u) => u.includes("mode="))).toBe(false);
});
