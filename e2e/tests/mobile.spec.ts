/** A 375 × 667 phone: the dialog fits, its content scrolls, the page behind it does not. */
import type { Page, TestInfo } from "@playwright/test";
import { expect, loadDemo, openWidget, settle, test } from "../support/fixtures";

test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true });

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: "image/png" });
}

async function expectWithinViewport(page: Page) {
  const box = await page.getByRole("dialog").boundingBox();
  if (!box) throw new Error("no dialog box");
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  expect(box.y + box.height).toBeLessThanOrEqual(667);
}

test("on a 375 × 667 phone the dialog fits, scrolls inside, and locks the page", async ({
  page,
  stack,
  email,
}, testInfo) => {
  await loadDemo(page, `${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  // A real account page is long; make sure this one is well taller than the phone.
  await page.evaluate(() => {
    document.body.style.paddingBottom = "1200px";
  });
  // Scrolled down to the danger zone, as a customer would be.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));

  const dialog = await openWidget(page);
  const scrollBefore = await page.evaluate(() => window.scrollY);
  expect(scrollBefore).toBeGreaterThan(0);
  await expectWithinViewport(page);
  await attachScreenshot(page, testInfo, "01-reasons-375x667");

  const sizes = await dialog.evaluate((el) => ({
    scrollHeight: el.scrollHeight,
    clientHeight: el.clientHeight,
    overflowY: getComputedStyle(el).overflowY,
  }));
  expect(sizes.overflowY).toBe("auto");
  // Eight reasons, the intro and the buttons are taller than a 667 px screen.
  expect(sizes.scrollHeight).toBeGreaterThan(sizes.clientHeight);

  // Scrolling over the dialog scrolls its content to the end, never the page behind it.
  const box = await dialog.boundingBox();
  if (!box) throw new Error("no dialog box");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 2000);
  await expect
    .poll(() => dialog.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1))
    .toBe(true);
  // Two frames later any chained scroll would have reached the page.
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe(
    "hidden",
  );
  await expect(page.getByRole("button", { name: "Skip and cancel" })).toBeInViewport();
  await attachScreenshot(page, testInfo, "02-reasons-scrolled-375x667");

  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Stay for 30% less" })).toBeVisible();
  await settle(page);
  await expectWithinViewport(page);
  await expect(page.getByRole("button", { name: "Claim 30% off" })).toBeInViewport();
  await attachScreenshot(page, testInfo, "03-offer-375x667");

  await page.getByRole("button", { name: "No thanks, cancel" }).click();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  // Unlocked again: the page scrolls as before.
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe(
    "visible",
  );
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  // The same wheel now moves the page: the lock, not the gesture, kept it still before.
  await page.mouse.wheel(0, -300);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(scrollBefore);
  await attachScreenshot(page, testInfo, "04-cancelled-375x667");
});
