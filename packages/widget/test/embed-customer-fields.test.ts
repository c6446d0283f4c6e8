/**
 * The iframe page (src/embed.ts) reads customer fields from its URL and from the parent's
 * `options` message through CUSTOMER_FIELDS: every field by its query name, each value checked
 * against the field (kind, length, range) before it can reach the API.
 */
import { beforeAll, describe, expect, it, type Mock, vi } from "vitest";
import { fakeApi, settle } from "./helpers";

const PARENT = "https://app.acme.com";
const parent = { postMessage: vi.fn() as Mock };
const api = fakeApi({
  "/api/v1/cancel-flow/submit": () => ({
    status: 200,
    body: { success: true, event_id: "evt_1", offer: null },
  }),
});

const query = new URLSearchParams({
  key: "pub_test_x",
  token: "header.claims.sig",
  email: "ada@example.com",
  subscription_id: "sub_42",
  tenure_days: "400",
  // Not whole numbers or too long: dropped, so the submit still succeeds without them.
  mrr: "49.5",
  currency: "dollars",
  parent_origin: PARENT,
});

beforeAll(async () => {
  history.replaceState(null, "", `/embed?${query}`);
  document.body.innerHTML = '<div id="windback"></div>';
  vi.spyOn(window, "parent", "get").mockReturnValue(parent as unknown as Window);
  vi.stubGlobal("fetch", api.fetch);
  await import("../src/embed");
});

describe("embed customer fields", () => {
  it("takes the query's fields and the parent's options by the protocol's names and limits", async () => {
    const options = {
      type: "options",
      customerName: "Ada Lovelace",
      mrr: 4900,
      provider: "stripe",
      planName: 42,
      subscriptionId: "x".repeat(201),
      tenureDays: -1,
    };
    window.dispatchEvent(
      new MessageEvent("message", {
        data: { windback: options },
        origin: PARENT,
        source: parent as unknown as Window,
      }),
    );
    const root = document.getElementById("windback") as HTMLElement;
    root.querySelector<HTMLInputElement>('input[value="too_expensive"]')?.click();
    [...root.querySelectorAll("button")].find((b) => b.textContent === "Continue")?.click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/submit")).toEqual([
      {
        customer_email: "ada@example.com",
        cancel_reason: "too_expensive",
        customer_name: "Ada Lovelace",
        provider_subscription_id: "sub_42",
        mrr: 4900,
        provider: "stripe",
        tenure_days: 400,
        customer_token: "header.claims.sig",
      },
    ]);
  });

  it("shows the Test mode badge for a pub_test_ key", () => {
    expect(document.querySelector("#windback .wb-test")?.textContent).toBe("Test mode");
  });
});
