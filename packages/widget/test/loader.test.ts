import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WindbackApi } from "../src/loader";
import { fakeApi, key, OFFER, settle } from "./helpers";

const submitOk = () => ({ status: 200, body: { success: true, event_id: "evt_9", offer: OFFER } });

/** Loads a fresh copy of the script, as a page would, after the snippet's queue stub ran. */
async function loadScript(queue?: unknown[][]): Promise<WindbackApi> {
  vi.resetModules();
  delete window.Windback;
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
});
