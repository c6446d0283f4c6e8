/** axe-core finds no WCAG 2.0/2.1 A/AA violations in the open dialog, in every theme and in RTL. */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, loadDemo, openWidget, settle, test } from "../support/fixtures";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Scans the widget (axe walks into its open shadow root); returns readable violations. */
async function violations(page: Page) {
  const results = await new AxeBuilder({ page })
    .include("windback-widget")
    .withTags(TAGS)
    .analyze();
  // Targets inside a shadow root are [host, inner] pairs: proof axe looked inside it.
  const inShadow = results.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0]));
  expect(inShadow.length, "axe checked nodes inside the shadow root").toBeGreaterThan(5);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}

const VARIANTS = [
  { name: "light", query: "theme=light", dir: "ltr", title: "Why are you cancelling?" },
  { name: "dark", query: "theme=dark", dir: "ltr", title: "Why are you cancelling?" },
  { name: "right-to-left (Arabic)", query: "lang=ar", dir: "rtl", title: "لماذا تلغي اشتراكك؟" },
] as const;

for (const variant of VARIANTS) {
  test(`no axe violations in the ${variant.name} dialog, reasons and offer steps`, async ({
    page,
    stack,
    email,
  }) => {
    await loadDemo(page, `${stack.demoUrl}/?${variant.query}&email=${encodeURIComponent(email)}`);
    const dialog = await openWidget(page);
    await expect(page.getByRole("heading", { name: variant.title })).toBeVisible();
    expect(
      await dialog.evaluate((el) => [
        getComputedStyle(el).direction,
        el.closest("[dir]")?.getAttribute("dir"),
      ]),
    ).toEqual([variant.dir, variant.dir]);
    if (variant.name === "dark") {
      expect(await dialog.evaluate((el) => getComputedStyle(el).colorScheme)).toBe("dark");
    }
    expect(await violations(page), "reasons step").toEqual([]);

    // The first reason is "too expensive" in every language; then Tab to Continue.
    await page.getByRole("radio").first().check();
    await page.getByRole("radio").first().press("Tab");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Stay for 30% less" })).toBeVisible();
    await settle(page);
    expect(await violations(page), "offer step").toEqual([]);
  });
}
