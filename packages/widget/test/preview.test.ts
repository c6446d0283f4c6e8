/**
 * `Windback.preview()` (the dashboard's Offers preview): the real flow UI, inline in a given
 * element, starting on the offer screen, that never sends a request.
 */
import type { PublicOffer, WidgetPreviewHandle, WidgetResult } from "@windback/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WindbackApi } from "../src/loader";
import { key, OFFER, settle } from "./helpers";

const offer = OFFER as PublicOffer;
let fetchSpy: ReturnType<typeof vi.fn>;
let beaconSpy: ReturnType<typeof vi.fn>;
let container: HTMLElement;
let handle: WidgetPreviewHandle | undefined;
let tags: HTMLScriptElement[] = [];

/** A fresh loader and UI, as widget.js and the UI file it loads leave them on a page. */
async function loadWindback(ui = true): Promise<WindbackApi> {
  vi.resetModules();
  delete window.Windback;
  delete window.WindbackUI;
  if (ui) await import("../src/ui");
  await import("../src/loader");
  return window.Windback as unknown as WindbackApi;
}

const root = () => container.querySelector("windback-widget")?.shadowRoot ?? null;
const title = () => root()?.querySelector(".wb-title")?.textContent;
const buttonNamed = (label: string) => {
  const found = [...(root()?.querySelectorAll("button") ?? [])].find(
    (b) => b.textContent?.trim() === label || b.getAttribute("aria-label") === label,
  );
  if (!found) throw new Error(`no button "${label}" in ${root()?.innerHTML}`);
  return found;
};

beforeEach(() => {
  document.documentElement.lang = "en";
  // Anything that reached the network would land here (the real client uses fetch).
  fetchSpy = vi.fn(async () => new Response("{}", { status: 200 }));
  vi.stubGlobal("fetch", fetchSpy);
  beaconSpy = vi.fn(() => true);
  Object.defineProperty(navigator, "sendBeacon", { value: beaconSpy, configurable: true });
  container = document.createElement("div");
  document.body.append(container);
  // The loader's warm-up on idle is not under test here.
  vi.stubGlobal("requestIdleCallback", () => 0);
  // The loader's script tags are kept (happy-dom would try to fetch them), for the test that fails one.
  tags = [];
  vi.spyOn(document.head, "append").mockImplementation((...nodes) => {
    tags.push(...(nodes as HTMLScriptElement[]));
  });
});

afterEach(() => {
  handle?.destroy();
  handle = undefined;
  container.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("Windback.preview()", () => {
  it("renders the offer inline in the container's shadow root, without taking focus", async () => {
    const input = document.createElement("input");
    document.body.append(input);
    input.focus();
    const Windback = await loadWindback();
    handle = await Windback.preview({ container, offer, reason: "too_expensive" });

    const host = container.querySelector("windback-widget") as HTMLElement;
    expect(host.parentElement).toBe(container);
    // In the page's flow, not a fixed overlay; no backdrop, not modal.
    expect(host.style.getPropertyValue("position")).toBe("");
    expect(root()?.querySelector(".wb-backdrop")).toBeNull();
    expect(root()?.querySelector('[role="dialog"]')?.getAttribute("aria-modal")).toBe("false");
    expect(title()).toBe(OFFER.title);
    expect(root()?.textContent).toContain("50% off for 3 months");
    expect(root()?.textContent).toContain(OFFER.description);
    expect(buttonNamed(OFFER.cta_button_text)).toBeTruthy();
    expect(document.activeElement).toBe(input);
    input.remove();
  });

  it("updates the offer and the theme in place, keeping the same elements", async () => {
    const Windback = await loadWindback();
    handle = await Windback.preview({ container, offer, theme: "light" });
    const heading = root()?.querySelector(".wb-title");
    const cta = buttonNamed(OFFER.cta_button_text);

    handle.update({
      offer: {
        ...offer,
        title: "Half price, still",
        cta_button_text: "Yes please",
        discount_percent: 40,
      },
    });
    expect(root()?.querySelector(".wb-title")).toBe(heading);
    expect(heading?.textContent).toBe("Half price, still");
    expect(cta.textContent).toBe("Yes please");
    expect(root()?.textContent).toContain("40% off for 3 months");

    expect(root()?.querySelector(".wb-root")?.getAttribute("data-theme")).toBe("light");
    handle.update({ theme: "dark" });
    expect(root()?.querySelector(".wb-root")?.getAttribute("data-theme")).toBe("dark");
    expect(heading?.textContent).toBe("Half price, still");
  });

  it("walks through every step with no fetch and no beacon, reporting each result", async () => {
    const Windback = await loadWindback();
    const results: WidgetResult[] = [];
    handle = await Windback.preview({
      container,
      offer,
      reason: "too_expensive",
      onDone: (result) => results.push(result),
    });

    // Take the offer.
    buttonNamed(OFFER.cta_button_text).click();
    await settle();
    expect(title()).toBe("Thank you.");
    expect(results.at(-1)).toMatchObject({
      outcome: "saved",
      reason: "too_expensive",
      reasonLabel: "It's too expensive",
      selectedOffer: OFFER,
    });

    // Refuse it, then confirm the cancellation.
    handle.restart();
    expect(title()).toBe(OFFER.title);
    buttonNamed("No thanks, cancel").click();
    await settle();
    expect(title()).toBe("Confirm cancellation");
    buttonNamed("Cancel subscription").click();
    await settle();
    expect(results.at(-1)).toMatchObject({ outcome: "cancelled", selectedOffer: null });

    // Refuse it, then keep the subscription; and close it with ×.
    handle.restart();
    buttonNamed("No thanks, cancel").click();
    await settle();
    buttonNamed("Keep my subscription").click();
    await settle();
    expect(results.at(-1)?.outcome).toBe("dismissed");
    handle.restart();
    buttonNamed("Close").click();
    await settle();
    expect(results.map((r) => r.outcome)).toEqual(["saved", "cancelled", "dismissed", "dismissed"]);

    handle.restart();
    // Tracking through the loader is the only other way out; a preview leaves it alone too.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(beaconSpy).not.toHaveBeenCalled();
  });

  it("leaves Escape and Tab to the page", async () => {
    const Windback = await loadWindback();
    const results: WidgetResult[] = [];
    handle = await Windback.preview({ container, offer, onDone: (r) => results.push(r) });
    const pressed = key(document.body, "Escape");
    expect(pressed.defaultPrevented).toBe(false);
    await settle();
    expect(results).toEqual([]);
    expect(title()).toBe(OFFER.title);

    const close = buttonNamed("Close");
    close.focus();
    // The modal dialog wraps Tab from its last control to its first; a preview lets it go on.
    expect(key(close, "Tab").defaultPrevented).toBe(false);
  });

  it("destroy() removes it; restart() starts again on the offer with the latest edit", async () => {
    const Windback = await loadWindback();
    handle = await Windback.preview({ container, offer });
    handle.update({ offer: { ...offer, title: "Edited" } });
    buttonNamed("No thanks, cancel").click();
    await settle();
    expect(title()).not.toBe("Edited");
    handle.restart();
    expect(title()).toBe("Edited");
    handle.destroy();
    handle = undefined;
    expect(container.querySelector("windback-widget")).toBeNull();
  });

  it("rejects when the UI file does not load, so the page can say so", async () => {
    const Windback = await loadWindback(false);
    const pending = Windback.preview({ container, offer });
    const tag = tags.find((t) => t.src.endsWith("/ui.js"));
    expect(tag).toBeDefined();
    tag?.onerror?.(new Event("error"));
    await expect(pending).rejects.toThrow("the UI did not load");
    expect(container.querySelector("windback-widget")).toBeNull();
  });
});
