/** The whole flow with the keyboard alone: focus moves in, stays in, and comes back. */
import type { Page } from "@playwright/test";
import { churnEventsFor, expect, flowResult, loadDemo, settle, test } from "../support/fixtures";

/** Where focus is: "page:<id>" outside the widget, or "dialog:<what>" inside its dialog. */
function focusOf(page: Page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (active?.localName !== "windback-widget") {
      return `page:${active?.id || active?.localName}`;
    }
    const inner = active.shadowRoot?.activeElement;
    if (!inner?.closest('[role="dialog"]')) return `widget-outside-dialog:${inner?.localName}`;
    const label = inner.getAttribute("aria-label") ?? inner.textContent?.trim();
    const value =
      (inner as HTMLInputElement).type === "radio" ? (inner as HTMLInputElement).value : "";
    return `dialog:${inner.localName}:${value || label}`;
  });
}

async function tabUntil(page: Page, target: string, key = "Tab", max = 30) {
  for (let i = 0; i < max; i++) {
    if ((await focusOf(page)) === target) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${target} not reached with ${key} (focus: ${await focusOf(page)})`);
}

/** Tab and Shift+Tab many times: focus must never leave the dialog. */
async function expectTrapped(page: Page) {
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(key);
      expect(await focusOf(page), `after ${i + 1} × ${key}`).toMatch(/^dialog:/);
    }
  }
}

test("keyboard only: open, choose with arrows, accept, focus trapped and restored", async ({
  page,
  stack,
  email,
}) => {
  await loadDemo(page, `${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  await tabUntil(page, "page:cancel-button");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await settle(page);
  // Focus moved in, to the dialog's heading.
  expect(await focusOf(page)).toBe("dialog:h2:Why are you cancelling?");

  // Into the radio group, then the arrow keys choose (and wrap around).
  await page.keyboard.press("Tab");
  expect(await focusOf(page)).toMatch(/^dialog:input:/);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  const tooExpensive = page.getByRole("radio", { name: "It's too expensive" });
  await expect(tooExpensive).toBeChecked();
  await expect(tooExpensive).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(page.getByRole("radio", { name: "Something else" })).toBeChecked();
  await page.keyboard.press("ArrowDown");
  await expect(tooExpensive).toBeChecked();

  await expectTrapped(page);

  await tabUntil(page, "dialog:button:Continue");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Stay for 30% less" })).toBeFocused();
  await settle(page);
  await expectTrapped(page);
  await tabUntil(page, "dialog:button:Claim 30% off");
  await page.keyboard.press("Enter");

  expect((await flowResult(page)).outcome).toBe("saved");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  // Back where the customer started.
  expect(await focusOf(page)).toBe("page:cancel-button");
  const events = await churnEventsFor(email);
  expect(events.map((e) => e.status)).toEqual(["offer_accepted"]);
});

test("after a click on plain text in the dialog, Tab stays trapped and Escape still closes", async ({
  page,
  stack,
  email,
}) => {
  await loadDemo(page, `${stack.demoUrl}/?email=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await settle(page);
  // Non-focusable text: focus lands on the dialog itself, not on the page's <body>.
  await page.getByText("Your answer helps us improve.").click();
  expect(await focusOf(page)).toMatch(/^dialog:div:/);
  await page.keyboard.press("Tab");
  expect(await focusOf(page)).toMatch(/^dialog:(input|button):/);
  await page.getByText("Your answer helps us improve.").click();
  await page.keyboard.press("Escape");
  expect((await flowResult(page)).outcome).toBe("dismissed");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(await churnEventsFor(email)).toEqual([]);
});
