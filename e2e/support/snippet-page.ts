/**
 * Pages a test writes itself (route.fulfill) on the demo's allowed origin. Chromium gives such a
 * response no network address, so it counts as a public page and its Local Network Access check
 * refuses its requests to the API on 127.0.0.1; the demo's real pages (served from loopback) are
 * not affected. Specs that use these pages run in a browser launched without that check.
 */
import { existsSync } from "node:fs";
import type { PlaywrightTestOptions, PlaywrightWorkerOptions } from "@playwright/test";

const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const snippetBrowser: Partial<PlaywrightTestOptions & PlaywrightWorkerOptions> = {
  launchOptions: {
    ...(executablePath && { executablePath }),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-features=LocalNetworkAccessChecks",
    ],
  },
};
