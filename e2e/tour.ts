/**
 * `pnpm demo:tour`: starts the API and the demo (free ports, throwaway database), then uses the
 * demo as a customer would, saving a numbered screenshot at every step in demo-output/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type FrameLocator, type Page } from "@playwright/test";
import { ROOT, type Stack, startStack } from "./support/stack";

const OUT = join(ROOT, "demo-output");
/** The dashboard's screenshots, shown in README.md's Dashboard section. */
const DASHBOARD_OUT = join(ROOT, "docs/screenshots");
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
  // Before the customer flows below: the seed CLI skips a project that already has events.
  seedHistory(stack);
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

    console.log("4. The merchant's dashboard, with four weeks of history:");
    await dashboardTour(browser, stack);
  } finally {
    await browser.close();
    await stack.stop();
  }
  console.log(`${readdirSync(OUT).length} screenshots in demo-output/`);
}

/** Waits until the dashboard screen's heading is in place and nothing on it is still loading. */
async function dashboardReady(page: Page) {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll(".state-loading").length === 0, null, {
    timeout: 30_000,
  });
}

async function dashboardShot(page: Page, name: string) {
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  );
  const file = join(DASHBOARD_OUT, `dashboard-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  ${file.slice(ROOT.length + 1)}`);
}

/** Four weeks of realistic churn events for the demo project, as `pnpm start` seeds them. */
function seedHistory(stack: Stack) {
  const cli = join(ROOT, "apps/api/dist/cli/seed-demo-history.js");
  const seeded = spawnSync(
    process.execPath,
    [cli, "--email", stack.credentials.email, "--slug", "acme"],
    { env: { ...process.env, DATABASE_PATH: stack.databasePath }, stdio: "inherit" },
  );
  if (seeded.status !== 0) throw new Error("seeding the demo history failed");
}

async function dashboardTour(browser: import("@playwright/test").Browser, stack: Stack) {
  mkdirSync(DASHBOARD_OUT, { recursive: true });
  for (const old of readdirSync(DASHBOARD_OUT).filter((f) => f.startsWith("dashboard-"))) {
    rmSync(join(DASHBOARD_OUT, old));
  }

  for (const scheme of ["light", "dark"] as const) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: scheme,
    });
    const page = await context.newPage();
    const dashboard = `${stack.apiUrl}/dashboard`;
    const project = `${dashboard}/projects/acme`;
    await page.goto(`${dashboard}/login`);
    await dashboardReady(page);
    if (scheme === "light") await dashboardShot(page, "login");
    await page.getByLabel("Email").fill(stack.credentials.email);
    await page.getByLabel("Password").fill(stack.credentials.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard\/projects\//);
    if (scheme === "dark") {
      await page.goto(`${project}/analytics?period=30d`);
      await dashboardReady(page);
      await page.locator(".uplot").waitFor();
      await dashboardShot(page, "analytics-dark");
      await context.close();
      continue;
    }
    const screens: Array<[string, string, ((page: Page) => Promise<void>)?]> = [
      ["analytics", `${project}/analytics?period=30d`, (p) => p.locator(".uplot").waitFor()],
      ["churn-events", `${project}/events`],
      [
        "offers",
        `${project}/offers`,
        async (p) => {
          await p.getByRole("button", { name: "Edit the offer for “Too expensive”" }).click();
          // The real widget, mounted in the preview's shadow root.
          await p
            .locator("[data-widget-preview-slot] windback-widget")
            .getByRole("dialog")
            .waitFor();
        },
      ],
      ["install", `${project}/install`],
      ["api-keys", `${project}/keys`],
      ["allowed-origins", `${project}/origins`],
      ["settings", `${project}/settings`],
      ["projects", `${dashboard}/projects`],
      ["account", `${dashboard}/account`],
    ];
    for (const [name, url, prepare] of screens) {
      await page.goto(url);
      await dashboardReady(page);
      if (prepare) await prepare(page);
      await dashboardShot(page, name);
    }
    await webhooksTour(page, project);
    // One event's detail, from the list.
    await page.goto(`${project}/events`);
    await dashboardReady(page);
    await page.locator("table tbody a").first().click();
    await dashboardReady(page);
    await dashboardShot(page, "churn-event");
    await context.close();
  }
}

/**
 * Webhooks with an endpoint at a receiver on 127.0.0.1 (the stack allows private targets) and
 * its log after a test message; then Stripe with the URL filled by a public key made in this tab.
 */
async function webhooksTour(page: Page, project: string) {
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/windback-webhooks`;
  try {
    await page.goto(`${project}/webhooks`);
    await dashboardReady(page);
    await page.getByRole("button", { name: "Add an endpoint" }).click();
    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByLabel("Description (optional)").fill("Billing backend");
    await page.getByRole("button", { name: "Add the endpoint" }).click();
    await page.getByRole("button", { name: "I have copied it" }).click();
    await page.getByRole("button", { name: `Send test to ${url}` }).click();
    await page.locator("tr[data-delivery-status='succeeded']").waitFor();
    await dashboardReady(page);
    await dashboardShot(page, "webhooks");
  } finally {
    receiver.close();
    receiver.closeAllConnections();
  }

  await page.goto(`${project}/keys`);
  await dashboardReady(page);
  await page.getByRole("button", { name: "Create public key" }).click();
  await page.locator(".new-key").waitFor();
  await page.goto(`${project}/integrations/stripe`);
  await dashboardReady(page);
  await page
    .getByLabel("Signing secret", { exact: true })
    .fill("whsec_tourExampleSecret0123456789");
  await page.getByRole("button", { name: "Save the secret" }).click();
  await page.getByText("A signing secret is set").waitFor();
  await dashboardShot(page, "stripe");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
