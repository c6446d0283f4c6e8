/**
 * The iframe embed on the demo's iframe page, hosted by the API's /frame-host.js: the flow, the
 * postMessage channel and who may frame /embed.
 */
import { churnEventsFor, expect, flowResult, test } from "../support/fixtures";

interface Seen {
  origin: string;
  type: string;
}

declare global {
  interface Window {
    seenMessages?: Seen[];
  }
}

/** Records every windback message the page receives, before frame-host.js's listener runs. */
const RECORDER = () => {
  window.seenMessages = [];
  window.addEventListener("message", (event: MessageEvent) => {
    const type = (event.data as { windback?: { type?: unknown } } | null)?.windback?.type;
    if (typeof type === "string") window.seenMessages?.push({ origin: event.origin, type });
  });
};

test("the iframe flow works end to end; only the API's frame is heard", async ({
  page,
  stack,
  email,
}) => {
  const apiOrigin = new URL(stack.apiUrl).origin;
  await page.addInitScript(RECORDER);
  await page.goto(`${stack.demoUrl}/iframe.html?email=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  const frame = page.frameLocator('iframe[title="Cancel subscription"]');
  const frameElement = page.locator('iframe[title="Cancel subscription"]');
  await expect(frame.getByRole("heading", { name: "Why are you cancelling?" })).toBeVisible();
  const fromApiSoFar = () =>
    page.evaluate(
      (origin) => window.seenMessages?.filter((m) => m.origin === origin).map((m) => m.type),
      apiOrigin,
    );
  await expect.poll(fromApiSoFar).toEqual(expect.arrayContaining(["ready", "resize"]));
  // frame-host.js acted on both: "ready" moved focus into the frame, "resize" sized it.
  await expect(frameElement).toBeFocused();
  await expect
    .poll(() =>
      frameElement.evaluate((el) => Number.parseFloat((el as HTMLIFrameElement).style.height)),
    )
    .toBeGreaterThan(120);

  // Forged results: one from the page's own origin, one from a disallowed origin's frame.
  await page.evaluate(() =>
    window.postMessage({ windback: { type: "submit", result: { outcome: "cancelled" } } }, "*"),
  );
  await page.evaluate((src) => {
    const child = document.createElement("iframe");
    child.id = "intruder";
    child.src = src;
    document.body.append(child);
  }, `${stack.otherUrl}/cancel`);
  const intruder = await page.locator("#intruder").contentFrame();
  await expect(intruder.getByRole("heading", { name: "Cancel your subscription?" })).toBeVisible();
  const intruderFrame = page.frame({ url: `${stack.otherUrl}/cancel` });
  if (!intruderFrame) throw new Error("the intruder frame did not load");
  await intruderFrame.evaluate(() =>
    window.parent.postMessage(
      { windback: { type: "offer_accepted", result: { outcome: "saved" } } },
      "*",
    ),
  );
  await expect
    .poll(() => page.evaluate(() => window.seenMessages?.filter((m) => m.type !== "resize")))
    .toEqual(
      expect.arrayContaining([
        { origin: new URL(stack.demoUrl).origin, type: "submit" },
        { origin: new URL(stack.otherUrl).origin, type: "offer_accepted" },
      ]),
    );
  // Both reached the window, and frame-host.js ignored both: no result, the frame stays open.
  await expect(page.locator("body")).not.toHaveAttribute("data-windback-outcome");
  await expect(frameElement).toHaveCount(1);
  await expect(frame.getByRole("dialog")).toBeVisible();

  await frame.getByRole("radio", { name: "It's too expensive" }).check();
  await frame.getByRole("button", { name: "Continue" }).click();
  await expect(frame.getByRole("heading", { name: "Stay for 30% less" })).toBeVisible();
  await frame.getByRole("button", { name: "Claim 30% off" }).click();

  const result = await flowResult(page);
  expect(result.outcome).toBe("saved");
  await expect(page.locator("#status")).toHaveText("You're staying with 30% off for 3 months");
  await expect(page.locator('iframe[title="Cancel subscription"]')).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Cancel subscription" })).toBeFocused();

  const seen = (await page.evaluate(() => window.seenMessages)) ?? [];
  const resizes = seen.filter((m) => m.type === "resize");
  expect(resizes.length).toBeGreaterThan(0);
  expect(resizes.every((m) => m.origin === apiOrigin)).toBe(true);
  // The API's frame said ready first and gave one result, offer_accepted; the forged two came
  // from elsewhere, and a last resize may arrive after the result, once the frame is closed.
  const fromApi = seen.filter((m) => m.origin === apiOrigin).map((m) => m.type);
  expect(fromApi[0]).toBe("ready");
  const results = fromApi.filter((type) => type !== "ready" && type !== "resize");
  expect(results).toEqual(["offer_accepted"]);
  expect(fromApi.slice(fromApi.indexOf("offer_accepted") + 1).every((t) => t === "resize")).toBe(
    true,
  );

  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ status: "offer_accepted", offer_type: "discount" });
});

test("the browser refuses to frame /embed on a disallowed origin", async ({
  page,
  stack,
  email,
}) => {
  const csp: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("frame-ancestors")) csp.push(message.text());
  });
  await page.addInitScript(RECORDER);
  await page.goto(`${stack.otherUrl}/iframe.html?email=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: "Cancel subscription" }).click();

  // Chromium reports the refusal on the console; the frame never runs the widget.
  await expect.poll(() => csp.length).toBeGreaterThan(0);
  expect(csp[0]).toMatch(
    /violates the following Content Security Policy directive: "frame-ancestors/,
  );
  const apiFrames = page.frames().filter((f) => f.url().startsWith(stack.apiUrl));
  for (const f of apiFrames) {
    expect(await f.evaluate(() => document.body?.innerHTML ?? "").catch(() => "")).toBe("");
  }
  expect(await page.evaluate(() => window.seenMessages)).toEqual([]);

  // No "ready" ever arrives, so frame-host.js resolves "error" and the demo falls back to its
  // own cancellation.
  await page.waitForURL(`${stack.otherUrl}/cancel`, { timeout: 10_000 });
  expect(await page.evaluate(() => sessionStorage.getItem("windback:lastOutcome"))).toBe("error");
  expect(await churnEventsFor(email)).toEqual([]);
});
