/**
 * `WindbackFrame.mount` (src/frame-host.ts) in happy-dom: the frame it creates, who it listens
 * to, the promise it settles once, and the 3 s fail-open. The frame's window is a stand-in
 * (happy-dom loads no cross-origin pages), so messages are dispatched as the browser would.
 */
import type { WidgetResult } from "@windback/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { WindbackFrameApi } from "../src/frame-host";

const API = "https://windback.example.com";
const OPTIONS = { apiKey: "pub_abc", apiBase: API, customerEmail: "ada@example.com", mrr: 4900 };
const SAVED: WidgetResult = {
  outcome: "saved",
  reason: "too_expensive",
  reasonLabel: "It's too expensive",
  feedbackText: null,
  selectedOffer: null,
  eventId: "evt_1",
};

let host: WindbackFrameApi;
let container: HTMLElement;
let frameWindow: object;

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  // happy-dom loads no frames and says so on Node's own console for each one: expected here.
  const nodeConsole = (await import("node:console")).default;
  vi.spyOn(nodeConsole, "error").mockImplementation(() => undefined);
  await import("../src/frame-host");
  host = window.WindbackFrame as WindbackFrameApi;
});

beforeEach(() => {
  document.body.innerHTML = '<button id="opener">Cancel</button><div id="sheet"></div>';
  container = document.getElementById("sheet") as HTMLElement;
  frameWindow = { name: "the Windback frame" };
});
afterEach(() => vi.useRealTimers());
// Node's console outlives this file in the worker.
afterAll(() => vi.restoreAllMocks());

/** Mounts, and gives the new iframe the window the frame's messages will come from. */
function mount(options: Parameters<WindbackFrameApi["mount"]>[1] = OPTIONS) {
  const promise = host.mount(container, options);
  const frame = container.querySelector("iframe");
  if (frame) Object.defineProperty(frame, "contentWindow", { value: frameWindow });
  return { promise, frame };
}

function post(data: unknown, origin = API, source: unknown = frameWindow) {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
}

async function state(promise: Promise<unknown>): Promise<"pending" | "settled"> {
  const pending = Symbol();
  return (await Promise.race([promise, Promise.resolve(pending)])) === pending
    ? "pending"
    : "settled";
}

describe("WindbackFrame.mount", () => {
  it("appends one titled frame pointing at /embed; a second mount returns the same promise", async () => {
    const first = mount();
    const second = host.mount(container, { ...OPTIONS, customerEmail: "other@example.com" });
    expect(second).toBe(first.promise);
    expect(container.querySelectorAll("iframe")).toHaveLength(1);
    expect(first.frame?.title).toBe("Cancel subscription");
    const src = new URL(first.frame?.src ?? "");
    expect(src.origin + src.pathname).toBe(`${API}/embed`);
    expect(src.searchParams.get("key")).toBe("pub_abc");
    expect(src.searchParams.get("email")).toBe("ada@example.com");
    expect(src.searchParams.get("mrr")).toBe("4900");
    expect(src.searchParams.get("parent_origin")).toBe(location.origin);
    post({ windback: { type: "dismiss", result: { ...SAVED, outcome: "dismissed" } } });
    expect((await first.promise).outcome).toBe("dismissed");
  });

  it("resolves with the frame's result, removes the frame and gives focus back", async () => {
    const opener = document.getElementById("opener") as HTMLButtonElement;
    opener.focus();
    const { promise, frame } = mount();
    post({ windback: { type: "ready" } });
    expect(document.activeElement).toBe(frame);
    post({ windback: { type: "offer_accepted", result: SAVED } });
    expect(await promise).toEqual(SAVED);
    expect(container.querySelector("iframe")).toBeNull();
    expect(document.activeElement).toBe(opener);
    // The next mount opens a new frame.
    const next = mount();
    expect(next.promise).not.toBe(promise);
    post({ windback: { type: "submit", result: { ...SAVED, outcome: "cancelled" } } });
    expect((await next.promise).outcome).toBe("cancelled");
  });

  it("ignores results from the page itself, another origin or another frame", async () => {
    const { promise, frame } = mount();
    const forged = { windback: { type: "submit", result: { ...SAVED, outcome: "cancelled" } } };
    post(forged, location.origin, window);
    post(forged, "https://evil.test");
    post(forged, API, { name: "another frame of the same origin" });
    expect(await state(promise)).toBe("pending");
    expect(frame?.isConnected).toBe(true);
    post({ windback: { type: "offer_accepted", result: SAVED } });
    expect((await promise).outcome).toBe("saved");
  });

  it("sizes the frame from resize messages, within the viewport", async () => {
    const { promise, frame } = mount();
    post({ windback: { type: "resize", height: 300.4 } });
    expect(frame?.style.height).toBe("301px");
    post({ windback: { type: "resize", height: 10_000 } });
    expect(frame?.style.height).toBe(`${innerHeight - 32}px`);
    post({ windback: { type: "resize", height: 12 } });
    expect(frame?.style.height).toBe("120px");
    // The window's own resize refits the height the flow last reported.
    const { happyDOM } = window as unknown as {
      happyDOM: { setViewport(viewport: { height: number }): void };
    };
    happyDOM.setViewport({ height: 900 });
    post({ windback: { type: "resize", height: 670 } });
    expect(frame?.style.height).toBe("670px");
    happyDOM.setViewport({ height: 500 });
    expect(frame?.style.height).toBe("468px");
    happyDOM.setViewport({ height: 900 });
    expect(frame?.style.height).toBe("670px");
    post({ windback: { type: "dismiss", result: { ...SAVED, outcome: "dismissed" } } });
    await promise;
  });

  it("fails open with FRAME_TIMEOUT when the frame is not ready within 3 s", async () => {
    vi.useFakeTimers();
    const { promise } = mount();
    await vi.advanceTimersByTimeAsync(2999);
    expect(await state(promise)).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    const result = await promise;
    expect(result.outcome).toBe("error");
    expect(result.error).toMatchObject({ code: "FRAME_TIMEOUT", status: null });
    expect(container.querySelector("iframe")).toBeNull();
    // A result that arrives late changes nothing.
    post({ windback: { type: "offer_accepted", result: SAVED } });
    expect(await promise).toBe(result);
  });

  it("does not time out once the frame has said ready", async () => {
    vi.useFakeTimers();
    const { promise } = mount();
    post({ windback: { type: "ready" } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await state(promise)).toBe("pending");
    post({ windback: { type: "offer_accepted", result: SAVED } });
    expect((await promise).outcome).toBe("saved");
  });

  it("resolves error at once, with no frame, without a key, a usable apiBase or a container", async () => {
    const noKey = await host.mount(container, { ...OPTIONS, apiKey: "" });
    expect(noKey.error?.code).toBe("NOT_CONFIGURED");
    const badBase = await host.mount(container, { ...OPTIONS, apiBase: "not a url" });
    expect(badBase).toMatchObject({ outcome: "error", error: { code: "NOT_CONFIGURED" } });
    const noContainer = await host.mount(null as unknown as HTMLElement, OPTIONS);
    expect(noContainer).toMatchObject({ outcome: "error", error: { code: "NOT_CONFIGURED" } });
    // None of them left a mount open: the next one gets a frame.
    const next = mount();
    expect(next.frame).not.toBeNull();
    post({ windback: { type: "dismiss", result: { ...SAVED, outcome: "dismissed" } } });
    await next.promise;
    expect(container.querySelector("iframe")).toBeNull();
    expect(console.error).toHaveBeenCalledWith("[windback] WindbackFrame.mount needs { apiKey }");
  });
});
