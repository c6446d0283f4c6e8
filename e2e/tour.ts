/**
 * `pnpm demo:tour`: starts the API and the demo (free ports, throwaway database), then uses the
 * demo as a customer would, saving a numbered screenshot at every step in demo-output/.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium, type FrameLocator, type Page } from "@playwright/test";
import { ROOT, startStack } from "./support/stack";

const OUT = join(ROOT, "demo-output");
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

let shot = 0;
async function snap(page: Page, name: string) {
  shot += 1;
  const file = join(OUT, `${String(shot).padStart(2, "0")}-${name}.png`);
  // Let entrance animations finish so every picture shows the final state.
  await page.evaluate(() =>
    Promise.all(
      [
        ...document.getAnimations(),
        ...(document.querySelector("windback-widget")?.shadowRoot?.getAnimations() ?? []),
      ].map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: file });
  console.log(`  ${file.slice(ROOT.length + 1)}`);
}

async function waitForWidget(page: Page) {
  await page.waitForFunction(
    () => typeof (window as { Windback?: { version?: unknown } }).Windback?.version === "string",
  );
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  console.log("Starting the API and the demo…");
  const stack = await startStack();
  const browser = await chromium.launch({
    ...(executablePath && { executablePath }),
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();

    console.log("1. A customer who finds it too expensive takes the discount:");
    await page.goto(`${stack.demoUrl}/?email=ada@example.com`);
    await waitForWidget(page);
    await snap(page, "billing-page");
    await page.getByRole("link", { name: "Cancel subscription" }).click();
    await page.getByRole("dialog").waitFor();
    await snap(page, "reasons");
    await page.getByRole("radio", { name: "It's too expensive" }).check();
    await snap(page, "reason-chosen");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Stay for 30% less" }).waitFor();
    await snap(page, "offer");
    await page.getByRole("button", { name: "Claim 30% off" }).click();
    await page.locator("body[data-windback-outcome=saved]").waitFor();
    await snap(page, "saved");

    console.log("2. Another customer declines the pause and cancels:");
    await page.goto(`${stack.demoUrl}/?email=grace@example.com`);
    await waitForWidget(page);
    await page.getByRole("link", { name: "Cancel subscription" }).click();
    await page.getByRole("radio", { name: "I don't use it enough" }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Take a break instead" }).waitFor();
    await snap(page, "pause-offer");
    await page.getByRole("button", { name: "No thanks, cancel" }).click();
    await page.getByRole("heading", { name: "Confirm cancellation" }).waitFor();
    await snap(page, "confirm");
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await page.locator("body[data-windback-outcome=cancelled]").waitFor();
    await snap(page, "cancelled");

    console.log("3. The same flow through the iframe embed, in dark mode:");
    await page.goto(`${stack.demoUrl}/iframe.html?email=alan@example.com&theme=dark`);
    await page.getByRole("link", { name: "Cancel subscription" }).click();
    const frame: FrameLocator = page.frameLocator('iframe[title="Cancel subscription"]');
    await frame.getByRole("heading", { name: "Why are you cancelling?" }).waitFor();
    // frame-host.js has sized the frame to the flow.
    await page.waitForFunction(
      () => document.querySelector<HTMLIFrameElement>("iframe")?.style.height !== "",
    );
    await snap(page, "iframe-reasons");
    await frame.getByRole("radio", { name: "I don't need it anymore" }).check();
    await frame.getByRole("button", { name: "Continue" }).click();
    await frame.getByRole("heading", { name: "Keep the essentials on Starter" }).waitFor();
    await snap(page, "iframe-offer");
    await frame.getByRole("button", { name: "Switch to Starter" }).click();
    await page.locator("body[data-windback-outcome=saved]").waitFor();
    await snap(page, "iframe-saved");

    await context.close();
  } finally {
    await browser.close();
    await stack.stop();
  }
  console.log(`${readdirSync(OUT).length} screenshots in demo-output/`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
