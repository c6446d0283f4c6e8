/**
 * The iframe bridge (src/embed.ts): messages count only when they come from the parent page's
 * exact origin *and* from the parent window itself; anything else gets no reply and changes
 * nothing. The module runs once per file (it installs one window listener), so the tests below
 * run in order against the same frame.
 */
import { beforeAll, beforeEach, describe, expect, it, type Mock, vi } from "vitest";
import { fakeApi, settle } from "./helpers";

const PARENT = "https://app.acme.com";
const parent = { postMessage: vi.fn() as Mock };
const api = fakeApi({
  "/api/v1/cancel-flow/submit": () => ({
    status: 200,
    body: { success: true, event_id: "evt_1", offer: null },
  }),
});

function send(data: unknown, origin = PARENT, source: unknown = parent) {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
}
const ready = () =>
  parent.postMessage.mock.calls.filter(([message]) => message?.windback?.type === "ready");

beforeAll(async () => {
  history.replaceState(
    null,
    "",
    `/embed?key=pub_x&email=ada%40example.com&plan=Pro&parent_origin=${encodeURIComponent(PARENT)}`,
  );
  document.body.innerHTML = '<div id="windback"></div>';
  vi.spyOn(window, "parent", "get").mockReturnValue(parent as unknown as Window);
  vi.stubGlobal("fetch", api.fetch);
  await import("../src/embed");
  onLoad = [...parent.postMessage.mock.calls];
});

let onLoad: unknown[][] = [];
beforeEach(() => parent.postMessage.mockClear());

describe("embed bridge", () => {
  it("announces itself to the parent's exact origin on load", () => {
    expect(onLoad).toContainEqual([{ windback: { type: "ready" } }, PARENT]);
  });

  it("ignores a ping from another origin", () => {
    send({ windback: { type: "ping" } }, "https://evil.test");
    send({ windback: { type: "ping" } }, "https://app.acme.com.evil.test");
    send({ windback: { type: "ping" } }, "http://app.acme.com");
    expect(ready()).toEqual([]);
  });

  it("ignores a ping from the right origin but another window", () => {
    send({ windback: { type: "ping" } }, PARENT, window);
    send({ windback: { type: "ping" } }, PARENT, { postMessage: vi.fn() });
    send({ windback: { type: "ping" } }, PARENT, null);
    expect(ready()).toEqual([]);
  });

  it("answers a ping from the parent with ready, to the parent's origin only", () => {
    send({ windback: { type: "ping" } });
    expect(ready()).toEqual([[{ windback: { type: "ready" } }, PARENT]]);
  });

  it("takes options only from the parent: the others change nothing the API receives", async () => {
    const evil = { windback: { type: "options", customerEmail: "evil@evil.test", planName: "X" } };
    send(evil, "https://evil.test");
    send(evil, PARENT, window);
    send({ windback: { type: "options", customerName: "Ada Lovelace", mrr: 4900 } });
    const root = document.getElementById("windback") as HTMLElement;
    root.querySelector<HTMLInputElement>('input[value="too_expensive"]')?.click();
    [...root.querySelectorAll("button")].find((b) => b.textContent === "Continue")?.click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/submit")).toEqual([
      {
        customer_email: "ada@example.com",
        cancel_reason: "too_expensive",
        customer_name: "Ada Lovelace",
        plan_name: "Pro",
        mrr: 4900,
      },
    ]);
  });
});
