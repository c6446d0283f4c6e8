/**
 * The merchant dashboard in real Chromium against the real API (docs/design.md §8): a new
 * merchant signs up, makes keys, allows the demo origin, edits an offer while the real widget
 * previews it (clicked through, recording nothing), runs
 * the widget from the demo origin, and finds the submissions in Churn events, the CSV export and
 * Analytics; then the session ends on logout and a cross-origin change with the cookie is refused.
 */
import { readFileSync } from "node:fs";
import { type Page, request as playwrightRequest, type Request } from "@playwright/test";
import { expect, flowResult, loadDemo, openWidget, test } from "../support/fixtures";
import { type DemoServer, freePort, startDemo } from "../support/stack";

const PASSWORD = "correct horse battery";

/** Requests that could change something on the server: anything but GET/HEAD/OPTIONS to /api/. */
function watchWrites(page: Page): Request[] {
  const writes: Request[] = [];
  page.on("request", (req) => {
    if (req.url().includes("/api/") && !["GET", "HEAD", "OPTIONS"].includes(req.method())) {
      writes.push(req);
    }
  });
  return writes;
}

/** The project slug of the screen on view (`/dashboard/projects/:slug/...`). */
function slugOf(page: Page): string {
  const match = /\/dashboard\/projects\/([^/?]+)\//.exec(page.url());
  if (!match?.[1]) throw new Error(`not on a project screen: ${page.url()}`);
  return match[1];
}

test("a new merchant goes from sign-up to a recorded, exported and counted cancellation", async ({
  page,
  browser,
  stack,
  email,
}) => {
  test.setTimeout(120_000);
  const dashboard = `${stack.apiUrl}/dashboard`;
  const merchant = `merchant-${email}`;
  let demo: DemoServer | undefined;

  try {
    await test.step("sign up", async () => {
      await page.goto(`${dashboard}/signup`);
      await page.getByLabel("Name").fill("Mia Merchant");
      await page.getByLabel("Email").fill(merchant);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(/\/dashboard\/projects\/[^/]+\//);
    });
    const slug = slugOf(page);
    const at = (screen: string) => `${dashboard}/projects/${slug}/${screen}`;

    const { publicKey, secretKey } =
      await test.step("create keys: each raw key is shown once", async () => {
        await page.goto(at("keys"));
        await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
        await page.getByRole("button", { name: "Create public key" }).click();
        const fresh = page.getByRole("region", { name: "New public key" });
        await expect(fresh).toContainText("it will not be shown again");
        const publicKey = ((await fresh.locator("code").textContent()) ?? "").trim();
        expect(publicKey).toMatch(/^pub_[A-Za-z0-9_-]{20,}$/);
        await fresh.getByRole("button", { name: "I have copied it" }).click();

        await page.getByRole("button", { name: "Create secret key" }).click();
        const secret = page.getByRole("region", { name: "New secret key" });
        const secretKey = ((await secret.locator("code").textContent()) ?? "").trim();
        expect(secretKey).toMatch(/^sk_[A-Za-z0-9_-]{20,}$/);
        // The list shows it masked, by its last four characters.
        await expect(page.getByRole("table")).toContainText(secretKey.slice(-4));

        await page.reload();
        await expect(page.getByRole("table")).toContainText(secretKey.slice(-4));
        const html = await page.content();
        expect(html).not.toContain(secretKey);
        expect(html).not.toContain(publicKey);
        // Not kept anywhere the page could show it from again (public keys may stay in this tab
        // for the Install snippets; secret keys never).
        const stored = await page.evaluate(() =>
          JSON.stringify({ ...localStorage, ...sessionStorage }),
        );
        expect(stored).not.toContain(secretKey);
        return { publicKey, secretKey };
      });

    // The demo page needs the key, and the project needs the page's origin: reserve the port.
    const port = await freePort();
    const demoOrigin = `http://localhost:${port}`;

    await test.step("allow the demo page's origin", async () => {
      await page.goto(at("origins"));
      await page.getByRole("button", { name: "Add an origin" }).click();
      await page.getByRole("textbox", { name: "Origin 1" }).fill("not an origin");
      await page.getByRole("button", { name: "Save origins" }).click();
      // The server's message, next to the entry it refuses.
      await expect(page.getByRole("textbox", { name: "Origin 1" })).toHaveAttribute(
        "aria-invalid",
        "true",
      );
      await page.getByRole("textbox", { name: "Origin 1" }).fill(demoOrigin);
      await page.getByRole("button", { name: "Save origins" }).click();
      await expect(page.getByText("Saved.")).toBeVisible();
      await page.reload();
      await expect(page.getByRole("textbox", { name: "Origin 1" })).toHaveValue(demoOrigin);
    });

    await test.step("edit an offer: the real widget previews the draft and records nothing", async () => {
      // Everything the page sends from here on, to check the preview's traffic.
      const sent: Request[] = [];
      const record = (req: Request) => sent.push(req);
      page.on("request", record);
      await page.goto(at("offers"));
      await page
        .getByRole("button", { name: /^(Add an offer|Edit the offer) for “Too expensive”$/ })
        .click();
      const writes = watchWrites(page);
      await page.getByLabel("Offer type").selectOption("discount");
      await page.getByLabel("Discount (%)").fill("40");
      await page.getByLabel("For how many months").fill("2");
      await page.getByLabel("Title").fill("Stay for 40% less");
      await page.getByLabel("Button text").fill("Take 40% off");

      // The widget's own dialog, in its open shadow root (Playwright's locators pierce it).
      const preview = page.locator("[data-widget-preview-slot]");
      const dialog = preview.locator("windback-widget").getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Stay for 40% less" })).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Take 40% off" })).toBeVisible();
      await expect(dialog).toContainText("40% off for 2 months");
      await page.getByLabel("Title").fill("Stay with us for 40% less");
      await expect(
        dialog.getByRole("heading", { name: "Stay with us for 40% less" }),
      ).toBeVisible();
      // Updated in place, never mounted twice.
      await expect(preview.locator("windback-widget")).toHaveCount(1);

      await test.step("click through the preview: take the offer, refuse it, close it", async () => {
        const startOver = preview.getByRole("button", { name: /^Start the preview over/ });
        await dialog.getByRole("button", { name: "Take 40% off" }).click();
        await expect(dialog.getByRole("heading", { name: "Thank you." })).toBeVisible();
        await expect(preview).toContainText("outcome “saved”");

        await startOver.click();
        await dialog.getByRole("button", { name: "No thanks, cancel" }).click();
        await expect(dialog.getByRole("heading", { name: "Confirm cancellation" })).toBeVisible();
        await dialog.getByRole("button", { name: "Cancel subscription" }).click();
        await expect(preview).toContainText("outcome “cancelled”");

        await startOver.click();
        await expect(
          dialog.getByRole("heading", { name: "Stay with us for 40% less" }),
        ).toBeVisible();
        await dialog.getByRole("button", { name: "Close" }).click();
        await expect(preview).toContainText("outcome “dismissed”");
      });

      page.off("request", record);
      // The real widget came from this server (loader and its UI file)...
      const paths = sent.map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
      expect(paths).toContain("GET /widget.js");
      expect(paths.some((p) => /^GET \/ui\.[0-9a-f]{8}\.js$/.test(p))).toBe(true);
      // ...and never called the cancel-flow API or /track, nor wrote anything anywhere.
      expect(paths.filter((p) => /\/api\/v1\/(cancel-flow\/|track)/.test(p))).toEqual([]);
      expect(writes.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
      const events = await fetch(`${stack.apiUrl}/api/v1/churn-events?limit=10`, {
        headers: { Authorization: `Bearer ${secretKey}` },
      });
      expect(((await events.json()) as { total: number }).total).toBe(0);

      const saved = page.waitForResponse(
        (res) =>
          res.request().method() === "PUT" && res.url().includes("/retention-offers/too_expensive"),
      );
      await page.getByRole("button", { name: "Save offer" }).click();
      expect((await saved).ok()).toBe(true);
      await expect(
        page.getByRole("listitem").filter({ hasText: "Stay with us for 40% less" }),
      ).toContainText("Enabled");
    });

    demo = await startDemo(stack.apiUrl, publicKey, port);
    const customers = { saved: `saved-${email}`, cancelled: `cancelled-${email}` };

    await test.step("the widget on the demo origin serves the saved offer", async () => {
      const customer = await browser.newPage();
      try {
        await loadDemo(customer, `${demoOrigin}/?email=${encodeURIComponent(customers.saved)}`);
        await openWidget(customer);
        await customer.getByRole("radio", { name: "It's too expensive" }).check();
        await customer.getByRole("button", { name: "Continue" }).click();
        await expect(
          customer.getByRole("heading", { name: "Stay with us for 40% less" }),
        ).toBeVisible();
        await customer.getByRole("button", { name: "Take 40% off" }).click();
        expect((await flowResult(customer)).outcome).toBe("saved");

        // A second customer, with no offer for their reason, cancels.
        await loadDemo(customer, `${demoOrigin}/?email=${encodeURIComponent(customers.cancelled)}`);
        await openWidget(customer);
        await customer.getByRole("radio", { name: "I don't use it enough" }).check();
        await customer.getByRole("button", { name: "Continue" }).click();
        await expect(customer.getByRole("heading", { name: "Confirm cancellation" })).toBeVisible();
        await customer.getByRole("button", { name: "Cancel subscription" }).click();
        expect((await flowResult(customer)).outcome).toBe("cancelled");
      } finally {
        await customer.close();
      }
    });

    await test.step("Churn events lists both; the CSV export holds the filtered rows", async () => {
      await page.goto(at("events"));
      const table = page.locator("table");
      await expect(table).toContainText(customers.saved);
      await expect(table).toContainText(customers.cancelled);

      await page.getByLabel("Customer email contains").fill("saved-");
      await page.getByLabel("Customer email contains").press("Enter");
      await expect(table).not.toContainText(customers.cancelled);
      await expect(table).toContainText(customers.saved);

      const download = page.waitForEvent("download");
      await page.getByRole("link", { name: /Export CSV \(filtered\)/ }).click();
      const file = await (await download).path();
      const lines = readFileSync(file, "utf8").trim().split(/\r?\n/);
      expect(lines[0]).toContain("customer_email");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(customers.saved);
      expect(lines[1]).toContain("too_expensive");

      await table.getByRole("link", { name: customers.saved }).click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.locator("main")).toContainText("Offer accepted");
      await expect(page.locator("main")).toContainText("Discount, accepted");
    });

    await test.step("Analytics counts both submissions and the save", async () => {
      await page.goto(at("analytics"));
      const tiles = page.getByRole("definition");
      await expect(page.locator("dl.tiles")).toContainText("Submissions");
      await expect(tiles.first()).toContainText("2");
      await expect(page.locator("dl.tiles")).toContainText("50%");
      const reasons = page.getByRole("region", { name: "Reasons" });
      await expect(reasons).toContainText("Too expensive");
      // The chart library arrived with this screen.
      await expect(page.locator(".uplot")).toBeVisible();
    });

    const cookie = (await page.context().cookies(stack.apiUrl)).find(
      (c) => c.name === "windback_session",
    );
    expect(cookie, "the session cookie").toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    const withCookie = { Cookie: `windback_session=${cookie?.value}` };
    const api = await playwrightRequest.newContext();
    try {
      await test.step("a cross-origin state change with the cookie is refused", async () => {
        const crossOrigin = await api.post(`${stack.apiUrl}/api/v1/projects`, {
          headers: { ...withCookie, Origin: demoOrigin, "Content-Type": "application/json" },
          data: { name: "Forged" },
        });
        expect(crossOrigin.status()).toBe(403);
        expect((await crossOrigin.json()).code).toBe("CSRF_REJECTED");
        // Same origin but no JSON body (what a plain HTML form sends): refused too.
        const formPost = await api.post(`${stack.apiUrl}/api/v1/projects`, {
          headers: { ...withCookie, Origin: stack.apiUrl },
          form: { name: "Forged" },
        });
        expect(formPost.status()).toBe(403);
        expect((await formPost.json()).code).toBe("CSRF_REJECTED");
        // The same cookie from the dashboard's own origin with JSON is accepted: the refusals
        // above were about the origin and the body, not the cookie.
        const own = await api.get(`${stack.apiUrl}/api/v1/projects/${slug}/retention-offers`, {
          headers: { ...withCookie, Origin: stack.apiUrl },
        });
        expect(own.status()).toBe(200);
        const names = (await own.json()).data.map((o: { title: string }) => o.title);
        expect(names).toContain("Stay with us for 40% less");
      });

      await test.step("logging out ends the session: the old cookie gets 401", async () => {
        await page.getByRole("button", { name: "Log out" }).click();
        await page.waitForURL(/\/dashboard\/login/);
        const me = await api.get(`${stack.apiUrl}/api/v1/auth/me`, { headers: withCookie });
        expect(me.status()).toBe(401);
        await page.goto(at("events"));
        await page.waitForURL(/\/dashboard\/login\?next=/);
      });
    } finally {
      await api.dispose();
    }
    // The secret key made in the dashboard works for the merchant's server.
    const events = await fetch(`${stack.apiUrl}/api/v1/churn-events?limit=10`, {
      headers: { Authorization: `Bearer ${secretKey}` },
    });
    expect(events.status).toBe(200);
    expect(((await events.json()) as { total: number }).total).toBe(2);
  } finally {
    await demo?.close();
  }
});
