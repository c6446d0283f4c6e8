import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiClient, createTracker } from "../src/api-client";

function fakeFetch(respond: (url: string, init: RequestInit) => Promise<Response>) {
  return vi.fn(respond) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}
const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status }));
const client = (fetch: typeof globalThis.fetch, timeoutMs?: number) =>
  createApiClient({ apiBase: "https://api.test/", apiKey: "pub_abc", fetch, timeoutMs });

afterEach(() => vi.useRealTimers());

describe("createApiClient", () => {
  it("posts JSON with the public key to the cancel-flow route", async () => {
    const fetch = fakeFetch(() => json(200, { success: true, event_id: "e1", offer: null }));
    const result = await client(fetch).submit({ customer_email: "a@b.co", cancel_reason: "other" });
    expect(result).toEqual({ ok: true, data: { success: true, event_id: "e1", offer: null } });
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("https://api.test/api/v1/cancel-flow/submit");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({
      "X-API-Key": "pub_abc",
      "Content-Type": "application/json",
    });
    expect(JSON.parse(init.body as string)).toEqual({
      customer_email: "a@b.co",
      cancel_reason: "other",
    });
  });

  it("treats 202 (the same customer again) as success", async () => {
    const fetch = fakeFetch(() => json(202, { success: true, event_id: "e1", offer: null }));
    expect((await client(fetch).submit({ customer_email: "a", cancel_reason: "x" })).ok).toBe(true);
  });

  it.each([
    [401, { error: "Invalid key", code: "INVALID_API_KEY" }, "INVALID_API_KEY"],
    [403, { error: "Origin", code: "ORIGIN_NOT_ALLOWED" }, "ORIGIN_NOT_ALLOWED"],
    [429, { error: "Slow down", code: "RATE_LIMITED" }, "RATE_LIMITED"],
    [502, "<html>bad gateway</html>", "HTTP_502"],
  ])("returns a failure for %i without throwing", async (status, body, code) => {
    const fetch = fakeFetch(() => json(status, body));
    const result = await client(fetch).decline({ event_id: "e1" });
    expect(result).toMatchObject({ ok: false, error: { code, status } });
  });

  it("returns NETWORK_ERROR when fetch rejects", async () => {
    const fetch = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const result = await client(fetch).acceptOffer({
      customer_email: "a",
      cancel_reason: "x",
      offer_type: "pause",
    });
    expect(result).toEqual({
      ok: false,
      error: { code: "NETWORK_ERROR", message: "Failed to fetch", status: null },
    });
  });

  it("gives up after the timeout (3 s by default)", async () => {
    vi.useFakeTimers();
    const fetch = fakeFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(new DOMException("aborted")));
        }),
    );
    const pending = client(fetch).submit({ customer_email: "a", cancel_reason: "x" });
    await vi.advanceTimersByTimeAsync(2999);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ ok: false, error: { code: "TIMEOUT" } });
  });
});

describe("createTracker", () => {
  it("batches events into one /track request after the delay", async () => {
    vi.useFakeTimers();
    const fetch = fakeFetch(() => json(200, { status: "ok" }));
    const tracker = createTracker(() => client(fetch), 1000);
    tracker.push({ event: "a" });
    tracker.push({ event: "b" });
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("https://api.test/api/v1/track");
    expect(JSON.parse(init.body as string)).toEqual({ events: [{ event: "a" }, { event: "b" }] });
  });

  it("flushes with keepalive (headers intact) when the page is hidden or left", () => {
    const fetch = fakeFetch(() => json(200, { status: "ok" }));
    const tracker = createTracker(() => client(fetch), 60_000);
    tracker.push({ event: "left" });
    window.dispatchEvent(new Event("pagehide"));
    expect(fetch).toHaveBeenCalledTimes(1);
    const init = fetch.mock.calls[0]?.[1] as RequestInit;
    expect(init.keepalive).toBe(true);
    expect(init.headers).toMatchObject({ "X-API-Key": "pub_abc" });
  });

  it("keeps events queued while no key is configured", () => {
    const fetch = fakeFetch(() => json(200, {}));
    let ready = false;
    const tracker = createTracker(() => (ready ? client(fetch) : null), 60_000);
    tracker.push({ event: "early" });
    tracker.flush();
    expect(fetch).not.toHaveBeenCalled();
    ready = true;
    tracker.flush();
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
