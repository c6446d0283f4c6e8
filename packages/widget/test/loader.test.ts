import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WindbackApi } from "../src/loader";
import { fakeApi, key, OFFER, settle } from "./helpers";

const submitOk = () => ({ status: 200, body: { success: true, event_id: "evt_9", offer: OFFER } });

/**
 * Loads a fresh copy of the script, as a page would, after the snippet's queue stub ran. The UI
 * module is evaluated first (as if the loader had already fetched it) unless `ui` is false.
 */
async function loadScript(queue?: unknown[][], ui = true): Promise<WindbackApi> {
  vi.resetModules();
  delete window.Windback;
  delete window.WindbackUI;
  for (const tag of document.querySelectorAll("script")) tag.remove();
  if (ui) await import("../src/ui");
  if (queue) {
    const stub = Object.assign(() => {}, { q: queue.map((args) => args) });
    window.Windback = stub as never;
  }
  await import("../src/loader");
  return window.Windback as unknown as WindbackApi;
}

const shadow = () => document.querySelector("windback-widget")?.shadowRoot ?? null;
const buttonIn = (root: ShadowRoot, label: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent?.trim() === label) as
    | HTMLButtonElement
    | undefined;

let api: ReturnType<typeof fakeApi>;

/** Keeps the loader's `<script>` tags out of the DOM (happy-dom would fetch them) and returns them. */
function captureScripts(): HTMLScriptElement[] {
  const tags: HTMLScriptElement[] = [];
  vi.spyOn(document.head, "append").mockImplementation((...nodes) => {
    tags.push(...(nodes as HTMLScriptElement[]));
  });
  return tags;
}

beforeEach(() => {
  document.documentElement.lang = "en";
  api = fakeApi({
    "/api/v1/cancel-flow/submit": submitOk,
    "/api/v1/cancel-flow/accept-offer": () => ({ status: 200, body: { success: true } }),
    "/api/v1/track": () => ({ status: 200, body: { status: "ok" } }),
  });
  vi.stubGlobal("fetch", api.fetch);
});

afterEach(() => {
  vi.useRealTimers();
  document.querySelector("windback-widget")?.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("window.Windback", () => {
  it("resolves error at once, and says why, when no key is configured", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const Windback = await loadScript();
    const result = await Windback.show({ customerEmail: "a@b.co" });
    expect(result).toMatchObject({ outcome: "error", error: { code: "NOT_CONFIGURED" } });
    expect(error).toHaveBeenCalled();
    expect(document.querySelector("windback-widget")).toBeNull();
  });

  it("opens in a shadow root at the end of body and locks scrolling until closed", async () => {
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_test" });
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const pending = Windback.show({ customerEmail: "a@b.co" });
    await settle();
    const host = document.body.lastElementChild as HTMLElement;
    expect(host.tagName).toBe("WINDBACK-WIDGET");
    expect(host.style.getPropertyValue("all")).toBe("initial");
    expect(shadow()?.querySelector('[role="dialog"]')).not.toBeNull();
    expect(document.documentElement.style.overflow).toBe("hidden");
    key(shadow()?.querySelector(".wb-dialog") as HTMLElement, "Escape");
    expect(await pending).toMatchObject({ outcome: "dismissed" });
    expect(document.querySelector("windback-widget")).toBeNull();
    expect(document.documentElement.style.overflow).toBe("");
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it("returns the same promise instead of stacking a second dialog", async () => {
    const Windback = await loadScript();
    Windback.init({ publicKey: "pub_test" });
    const first = Windback.show({ customerEmail: "a@b.co" });
    await settle();
    const second = Windback.showCancelForm({ customerEmail: "a@b.co" });
    expect(second).toBe(first);
    expect(document.querySelectorAll("windback-widget")).toHaveLength(1);
  });

  it("replays queued calls, runs callbacks and listeners, and survives one that throws", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const onOfferAccepted = vi.fn(() => {
      throw new Error("host bug");
    });
    const Windback = await loadScript([
      ["init", { apiKey: "pub_test" }],
      ["show", { customerEmail: "q@b.co", onOfferAccepted }],
    ]);
    const listener = vi.fn();
    Windback.on("offer_accepted", listener);
    await settle();
    const root = shadow() as ShadowRoot;
    (root.querySelector('input[value="too_expensive"]') as HTMLInputElement).click();
    buttonIn(root, "Continue")?.click();
    await settle();
    buttonIn(root, OFFER.cta_button_text)?.click();
    await settle();
    expect(onOfferAccepted).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: "saved", eventId: "evt_9" }),
    );
    expect(listener).toHaveBeenCalledWith(expect.objectContaining({ outcome: "saved" }));
    expect(error).toHaveBeenCalledWith("[windback] a listener threw:", expect.any(Error));
    expect(api.calls("/api/v1/cancel-flow/submit")[0]).toMatchObject({ customer_email: "q@b.co" });
    expect(document.querySelector("windback-widget")).toBeNull();
  });

  it("stays callable in the stub's style after loading", async () => {
    const Windback = await loadScript();
    Windback("init", { apiKey: "pub_test" });
    const pending = Windback("show", { customerEmail: "a@b.co" }) as Promise<unknown>;
    await settle();
    expect(shadow()).not.toBeNull();
    buttonIn(shadow() as ShadowRoot, "Skip and cancel")?.click();
    expect(await pending).toMatchObject({ outcome: "cancelled" });
  });

  it("batches track calls to /track with the key", async () => {
    vi.useFakeTimers();
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_test", customerEmail: "t@b.co" });
    Windback.track("cancel_clicked", { plan: "pro" });
    Windback.track("pricing_viewed");
    await vi.advanceTimersByTimeAsync(2500);
    vi.useRealTimers();
    const [body] = api.calls("/api/v1/track") as Array<{ events: Array<Record<string, unknown>> }>;
    expect(body?.events.map((e) => e.event)).toEqual(["cancel_clicked", "pricing_viewed"]);
    expect(body?.events[0]).toMatchObject({
      customer_email: "t@b.co",
      properties: { plan: "pro" },
    });
  });

  it("fetches a translation for the page's language and falls back to English", async () => {
    document.documentElement.lang = "fr-FR";
    const fr = { reasonsTitle: "Pourquoi résiliez-vous ?" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) =>
        url.endsWith("/widget/locales/fr.json")
          ? new Response(JSON.stringify(fr))
          : new Response("{}", { status: 404 }),
      ),
    );
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_test" });
    void Windback.show({ customerEmail: "a@b.co" });
    await settle();
    expect(shadow()?.querySelector(".wb-title")?.textContent).toBe(fr.reasonsTitle);
    key(shadow()?.querySelector(".wb-dialog") as HTMLElement, "Escape");

    vi.spyOn(console, "warn").mockImplementation(() => {});
    void Windback.show({ customerEmail: "a@b.co", locale: "de" });
    await settle();
    expect(shadow()?.querySelector(".wb-title")?.textContent).toBe("Why are you cancelling?");
  });

  it("sends the customer token with submit, accept-offer and decline, and never to /track", async () => {
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_live_key", customerEmail: "t@b.co" });
    const token = "eyJhbGciOiJIUzI1NiJ9.payload.signature";
    const pending = Windback.show({ customerEmail: "t@b.co", customerToken: token });
    await settle();
    const root = shadow() as ShadowRoot;
    (root.querySelector('input[value="too_expensive"]') as HTMLInputElement).click();
    buttonIn(root, "Continue")?.click();
    await settle();
    buttonIn(root, OFFER.cta_button_text)?.click();
    expect(await pending).toMatchObject({ outcome: "saved" });
    expect(api.calls("/api/v1/cancel-flow/submit")[0]).toMatchObject({ customer_token: token });
    expect(api.calls("/api/v1/cancel-flow/accept-offer")[0]).toMatchObject({
      customer_token: token,
      event_id: "evt_9",
    });
    expect(JSON.stringify(await pending)).not.toContain(token);

    vi.useFakeTimers();
    Windback.track("cancel_clicked");
    await vi.advanceTimersByTimeAsync(2500);
    const tracked = JSON.stringify(api.calls("/api/v1/track"));
    expect(tracked).toContain("cancel_clicked");
    expect(tracked).not.toContain(token);
  });

  it("sends the token with decline, and leaves customer_token out when there is none", async () => {
    api = fakeApi({
      "/api/v1/cancel-flow/submit": submitOk,
      "/api/v1/cancel-flow/decline": () => ({ status: 200, body: { success: true } }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_live_key" });
    const pending = Windback.show({ customerEmail: "t@b.co", customerToken: "tok.en.x" });
    await settle();
    const root = shadow() as ShadowRoot;
    (root.querySelector('input[value="too_expensive"]') as HTMLInputElement).click();
    buttonIn(root, "Continue")?.click();
    await settle();
    buttonIn(root, "No thanks, cancel")?.click();
    await settle();
    buttonIn(root, "Cancel subscription")?.click();
    expect(await pending).toMatchObject({ outcome: "cancelled" });
    expect(api.calls("/api/v1/cancel-flow/decline")[0]).toEqual({
      event_id: "evt_9",
      customer_token: "tok.en.x",
    });

    const again = Windback.show({ customerEmail: "t@b.co" });
    await settle();
    const root2 = shadow() as ShadowRoot;
    (root2.querySelector('input[value="too_expensive"]') as HTMLInputElement).click();
    buttonIn(root2, "Continue")?.click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/submit")[1]).not.toHaveProperty("customer_token");
    key(root2.querySelector(".wb-dialog") as HTMLElement, "Escape");
    await again;
  });

  it("fails open with outcome error when the API refuses the token (401)", async () => {
    api = fakeApi({
      "/api/v1/cancel-flow/submit": () => ({
        status: 401,
        body: { error: "Invalid customer token", code: "CUSTOMER_TOKEN_INVALID" },
      }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const log = vi.spyOn(console, "error");
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_live_key" });
    const pending = Windback.show({ customerEmail: "t@b.co", customerToken: "forged.token.x" });
    await settle();
    const root = shadow() as ShadowRoot;
    (root.querySelector('input[value="too_expensive"]') as HTMLInputElement).click();
    buttonIn(root, "Continue")?.click();
    await settle();
    buttonIn(root, "Continue cancelling")?.click();
    const result = await pending;
    expect(result).toMatchObject({
      outcome: "error",
      error: { code: "CUSTOMER_TOKEN_INVALID", status: 401 },
    });
    expect(JSON.stringify(result)).not.toContain("forged.token.x");
    expect(JSON.stringify(log.mock.calls)).not.toContain("forged.token.x");
  });

  it("shows an accessible Test mode badge with a pub_test_ key only", async () => {
    const Windback = await loadScript();
    Windback.init({ apiKey: "pub_test_abcdef0123456789" });
    void Windback.show({ customerEmail: "a@b.co" });
    await settle();
    const badge = shadow()?.querySelector(".wb-test");
    expect(badge?.textContent).toBe("Test mode");
    // Inside the labelled dialog, as text (read in order by screen readers).
    expect(badge?.closest('[role="dialog"]')).not.toBeNull();
    key(shadow()?.querySelector(".wb-dialog") as HTMLElement, "Escape");

    void Windback.show({ customerEmail: "a@b.co", apiKey: "pub_live_abcdef0123456789" } as never);
    await settle();
    expect(shadow()?.querySelector('[role="dialog"]')).not.toBeNull();
    expect(shadow()?.querySelector(".wb-test")).toBeNull();
  });

  it("fetches the UI with its integrity and resolves error when it fails to load", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const tags = captureScripts();
    const Windback = await loadScript(undefined, false);
    Windback.init({ apiKey: "pub_live_key" });
    const pending = Windback.show({ customerEmail: "a@b.co" });
    const tag = tags.find((t) => t.src.endsWith("/ui.js"));
    expect(tag?.crossOrigin).toBe("anonymous");
    tag?.onerror?.(new Event("error"));
    expect(await pending).toMatchObject({ outcome: "error", error: { code: "UI_LOAD_FAILED" } });
    expect(document.querySelector("windback-widget")).toBeNull();
    // A failed load is forgotten, so the next show() tries again with a new tag.
    const count = tags.length;
    void Windback.show({ customerEmail: "a@b.co" });
    expect(tags.length).toBe(count + 1);
  });

  it("resolves error within 3 s when the UI hangs, and never opens it late", async () => {
    vi.useFakeTimers();
    const tags = captureScripts();
    const Windback = await loadScript(undefined, false);
    Windback.init({ apiKey: "pub_live_key" });
    const onSubmit = vi.fn();
    const pending = Windback.show({ customerEmail: "a@b.co", onSubmit });
    await vi.advanceTimersByTimeAsync(2999);
    expect(onSubmit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ outcome: "error", error: { code: "TIMEOUT" } });
    expect(onSubmit).toHaveBeenCalledOnce();
    // The UI arrives late: nothing opens for the show() that already ended.
    await import("../src/ui");
    for (const tag of tags) tag.onload?.(new Event("load"));
    await vi.advanceTimersByTimeAsync(10);
    expect(document.querySelector("windback-widget")).toBeNull();
  });
});
