/**
 * `/frame-host.js` as a merchant uses it: loaded from the API on the demo's origin, then
 * `WindbackFrame.mount(container, options)` called by the page, its promise read as is.
 */
import type { Page, Route } from "@playwright/test";
import { churnEventsFor, expect, type FlowResult, type StackInfo, test } from "../support/fixtures";

interface Mounted {
  result: FlowResult & { error?: { code: string; message: string; status: number | null } };
  elapsedMs: number;
}

declare global {
  interface Window {
    WindbackFrame?: {
      mount(container: HTMLElement, options: Record<string, unknown>): Promise<FlowResult>;
    };
    mounted?: Promise<Mounted>;
  }
}

/**
 * Opens the demo's iframe page (which loads `<API>/frame-host.js`) and mounts a frame into a
 * container of its own, as a merchant's cancel page would: no apiBase, so frame-host.js uses
 * the origin it was loaded from. The demo project requires verified customers, so the page
 * signs `email` in (`?email=`) and passes the token its server mints (docs/design.md §11).
 */
async function mountFrame(page: Page, stack: StackInfo, email: string): Promise<void> {
  await page.goto(`${stack.demoUrl}/iframe.html?email=${encodeURIComponent(email)}`);
  await page.waitForFunction(() => typeof window.WindbackFrame?.mount === "function");
  await page.evaluate(
    async ({ apiKey, customerEmail }) => {
      const container = document.createElement("div");
      container.id = "cancel-flow";
      document.body.append(container);
      const minted = await fetch("/customer-token").then((r) => (r.ok ? r.json() : null));
      const started = performance.now();
      window.mounted = (window.WindbackFrame as NonNullable<Window["WindbackFrame"]>)
        .mount(container, {
          apiKey,
          customerEmail,
          customerName: "Ada Lovelace",
          planName: "Pro",
          mrr: 4900,
          ...(minted?.token && { customerToken: minted.token }),
        })
        .then((result) => ({ result, elapsedMs: performance.now() - started }) as Mounted);
    },
    { apiKey: stack.publicKey, customerEmail: email },
  );
}

test("the save path resolves saved and the event is offer_accepted in storage", async ({
  page,
  stack,
  email,
}) => {
  await mountFrame(page, stack, email);
  const frameElement = page.locator('#cancel-flow iframe[title="Cancel subscription"]');
  await expect(frameElement).toHaveAttribute("src", new RegExp(`^${stack.apiUrl}/embed\\?key=`));
  const frame = page.frameLocator('#cancel-flow iframe[title="Cancel subscription"]');
  await frame.getByRole("radio", { name: "It's too expensive" }).check();
  await frame.getByRole("button", { name: "Continue" }).click();
  await expect(frame.getByRole("heading", { name: "Stay for 30% less" })).toBeVisible();
  await frame.getByRole("button", { name: "Claim 30% off" }).click();

  const { result } = await page.evaluate(() => window.mounted as Promise<Mounted>);
  expect(result).toMatchObject({
    outcome: "saved",
    reason: "too_expensive",
    selectedOffer: { offer_type: "discount", discount_percent: 30 },
  });
  expect(result.eventId).toEqual(expect.any(String));
  await expect(frameElement).toHaveCount(0);

  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    id: result.eventId,
    status: "offer_accepted",
    offer_type: "discount",
    source: "cancel_flow",
    customer_name: "Ada Lovelace",
    plan_name: "Pro",
  });
});

for (const failure of ["aborted", "hanging"] as const) {
  test(`a frame whose /embed request is ${failure} resolves error within 3 s`, async ({
    page,
    stack,
    email,
  }) => {
    const held: Route[] = [];
    await page.route(
      (url) => url.origin === new URL(stack.apiUrl).origin && url.pathname === "/embed",
      (route) => (failure === "aborted" ? route.abort() : void held.push(route)),
    );
    await mountFrame(page, stack, email);
    const { result, elapsedMs } = await page.evaluate(() => window.mounted as Promise<Mounted>);

    expect(result.outcome).toBe("error");
    expect(result.error).toMatchObject({ code: "FRAME_TIMEOUT", status: null });
    expect(result.eventId).toBeNull();
    expect(elapsedMs).toBeGreaterThanOrEqual(2900);
    expect(elapsedMs).toBeLessThan(3500);
    await expect(page.locator("#cancel-flow iframe")).toHaveCount(0);
    expect(await churnEventsFor(email)).toEqual([]);
    for (const route of held) await route.abort().catch(() => undefined);
  });
}
