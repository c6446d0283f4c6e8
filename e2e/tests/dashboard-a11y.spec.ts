/**
 * The dashboard is accessible and usable (docs/design.md §8): axe finds no WCAG 2.0/2.1 A/AA
 * violations on any screen in light and dark, a main path works with the keyboard alone, and
 * every screen fits 375 px without sideways scrolling of the page.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import {
  createMerchant,
  dashboardScreens,
  logIn,
  type Merchant,
  screenReady,
} from "../support/merchant";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.passes.length, "axe checked the page").toBeGreaterThan(10);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}

/** One merchant per worker for the read-only scans (each scan is its own test: axe is slow). */
let shared: Promise<Merchant> | undefined;
function sharedMerchant(apiUrl: string, workerIndex: number): Promise<Merchant> {
  shared ??= createMerchant(apiUrl, `a11y-${workerIndex}-${Date.now().toString(36)}@example.com`);
  return shared;
}

const SCREEN_NAMES = [
  "login",
  "signup",
  ...dashboardScreens("", { email: "", password: "", slug: "", eventId: "" }).map((s) => s.name),
  "offer editor",
  "rotate dialog",
  "webhook form and log",
];

for (const scheme of ["light", "dark"] as const) {
  for (const name of SCREEN_NAMES) {
    test(`no axe violations: ${name} (${scheme})`, async ({ page, stack }, testInfo) => {
      test.setTimeout(90_000);
      await page.emulateMedia({ colorScheme: scheme });
      const merchant = await sharedMerchant(stack.apiUrl, testInfo.workerIndex);
      const project = `${stack.apiUrl}/dashboard/projects/${merchant.slug}`;
      if (name === "login" || name === "signup") {
        await page.goto(`${stack.apiUrl}/dashboard/${name}`);
        await screenReady(page);
      } else {
        await logIn(page, stack.apiUrl, merchant);
        const screen = dashboardScreens(stack.apiUrl, merchant).find((s) => s.name === name);
        if (screen) {
          await page.goto(screen.url);
          await screenReady(page);
        } else if (name === "offer editor") {
          await page.goto(`${project}/offers`);
          await screenReady(page);
          await page.getByRole("button", { name: "Edit the offer for “Too expensive”" }).click();
          // The real widget in its shadow root, which axe scans too.
          await expect(
            page.locator("[data-widget-preview-slot] windback-widget").getByRole("dialog"),
          ).toBeVisible();
        } else if (name === "webhook form and log") {
          await page.goto(`${project}/webhooks`);
          await screenReady(page);
          await page.getByRole("button", { name: "Add an endpoint" }).click();
          await page.getByRole("button", { name: "Add the endpoint" }).click();
          await expect(page.getByLabel("URL", { exact: true })).toHaveAttribute(
            "aria-invalid",
            "true",
          );
          await page.getByRole("button", { name: "Show the delivery log" }).click();
          await screenReady(page);
        } else {
          await page.goto(`${project}/keys`);
          await screenReady(page);
          await page.getByRole("button", { name: "Rotate public keys…" }).click();
          await expect(page.getByRole("dialog")).toBeVisible();
        }
      }
      expect(
        await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme),
        `${name} follows the ${scheme} scheme`,
      ).toContain(scheme);
      expect(await violations(page)).toEqual([]);
    });
  }
}

test("every screen fits 375 px: the page itself never scrolls sideways", async ({
  page,
  stack,
  email,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 375, height: 740 });
  const merchant = await createMerchant(stack.apiUrl, email);
  await page.goto(`${stack.apiUrl}/dashboard/login`);
  await screenReady(page);
  const overflow = () =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  expect(await overflow(), "login").toBeLessThanOrEqual(0);
  await logIn(page, stack.apiUrl, merchant);
  for (const screen of dashboardScreens(stack.apiUrl, merchant)) {
    await page.goto(screen.url);
    await screenReady(page);
    expect(await overflow(), screen.name).toBeLessThanOrEqual(0);
  }
});

test("keyboard only: log in, open Offers, edit and save an offer, log out", async ({
  page,
  stack,
  email,
}) => {
  test.setTimeout(150_000);
  const merchant = await createMerchant(stack.apiUrl, email);
  await page.goto(`${stack.apiUrl}/dashboard/login`);
  await screenReady(page);

  /** Presses Tab (or Shift+Tab) until the focused element matches, like a keyboard user would. */
  async function tabTo(
    description: string,
    matches: (el: Element) => boolean,
    max = 40,
    key = "Tab",
  ) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(key);
      const found = await page.evaluate(
        `(${matches.toString()})(document.activeElement ?? document.body)`,
      );
      if (found) return;
    }
    throw new Error(`${description} is not reachable with Tab`);
  }
  const named = (text: string) =>
    new Function(
      "el",
      `return (el.textContent || "").trim().startsWith(${JSON.stringify(text)})`,
    ) as (el: Element) => boolean;

  await tabTo("the email input", (el) => el.getAttribute("name") === "email");
  await page.keyboard.type(merchant.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(merchant.password);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/dashboard\/projects\/[^/]+\//);
  await screenReady(page);

  await tabTo("the Offers link", named("Offers"));
  // A visible focus ring on the focused link.
  expect(
    await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
    }),
  ).toBe(true);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/offers$/);
  await screenReady(page);
  await tabTo("the Edit button", named("Edit the offer for “Too expensive”"));
  await page.keyboard.press("Enter");
  await tabTo(
    "the Title input",
    (el) => el.id !== "" && (el as HTMLInputElement).value === "Stay for 30% less",
  );
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Stay, keyboard");
  await expect(
    page.locator("[data-widget-preview-slot] windback-widget").getByRole("heading", {
      name: "Stay, keyboard",
    }),
  ).toBeVisible();
  // The preview is part of the page, not a modal: Tab goes through the widget's buttons and on.
  await tabTo("the control after the preview", named("Start the preview over"));
  const saved = page.waitForResponse((res) => res.request().method() === "PUT");
  await tabTo("Save offer", named("Save offer"), 20, "Shift+Tab");
  await page.keyboard.press("Enter");
  expect((await saved).ok()).toBe(true);
  await expect(page.locator("main")).toContainText("“Stay, keyboard”");

  await tabTo("Log out", named("Log out"), 80);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/dashboard\/login/);
});
