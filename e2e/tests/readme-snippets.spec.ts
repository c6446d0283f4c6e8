/**
 * The embed snippets of README.md, run exactly as written there (only the placeholders — the
 * Windback origin, the public key and the customer's email — are filled in): whatever happens to
 * Windback's files, clicking Cancel still cancels; when they load, the real outcome comes back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Route } from "@playwright/test";
import { expect, type StackInfo, test } from "../support/fixtures";
import { snippetBrowser } from "../support/snippet-page";
import { ROOT } from "../support/stack";

test.use(snippetBrowser);

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const HTML_BLOCKS = [...README.matchAll(/^```html\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");

function snippet(marker: string): string {
  const found = HTML_BLOCKS.filter((block) => block.includes(marker));
  if (found.length !== 1)
    throw new Error(`README.md has ${found.length} html blocks with ${marker}`);
  return found[0] as string;
}

const SNIPPETS = {
  scriptTag: snippet('/widget.js" data-api-key="pub_…"'),
  frameHost: snippet("/frame-host.js"),
  rawFrame: snippet('<iframe id="windback-frame"'),
};

/**
 * Serves `html` as a page of the demo's (allowed) origin, with the merchant's `cancelSubscription`
 * counting its calls. Returns a function that reads the count.
 */
async function openSnippetPage(page: Page, stack: StackInfo, html: string, email: string) {
  const filled = html
    .replaceAll("https://windback.example.com", new URL(stack.apiUrl).origin)
    .replaceAll("pub_…", stack.publicKey)
    .replaceAll("ada%40example.com", encodeURIComponent(email))
    .replaceAll("ada@example.com", email);
  const url = `${stack.demoUrl}/readme-snippet.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Snippet</title></head><body>
<script>
  window.cancelled = 0;
  window.cancelSubscription = async () => { window.cancelled += 1; window.cancelledAt ??= performance.now(); };
  document.addEventListener("click", () => { window.clickedAt ??= performance.now(); }, true);
</script>
${filled}
</body></html>`,
    }),
  );
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // A hanging widget.js holds the page's `load` (it is the page's own script): wait for the DOM.
  await page.goto(url, { waitUntil: "domcontentloaded" });
  return {
    cancelled: () => page.evaluate(() => (window as unknown as { cancelled: number }).cancelled),
    /** Page time from the first click to the first cancelSubscription() call. */
    cancelDelay: () =>
      page.evaluate(() => {
        const w = window as unknown as { cancelledAt?: number; clickedAt?: number };
        return (w.cancelledAt ?? Number.NaN) - (w.clickedAt ?? Number.NaN);
      }),
    errors,
  };
}

const widgetJs = (stack: StackInfo) => `${new URL(stack.apiUrl).origin}/widget.js`;

test.describe("the script-tag snippet", () => {
  test("with widget.js blocked, Cancel still cancels (within 3 s), and nothing throws", async ({
    page,
    stack,
    email,
  }) => {
    await page.route(widgetJs(stack), (route) => route.abort());
    const { cancelled, errors } = await openSnippetPage(page, stack, SNIPPETS.scriptTag, email);
    const started = Date.now();
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await expect.poll(cancelled, { timeout: 8_000 }).toBe(1);
    // The stub's 3 s rule, plus a margin for a loaded machine.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(errors).toEqual([]);
  });

  test("with widget.js hanging, Cancel cancels after the 3 s rule", async ({
    page,
    stack,
    email,
  }) => {
    const held: Route[] = [];
    await page.route(widgetJs(stack), (route) => {
      held.push(route); // never answered while the test looks
    });
    const { cancelled, cancelDelay } = await openSnippetPage(
      page,
      stack,
      SNIPPETS.scriptTag,
      email,
    );
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await expect.poll(cancelled, { timeout: 8_000 }).toBe(1);
    // The stub waited its 3 s for widget.js (measured in the page, from the click).
    const delay = await cancelDelay();
    expect(delay).toBeGreaterThanOrEqual(2_990);
    expect(delay).toBeLessThan(4_500);
    for (const route of held) await route.abort().catch(() => {});
  });

  test("with widget.js loaded, `await Windback.show()` resolves the real outcome", async ({
    page,
    stack,
    email,
  }) => {
    const ui = page.waitForRequest((request) => /\/ui\.[0-9a-f]{8}\.js$/.test(request.url()));
    const { cancelled, errors } = await openSnippetPage(page, stack, SNIPPETS.scriptTag, email);
    await ui; // the loader fetched the content-hashed UI (on idle)
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    // "dismissed": the customer stays, so the page must not cancel.
    await page.waitForTimeout(300);
    expect(await cancelled()).toBe(0);

    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await dialog.getByRole("button", { name: "Skip and cancel" }).click();
    await expect.poll(cancelled).toBe(1);
    expect(errors).toEqual([]);
  });

  test("a click before slow widget.js has loaded opens the flow once it has", async ({
    page,
    stack,
    email,
  }) => {
    await page.route(widgetJs(stack), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    const { cancelled } = await openSnippetPage(page, stack, SNIPPETS.scriptTag, email);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Skip and cancel" }).click();
    await expect.poll(cancelled).toBe(1);
  });
});

test.describe("the iframe snippets", () => {
  test("frame-host: with frame-host.js blocked, Cancel still cancels", async ({
    page,
    stack,
    email,
  }) => {
    await page.route(`${new URL(stack.apiUrl).origin}/frame-host.js`, (route) => route.abort());
    const { cancelled, errors } = await openSnippetPage(page, stack, SNIPPETS.frameHost, email);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await expect.poll(cancelled).toBe(1);
    expect(errors).toEqual([]);
  });

  test("frame-host: the frame fits the flow and its outcome reaches the page", async ({
    page,
    stack,
    email,
  }) => {
    const { cancelled } = await openSnippetPage(page, stack, SNIPPETS.frameHost, email);
    await page.waitForFunction(() => "WindbackFrame" in window);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    const frame = page.frameLocator('iframe[title="Cancel subscription"]');
    await expect(
      frame.getByRole("heading", { name: "Why are you cancelling?" }),
      "the frame shows the flow (not removed by frame-host.js's 3 s ready rule)",
    ).toBeVisible();
    expect(await cancelled()).toBe(0);
    await expectNotClipped(page, 'iframe[title="Cancel subscription"]');
    await frame.getByRole("button", { name: "Skip and cancel" }).click();
    await expect.poll(cancelled).toBe(1);
  });

  test("raw iframe: the frame follows its reported height, and submit cancels", async ({
    page,
    stack,
    email,
  }) => {
    const { cancelled } = await openSnippetPage(page, stack, SNIPPETS.rawFrame, email);
    const frame = page.frameLocator("#windback-frame");
    await expect(frame.getByRole("heading", { name: "Why are you cancelling?" })).toBeVisible();
    await expectNotClipped(page, "#windback-frame");
    await frame.getByRole("button", { name: "Skip and cancel" }).click();
    await expect.poll(cancelled).toBe(1);
  });
});

/** The frame is at least as tall as the flow inside it (measured inside), so nothing is cut off. */
async function expectNotClipped(page: Page, selector: string) {
  const frame = page.locator(selector);
  const inside = page.frameLocator(selector).locator("html");
  await expect
    .poll(async () => {
      const outer = await frame.evaluate((el) => (el as HTMLIFrameElement).clientHeight);
      const inner = await inside.evaluate((el) => el.scrollHeight);
      return outer - inner;
    })
    .toBeGreaterThanOrEqual(0);
}
