/** A host page whose CSS attacks everything must not change a pixel of the widget. */
import type { Page } from "@playwright/test";
import { expect, loadDemo, openWidget, settle, test } from "../support/fixtures";

const PARTS = [
  ".wb-dialog",
  ".wb-title",
  ".wb-intro",
  ".wb-reason",
  ".wb-reason input",
  ".wb-btn",
  ".wb-close",
] as const;
const PROPERTIES = [
  "font-family",
  "font-size",
  "font-weight",
  "line-height",
  "color",
  "background-color",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "border-top-left-radius",
  "border-top-width",
  "border-top-color",
  "display",
  "text-decoration-line",
] as const;

/** Computed styles and boxes of every part of the dialog, read inside the shadow root. */
async function measure(page: Page) {
  return page.locator("windback-widget").evaluate(
    (host, { parts, properties }) => {
      const root = host.shadowRoot;
      if (!root) throw new Error("no open shadow root");
      const out: Record<string, unknown[]> = {};
      for (const selector of parts) {
        out[selector] = [...root.querySelectorAll(selector)].map((el) => {
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            text: el.textContent?.trim().slice(0, 40),
            box: [box.x, box.y, box.width, box.height].map((n) => Math.round(n * 10) / 10),
            ...Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)])),
          };
        });
      }
      return out;
    },
    { parts: PARTS as readonly string[], properties: PROPERTIES as readonly string[] },
  );
}

async function openAt(page: Page, url: string) {
  await loadDemo(page, url);
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await settle(page);
  return measure(page);
}

test("the hostile page renders the widget exactly like the clean page", async ({
  browser,
  stack,
  email,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const clean = await context.newPage();
  const hostile = await context.newPage();
  const query = `?email=${encodeURIComponent(email)}`;
  const expected = await openAt(clean, `${stack.demoUrl}/${query}`);
  const actual = await openAt(hostile, `${stack.demoUrl}/hostile.html${query}`);

  // The hostile CSS really is in force on the host page.
  expect(await hostile.locator("h1").evaluate((el) => getComputedStyle(el).fontFamily)).not.toEqual(
    await clean.locator("h1").evaluate((el) => getComputedStyle(el).fontFamily),
  );
  for (const part of PARTS) {
    expect(actual[part]?.length, `${part} is rendered`).toBeGreaterThan(0);
    expect(actual[part], `${part} on the hostile page`).toEqual(expected[part]);
  }

  // Above the sticky header with the same huge z-index: the widget wins at the dialog's centre
  // and where the header is.
  const dialog = await hostile.getByRole("dialog").boundingBox();
  if (!dialog) throw new Error("no dialog box");
  const hits = await hostile.evaluate(
    ([x, y]) => [
      document.elementFromPoint(x, y)?.localName,
      document.elementFromPoint(10, 20)?.localName,
    ],
    [dialog.x + dialog.width / 2, dialog.y + dialog.height / 2] as const,
  );
  expect(hits).toEqual(["windback-widget", "windback-widget"]);
  await context.close();
});
