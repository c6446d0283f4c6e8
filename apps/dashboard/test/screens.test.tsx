import type {
  ApiKey,
  ChurnEvent,
  ChurnStats as PeriodStats,
  RetentionOffer,
  WidgetPreviewHandle,
  WidgetPreviewOptions,
} from "@windback/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  button,
  byLabel,
  choose,
  heading,
  list,
  liveRegion,
  mount,
  signedIn,
  type,
  unmount,
} from "./app-helpers";
import { settle, waitFor } from "./helpers";

// uPlot draws on a canvas, which happy-dom does not have; the chart is checked in a real browser.
vi.mock("../src/components/series-chart", () => ({
  SeriesChart: (props: { data: { x: number[] } }) => (
    <div data-testid="chart">{props.data.x.length} points</div>
  ),
}));

afterEach(() => {
  unmount();
  sessionStorage.clear();
  localStorage.clear();
});

const text = () => document.querySelector("main")?.textContent ?? "";

describe("Allowed origins", () => {
  it("shows the server's message next to the entry it is about", async () => {
    const api = mount(
      "/dashboard/projects/acme/origins",
      signedIn({
        "GET /api/v1/projects/acme/allowed-origins": {
          status: 200,
          body: { allowed_origins: ["https://app.example.com"] },
        },
        "PUT /api/v1/projects/acme/allowed-origins": {
          status: 400,
          body: {
            error:
              'Invalid allowed origin "ftp://files.example.com": only http and https origins are allowed',
            code: "VALIDATION_FAILED",
          },
        },
      }),
    );
    await waitFor(() => expect(byLabel("Origin 1").value).toBe("https://app.example.com"));
    button("Add an origin").click();
    await waitFor(() => byLabel("Origin 2"));
    type(byLabel("Origin 2"), "ftp://files.example.com");
    await settle();
    button("Save origins").click();

    const second = byLabel("Origin 2");
    await waitFor(() => expect(second.getAttribute("aria-invalid")).toBe("true"));
    const message = document.getElementById(second.getAttribute("aria-describedby") ?? "");
    expect(message?.textContent).toMatch(/only http and https origins are allowed/);
    expect(second.closest("li")?.contains(message ?? null)).toBe(true);
    expect(byLabel("Origin 1").getAttribute("aria-invalid")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(second));
    expect(api.seen.find((r) => r.method === "PUT")?.body).toEqual({
      allowed_origins: ["https://app.example.com", "ftp://files.example.com"],
    });
  });

  it("warns that an empty list lets any site use the key", async () => {
    mount(
      "/dashboard/projects/acme/origins",
      signedIn({
        "GET /api/v1/projects/acme/allowed-origins": { status: 200, body: { allowed_origins: [] } },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/any website/));
  });
});

const KEY: ApiKey = {
  id: "11111111-1111-4111-8111-111111111111",
  key_type: "public",
  mode: "live",
  key_masked: "pub_••••••••AbCd",
  created_at: "2026-03-01T00:00:00.000Z",
  last_used_at: null,
  expires_at: null,
  revoked_at: null,
};

describe("API keys", () => {
  it("revoking asks first; Escape cancels and gives focus back", async () => {
    const api = mount(
      "/dashboard/projects/acme/keys",
      signedIn({
        "GET /api/v1/projects/acme/api-keys": { status: 200, body: list([KEY]) },
        [`DELETE /api/v1/projects/acme/api-keys/${KEY.id}`]: {
          status: 200,
          body: { data: { ...KEY, revoked_at: new Date().toISOString() } },
        },
      }),
    );
    const revoke = await waitFor(() => button("Revoke public key pub_••••••••AbCd"));
    revoke.focus();
    revoke.click();
    const dialog = await waitFor(() => {
      const found = document.querySelector<HTMLElement>("[role='dialog']");
      if (!found) throw new Error("no dialog");
      return found;
    });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby") ?? "")?.textContent).toBe(
      "Revoke pub_••••••••AbCd?",
    );
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Cancel"));

    dialog.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await waitFor(() => expect(document.querySelector("[role='dialog']")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(revoke));
    expect(api.seen.some((r) => r.method === "DELETE")).toBe(false);

    revoke.click();
    (await waitFor(() => button("Revoke the key"))).click();
    await waitFor(() => expect(text()).toMatch(/Revoked/));
    expect(api.seen.find((r) => r.method === "DELETE")?.body).toEqual({});
    await waitFor(() => expect(liveRegion()).toBe("Key pub_••••••••AbCd revoked"));
  });

  it("a new key is shown once with a warning, and a public one fills the Install snippets", async () => {
    const created = {
      ...KEY,
      id: "22222222-2222-4222-8222-222222222222",
      key: "pub_newRawKeyValue1234",
    };
    mount(
      "/dashboard/projects/acme/keys",
      signedIn({
        "GET /api/v1/projects/acme/api-keys": { status: 200, body: list([KEY, created]) },
        "POST /api/v1/projects/acme/api-keys": { status: 201, body: { data: created } },
        "GET /dashboard/widget-manifest.json": {
          status: 404,
          body: { error: "Not found", code: "NOT_FOUND" },
        },
      }),
    );
    (await waitFor(() => button("Create public key"))).click();
    await waitFor(() => expect(text()).toMatch(/Copy it now: it will not be shown again/));
    expect(text()).toContain("pub_newRawKeyValue1234");

    (document.querySelector("a[href$='/install']") as HTMLAnchorElement).click();
    await waitFor(() => expect(heading()).toBe("Install"));
    await waitFor(() => expect(text()).toContain('data-api-key="pub_newRawKeyValue1234"'));
    // Without the widget manifest the pinned variant says why, and the rest still works.
    await waitFor(() => expect(text()).toMatch(/widget-manifest\.json/));
  });
});

describe("Install", () => {
  it("explains the placeholder, creates a public key on request, and copies with an announcement", async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const api = mount(
      "/dashboard/projects/acme/install",
      signedIn({
        "GET /api/v1/projects/acme/api-keys": { status: 200, body: list([KEY]) },
        "POST /api/v1/projects/acme/api-keys": {
          status: 201,
          body: {
            data: {
              ...KEY,
              id: "33333333-3333-4333-8333-333333333333",
              key: "pub_fromInstall0000",
            },
          },
        },
        "GET /dashboard/widget-manifest.json": {
          status: 200,
          body: {
            widget: {
              file: "widget.js",
              hashedFile: "widget.0a1b2c3d.js",
              hash: "0a1b2c3d",
              integrity: "sha384-xyz",
              rawBytes: 1,
              gzipBytes: 1,
              brotliBytes: 1,
            },
          },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/stores only a fingerprint/));
    expect(text()).toContain("pub_YOUR_PUBLIC_KEY");
    expect(text()).toContain('integrity="sha384-xyz"');

    button("Create a public key").click();
    await waitFor(() => expect(text()).toContain('data-api-key="pub_fromInstall0000"'));
    expect(api.seen.find((r) => r.method === "POST")?.body).toEqual({ key_type: "public" });

    button("Copy the script tag snippet").click();
    await waitFor(() =>
      expect(liveRegion()).toBe("Copied the script tag snippet to the clipboard"),
    );
    expect(writeText.mock.calls[0]?.[0]).toContain("pub_fromInstall0000");
    expect(button("Copy the script tag snippet").textContent).toBe("Copied");
  });
});

const OFFER: RetentionOffer = {
  id: "o1",
  cancel_reason: "too_expensive",
  offer_type: "discount",
  title: "Stay and save",
  description: "",
  cta_button_text: "Claim it",
  cta_text: "Claim it",
  discount_percent: 50,
  discount_duration_months: 3,
  enabled: true,
  is_active: true,
  created_at: "2026-03-01T00:00:00.000Z",
  updated_at: "2026-03-01T00:00:00.000Z",
};

/**
 * Stands in for widget.js's `Windback.preview` (the real one runs in e2e/tests/dashboard.spec.ts
 * and packages/widget/test/preview.test.ts): records what the slot hands it.
 */
function fakeWidget() {
  const seen = {
    mounts: [] as WidgetPreviewOptions<HTMLElement>[],
    updates: [] as Parameters<WidgetPreviewHandle["update"]>[0][],
    restarts: 0,
    destroyed: 0,
  };
  const preview = vi.fn(async (options: WidgetPreviewOptions<HTMLElement>) => {
    seen.mounts.push(options);
    const element = document.createElement("windback-widget");
    element.textContent = options.offer.title;
    options.container.append(element);
    return {
      update(changes) {
        seen.updates.push(changes);
        if (changes.offer) element.textContent = changes.offer.title;
      },
      restart: () => void seen.restarts++,
      destroy() {
        element.remove();
        seen.destroyed++;
      },
    } satisfies WidgetPreviewHandle;
  });
  Object.assign(window, { Windback: { preview } });
  return seen;
}

describe("Offers", () => {
  // Every editor mounts a preview: widget.js is faked unless a test says otherwise.
  beforeEach(() => {
    fakeWidget();
  });
  afterEach(() => {
    delete (window as { Windback?: unknown }).Windback;
  });

  it("the preview mounts the widget and follows unsaved edits without any write request; saving sends the draft", async () => {
    const widget = fakeWidget();
    const api = mount(
      "/dashboard/projects/acme/offers",
      signedIn({
        "GET /api/v1/projects/acme/retention-offers": { status: 200, body: list([OFFER]) },
        "PUT /api/v1/projects/acme/retention-offers/too_expensive": (request) => ({
          status: 200,
          body: { data: { ...OFFER, ...(request.body as object) } },
        }),
      }),
    );
    (await waitFor(() => button("Edit the offer for “Too expensive”"))).click();
    const preview = await waitFor(() => {
      const found = document.querySelector("[data-widget-preview-slot]");
      if (!found?.querySelector("windback-widget")) throw new Error("no preview");
      return found;
    });
    expect(widget.mounts).toHaveLength(1);
    expect(widget.mounts[0]).toMatchObject({
      reason: "too_expensive",
      offer: { offer_type: "discount", title: "Stay and save", discount_percent: 50 },
    });
    expect(preview.querySelector(".preview-widget")?.contains(widget.mounts[0]?.container ?? null));
    expect(preview.textContent).toContain("Stay and save");

    type(byLabel("Title"), "Half price, still");
    type(byLabel("Discount (%)"), "40");
    await waitFor(() => expect(preview.textContent).toContain("Half price, still"));
    expect(widget.updates.at(-1)?.offer).toMatchObject({
      title: "Half price, still",
      discount_percent: 40,
      discount_duration_months: 3,
    });
    // Edits update the mounted preview: never a second mount.
    expect(widget.mounts).toHaveLength(1);
    expect(api.seen.filter((r) => r.method !== "GET")).toEqual([]);

    button("Start the preview over for “Too expensive”").click();
    expect(widget.restarts).toBe(1);
    widget.mounts[0]?.onDone?.({
      outcome: "saved",
      reason: "too_expensive",
      reasonLabel: null,
      feedbackText: null,
      selectedOffer: null,
      eventId: "preview",
    });
    await waitFor(() => expect(preview.textContent).toContain("outcome “saved”"));

    button("Save offer").click();
    await waitFor(() => expect(liveRegion()).toBe("Too expensive: Offer saved."));
    expect(api.seen.find((r) => r.method === "PUT")?.body).toEqual({
      offer_type: "discount",
      title: "Half price, still",
      description: "",
      cta_button_text: "Claim it",
      enabled: true,
      discount_percent: 40,
      discount_duration_months: 3,
      cta_url: null,
    });
    expect(text()).toMatch(/“Half price, still”/);
    // The editor closed: its preview is gone with it.
    expect(widget.destroyed).toBe(1);
    expect(document.querySelector("windback-widget")).toBeNull();
  });

  it("says so when widget.js cannot be loaded, and explains a disabled offer", async () => {
    delete (window as { Windback?: unknown }).Windback;
    const scripts: HTMLScriptElement[] = [];
    const append = vi.spyOn(document.head, "append").mockImplementation((...nodes) => {
      scripts.push(...(nodes as HTMLScriptElement[]));
    });
    mount(
      "/dashboard/projects/acme/offers",
      signedIn({
        "GET /api/v1/projects/acme/retention-offers": {
          status: 200,
          body: list([{ ...OFFER, enabled: false, is_active: false }]),
        },
      }),
    );
    (await waitFor(() => button("Edit the offer for “Too expensive”"))).click();
    const script = await waitFor(() => {
      const found = scripts.find((s) => s.src.endsWith("/widget.js"));
      if (!found) throw new Error("widget.js not requested");
      return found;
    });
    script.onerror?.(new Event("error"));
    const slot = document.querySelector("[data-widget-preview-slot]");
    await waitFor(() =>
      expect(slot?.querySelector('[role="alert"]')?.textContent).toMatch(
        /could not be loaded from this server/,
      ),
    );
    expect(slot?.textContent).toMatch(
      /This offer is disabled: customers who pick this reason go straight to confirming/,
    );
    expect(slot?.querySelector("windback-widget")).toBeNull();

    // A retry loads it again; this time it is there.
    const widget = fakeWidget();
    button("Try loading the preview again").click();
    await waitFor(() =>
      expect(slot?.querySelector("windback-widget")?.textContent).toBe("Stay and save"),
    );
    expect(widget.mounts).toHaveLength(1);
    append.mockRestore();
  });

  it("refuses an out-of-range value before sending, and shows the server's refusals on their input", async () => {
    const api = mount(
      "/dashboard/projects/acme/offers",
      signedIn({
        "GET /api/v1/projects/acme/retention-offers": { status: 200, body: list([]) },
        "PUT /api/v1/projects/acme/retention-offers/not_using_enough": {
          status: 400,
          body: {
            error: "body/pause_days must be an integer from 7 to 90",
            code: "VALIDATION_FAILED",
          },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/No offers yet/));
    button("Add an offer for “Not using it enough”").click();
    const days = await waitFor(() => byLabel("Pause length (days)"));
    type(days, "3");
    await settle();
    button("Save offer").click();
    await waitFor(() => expect(days.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(`${days.id}-error`)?.textContent).toBe(
      "Enter a whole number from 7 to 90.",
    );
    expect(api.seen.some((r) => r.method === "PUT")).toBe(false);

    type(days, "30");
    await settle();
    button("Save offer").click();
    await waitFor(() =>
      expect(document.getElementById(`${days.id}-error`)?.textContent).toBe(
        "body/pause_days must be an integer from 7 to 90",
      ),
    );
  });
});

function stats(submissions: number): PeriodStats {
  return {
    total_events: submissions,
    new_events: 0,
    offer_accepted_events: 0,
    recovered_events: 0,
    lost_events: 0,
    total_mrr_at_risk: 0,
    recovered_mrr: 0,
    recovery_rate: 0,
    lost_mrr: submissions ? 9800 : 0,
    claimed_mrr: { total_mrr_at_risk: 0, recovered_mrr: 0, saved_mrr: 0 },
    cancel_flow: {
      submissions,
      offers_shown: submissions ? 4 : 0,
      offers_accepted: submissions ? 3 : 0,
      offers_declined: 0,
      save_rate: 0,
      saved_mrr: submissions ? 1_470_000 : 0,
      by_reason: submissions
        ? [
            {
              reason: "too_expensive",
              submissions,
              offers_shown: 4,
              offers_accepted: 3,
              save_rate: 0.75,
            },
          ]
        : [],
    },
  };
}

describe("Analytics", () => {
  it("asks for the period in the URL and shows honest tiles", async () => {
    const api = mount(
      "/dashboard/projects/acme/analytics?from=2026-03-01&to=2026-03-08",
      signedIn({
        "GET /api/v1/projects/acme/stats": { status: 200, body: { data: stats(7) } },
        "GET /api/v1/projects/acme/stats/timeseries": {
          status: 200,
          body: {
            data: {
              interval: "day",
              points: [
                {
                  date: "2026-03-01",
                  submissions: 7,
                  offers_shown: 4,
                  offers_accepted: 3,
                  offers_declined: 0,
                  cancelled: 4,
                  saved_mrr: 0,
                  lost_mrr: 9800,
                },
              ],
            },
          },
        },
      }),
    );
    await waitFor(() => expect(text()).toContain("42.9%"));
    const statsCall = api.seen.find((r) => r.path === "/api/v1/projects/acme/stats");
    expect(statsCall?.search).toBe("?from=2026-03-01&to=2026-03-08");
    expect(api.seen.find((r) => r.path.endsWith("/timeseries"))?.search).toBe(
      "?from=2026-03-01&to=2026-03-08&interval=day",
    );
    expect(text()).toContain("3 of 7 accepted an offer");
    expect(text()).toContain("$14.7K");
    // Lost MRR of the period, from the stats.
    expect(text()).toContain("$98.00");
    await waitFor(() =>
      expect(document.querySelector("[data-testid='chart']")?.textContent).toBe("1 points"),
    );
    const reasonRow = [...document.querySelectorAll("tr")].find((tr) =>
      tr.textContent?.startsWith("Too expensive"),
    );
    // The reason's own save rate: 3 accepted of the 4 offers it showed.
    expect(reasonRow?.lastElementChild?.textContent).toBe("75%");
  });

  it("an empty period says what to do next", async () => {
    mount(
      "/dashboard/projects/acme/analytics?period=7d",
      signedIn({
        "GET /api/v1/projects/acme/stats": { status: 200, body: { data: stats(0) } },
        "GET /api/v1/projects/acme/stats/timeseries": {
          status: 200,
          body: { data: { interval: "day", points: [] } },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/Nothing in this period yet/));
    const tile = [...document.querySelectorAll(".tile")].find((t) =>
      t.textContent?.startsWith("Save rate"),
    );
    expect(tile?.querySelector(".tile-value")?.textContent).toBe("—");
    expect(
      document.querySelector("main a[href='/dashboard/projects/acme/install']"),
    ).not.toBeNull();
  });

  it("choosing a preset puts it in the URL and reloads the numbers", async () => {
    const api = mount(
      "/dashboard/projects/acme/analytics",
      signedIn({
        "GET /api/v1/projects/acme/stats": { status: 200, body: { data: stats(0) } },
        "GET /api/v1/projects/acme/stats/timeseries": {
          status: 200,
          body: { data: { interval: "day", points: [] } },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/Nothing in this period yet/));
    const seven = document.querySelector<HTMLInputElement>("input[name='period'][value='7d']");
    seven?.click();
    await waitFor(() => expect(location.search).toBe("?period=7d"));
    await waitFor(() =>
      expect(api.seen.filter((r) => r.path === "/api/v1/projects/acme/stats")).toHaveLength(2),
    );
  });
});

const EVENT: ChurnEvent = {
  offer_terms: null,
  mrr_verified: true,
  livemode: true,
  id: "44444444-4444-4444-8444-444444444444",
  project_id: "p1",
  customer_email: "bob@example.com",
  customer_name: "Bob",
  provider: "stripe",
  provider_subscription_id: "sub_1",
  plan_name: "Pro",
  mrr_cents: 4900,
  mrr: 4900,
  currency: "usd",
  tenure_days: 120,
  cancel_reason: "too_expensive",
  cancel_reason_text: null,
  status: "offer_accepted",
  source: "cancel_flow",
  offer_type: "discount",
  offer_shown: true,
  offer_declined: false,
  offer_accepted_at: "2026-03-02T10:00:00.000Z",
  created_at: "2026-03-02T09:59:00.000Z",
  updated_at: "2026-03-02T10:00:00.000Z",
};

describe("Churn events", () => {
  it("filters come from the URL, go to the API and to the CSV link", async () => {
    const api = mount(
      "/dashboard/projects/acme/events?status=offer_accepted&q=bob",
      signedIn({
        "GET /api/v1/projects/acme/churn-events": {
          status: 200,
          body: { data: [EVENT], total: 41, limit: 20, offset: 0 },
        },
      }),
    );
    await waitFor(() => expect(text()).toContain("bob@example.com"));
    expect(api.seen.find((r) => r.path.endsWith("/churn-events"))?.search).toBe(
      "?status=offer_accepted&q=bob&limit=20&offset=0",
    );
    expect(document.querySelector<HTMLAnchorElement>("a[download]")?.getAttribute("href")).toBe(
      "/api/v1/projects/acme/churn-events.csv?status=offer_accepted&q=bob",
    );
    expect(document.querySelector("caption")?.textContent).toBe(
      "Churn events matching the filters, 1–1 of 41",
    );
    expect(text()).toContain("$49.00");
    expect(document.querySelector<HTMLAnchorElement>("nav.pager a")?.getAttribute("href")).toBe(
      "/dashboard/projects/acme/events?status=offer_accepted&q=bob&offset=20",
    );

    choose(byLabel<HTMLSelectElement>("Reason"), "other");
    await waitFor(() => expect(location.search).toBe("?status=offer_accepted&reason=other&q=bob"));
    await waitFor(() =>
      expect(api.seen.filter((r) => r.path.endsWith("/churn-events"))).toHaveLength(2),
    );
  });

  it("with no events at all, it points to Install", async () => {
    mount(
      "/dashboard/projects/acme/events",
      signedIn({
        "GET /api/v1/projects/acme/churn-events": {
          status: 200,
          body: { data: [], total: 0, limit: 20, offset: 0 },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/No events yet/));
    expect(
      document.querySelector("main a[href='/dashboard/projects/acme/install']")?.textContent,
    ).toBe("Install the widget");
  });

  it("the detail marks an event recovered after a confirmation, and shows a refused transition", async () => {
    const api = mount(
      `/dashboard/projects/acme/events/${EVENT.id}`,
      signedIn({
        [`GET /api/v1/projects/acme/churn-events/${EVENT.id}`]: {
          status: 200,
          body: { data: EVENT },
        },
        [`POST /api/v1/projects/acme/churn-events/${EVENT.id}/recovered`]: {
          status: 200,
          body: { data: { ...EVENT, status: "recovered" } },
        },
        [`POST /api/v1/projects/acme/churn-events/${EVENT.id}/lost`]: {
          status: 400,
          body: {
            error: "The churn event is already recovered, which is final",
            code: "INVALID_TRANSITION",
          },
        },
      }),
    );
    await waitFor(() => expect(heading()).toBe("Churn event: bob@example.com"));
    button("Mark lost…").click();
    (await waitFor(() => button("Mark lost"))).click();
    await waitFor(() =>
      expect(document.querySelector("[role='dialog'] [role='alert']")?.textContent).toBe(
        "The churn event is already recovered, which is final",
      ),
    );
    button("Cancel").click();
    button("Mark recovered…").click();
    (await waitFor(() => button("Mark recovered"))).click();
    await waitFor(() => expect(text()).toMatch(/This event is recovered, which is final/));
    expect(api.seen.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([{}, {}]);
  });
});
