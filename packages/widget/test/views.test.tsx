import type { WidgetResult } from "@windback/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiClient } from "../src/api-client";
import { type FlowView, renderFlow } from "../src/flow-view";
import { ALL_STRINGS } from "../src/i18n/all";
import { ENGLISH } from "../src/i18n/index";
import type { ShowOptions } from "../src/options";
import { offerDetail } from "../src/views/app";
import { fakeApi, key, OFFER, settle } from "./helpers";

let container: HTMLElement;
let mounted: FlowView | undefined;

function open(routes: Parameters<typeof fakeApi>[0], options: ShowOptions = {}, locale = "en") {
  container = document.createElement("div");
  document.body.append(container);
  const api = fakeApi(routes);
  const onDone = vi.fn<(result: WidgetResult) => void>();
  const view = renderFlow({
    container,
    client: createApiClient({ apiBase: "https://api.test", apiKey: "pub_x", fetch: api.fetch }),
    options: { customerEmail: "ada@example.com", ...options },
    strings: ALL_STRINGS[locale] ?? ENGLISH,
    theme: "light",
    position: "center",
    mode: "modal",
    onDone,
  });
  mounted = view;
  return { api, onDone, view };
}

const $ = <T extends Element = HTMLElement>(selector: string) =>
  container.querySelector<T & HTMLElement>(selector);
const $$ = <T extends Element = HTMLElement>(selector: string) => [
  ...container.querySelectorAll<T & HTMLElement>(selector),
];
const button = (label: string) => {
  const found = $$<HTMLButtonElement>("button").find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no button "${label}" in ${container.innerHTML}`);
  return found;
};
const choose = (value: string) => $<HTMLInputElement>(`input[value="${value}"]`)?.click();

afterEach(() => {
  // Unmounting also removes the view's document-level Escape listener.
  mounted?.unmount();
  mounted = undefined;
  container?.remove();
});

const submitOk = (offer: unknown) => () => ({
  status: 200,
  body: { success: true, event_id: "evt_1", offer },
});

describe("dialog", () => {
  it("is a labelled modal dialog with the title focused", () => {
    open({});
    const dialog = $('[role="dialog"]');
    expect(dialog?.getAttribute("aria-modal")).toBe("true");
    const title = document.getElementById(dialog?.getAttribute("aria-labelledby") ?? "");
    expect(title?.textContent).toBe(ENGLISH.reasonsTitle);
    expect(document.activeElement).toBe(title);
  });

  it("renders the reasons as one radio group inside a fieldset with a legend", () => {
    open({});
    const radios = $$<HTMLInputElement>('fieldset input[type="radio"]');
    expect(radios).toHaveLength(8);
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    expect($("fieldset legend")?.textContent).toBe(ENGLISH.reasonsTitle);
    expect(radios.map((r) => r.closest("label")?.textContent)).toContain("It's too expensive");
  });

  it("asks for a reason instead of submitting nothing", () => {
    const { api } = open({});
    button("Continue").click();
    expect($('[role="alert"]')?.textContent).toBe(ENGLISH.reasonRequired);
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it("Escape closes with outcome dismissed", () => {
    const { onDone } = open({});
    key($('[role="dialog"]') as HTMLElement, "Escape");
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ outcome: "dismissed" }));
  });

  it("Escape still closes after a click on plain text moved focus to the dialog itself", () => {
    const { onDone } = open({});
    const dialog = $('[role="dialog"]') as HTMLElement;
    // tabIndex -1: a click on non-focusable text focuses the dialog instead of <body>.
    expect(dialog.getAttribute("tabindex")).toBe("-1");
    dialog.focus();
    expect(document.activeElement).toBe(dialog);
    const event = key(dialog, "Escape");
    expect(event.defaultPrevented).toBe(true);
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ outcome: "dismissed" }));
  });

  it("Escape still closes when focus has fallen out to <body>, and the host does not see it", () => {
    const { onDone } = open({});
    const host = vi.fn();
    document.addEventListener("keydown", host);
    try {
      (document.activeElement as HTMLElement | null)?.blur();
      expect(document.activeElement).toBe(document.body);
      key(document.body, "Escape");
      expect(onDone).toHaveBeenCalledTimes(1);
      expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ outcome: "dismissed" }));
      expect(host).not.toHaveBeenCalled();
    } finally {
      document.removeEventListener("keydown", host);
    }
  });

  it("stops listening for Escape once unmounted", () => {
    const { onDone, view } = open({});
    view.unmount();
    const host = vi.fn();
    document.addEventListener("keydown", host);
    key(document.body, "Escape");
    document.removeEventListener("keydown", host);
    expect(host).toHaveBeenCalledTimes(1);
    expect(onDone).not.toHaveBeenCalled();
  });

  it("Tab from the focused dialog container stays inside the dialog", () => {
    open({});
    const dialog = $('[role="dialog"]') as HTMLElement;
    dialog.focus();
    expect(key(dialog, "Tab", true).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe($(".wb-close"));
  });

  it("traps Tab and Shift+Tab inside the dialog", () => {
    open({});
    choose("too_expensive");
    const dialog = $('[role="dialog"]') as HTMLElement;
    const close = $<HTMLButtonElement>(".wb-close") as HTMLButtonElement;
    const radio = $<HTMLInputElement>('input[value="too_expensive"]') as HTMLInputElement;
    close.focus();
    const forward = key(close, "Tab");
    expect(forward.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(radio);
    const backward = key(radio, "Tab", true);
    expect(backward.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(close);
    button("Continue").focus();
    expect(key(dialog, "Tab").defaultPrevented).toBe(false);
  });

  it("gets dir=rtl and Arabic strings for ar", () => {
    open({}, {}, "ar");
    expect($(".wb-root")?.getAttribute("dir")).toBe("rtl");
    expect($(".wb-title")?.textContent).toBe(ALL_STRINGS.ar?.reasonsTitle);
  });

  it("uses the host's reasons, translating known ids without a label", () => {
    open({}, { reasons: [{ id: "too_expensive" }, { value: "seasonal", label: "Seasonal use" }] });
    expect($$("label.wb-reason").map((l) => l.textContent)).toEqual([
      "It's too expensive",
      "Seasonal use",
    ]);
  });
});

describe("flow", () => {
  it("reason → offer → accept resolves saved with the offer", async () => {
    const { api, onDone } = open({
      "/api/v1/cancel-flow/submit": submitOk(OFFER),
      "/api/v1/cancel-flow/accept-offer": () => ({ status: 200, body: { success: true } }),
    });
    choose("too_expensive");
    button("Continue").click();
    expect(button("Sending…").getAttribute("aria-busy")).toBe("true");
    button("Sending…").click(); // a second submit while in flight is ignored
    await settle();
    expect(api.calls("/api/v1/cancel-flow/submit")).toHaveLength(1);
    expect($(".wb-title")?.textContent).toBe(OFFER.title);
    expect($(".wb-offer-detail")?.textContent).toBe("50% off for 3 months");
    expect(document.activeElement).toBe($(".wb-title"));
    button(OFFER.cta_button_text).click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/accept-offer")).toEqual([
      {
        customer_email: "ada@example.com",
        cancel_reason: "too_expensive",
        offer_type: "discount",
        event_id: "evt_1",
      },
    ]);
    expect(onDone).toHaveBeenCalledWith({
      outcome: "saved",
      reason: "too_expensive",
      reasonLabel: "It's too expensive",
      feedbackText: null,
      selectedOffer: OFFER,
      eventId: "evt_1",
    });
  });

  it("other → text required → decline → confirm resolves cancelled", async () => {
    const { api, onDone } = open(
      {
        "/api/v1/cancel-flow/submit": submitOk(OFFER),
        "/api/v1/cancel-flow/decline": () => ({ status: 200, body: { success: true } }),
      },
      { customerName: "Ada", planName: "Pro", mrr: 4900, subscriptionId: "sub_1" },
    );
    choose("other");
    button("Continue").click();
    const textarea = $<HTMLTextAreaElement>("textarea") as HTMLTextAreaElement;
    expect(textarea.required).toBe(true);
    button("Continue").click();
    expect(textarea.getAttribute("aria-invalid")).toBe("true");
    textarea.value = "Moving to paper";
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    button("Continue").click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/submit")[0]).toEqual({
      customer_email: "ada@example.com",
      cancel_reason: "other",
      cancel_reason_text: "Moving to paper",
      customer_name: "Ada",
      plan_name: "Pro",
      mrr: 4900,
      provider_subscription_id: "sub_1",
    });
    button("No thanks, cancel").click();
    await settle();
    expect(api.calls("/api/v1/cancel-flow/decline")).toEqual([{ event_id: "evt_1" }]);
    button("Cancel subscription").click();
    expect(onDone).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: "cancelled", feedbackText: "Moving to paper" }),
    );
  });

  it.each([
    ["a 401", () => ({ status: 401, body: { error: "bad key", code: "INVALID_API_KEY" } })],
    ["a 429", () => ({ status: 429, body: { error: "slow", code: "RATE_LIMITED" } })],
    ["a 500", () => ({ status: 500, body: { error: "oops", code: "INTERNAL_ERROR" } })],
    ["a network error", () => "network" as const],
  ])("%s shows the error state with a continue button → outcome error", async (_name, submit) => {
    const { onDone } = open({ "/api/v1/cancel-flow/submit": submit });
    choose("too_expensive");
    button("Continue").click();
    await settle();
    expect($(".wb-title")?.textContent).toBe(ENGLISH.errorTitle);
    button(ENGLISH.continueCancelling).click();
    expect(onDone).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: "error", error: expect.any(Object) }),
    );
  });

  it.each([
    ["×", () => $<HTMLButtonElement>(".wb-close")?.click()],
    ["Escape", () => key($('[role="dialog"]') as HTMLElement, "Escape")],
    ["the backdrop", () => $(".wb-backdrop")?.click()],
  ])("closing the error screen with %s still resolves error", async (_how, close) => {
    const { onDone } = open({ "/api/v1/cancel-flow/submit": () => "network" });
    choose("too_expensive");
    button("Continue").click();
    await settle();
    expect($(".wb-title")?.textContent).toBe(ENGLISH.errorTitle);
    close();
    expect(onDone).toHaveBeenCalledWith(
      expect.objectContaining({
        outcome: "error",
        error: expect.objectContaining({ code: "NETWORK_ERROR" }),
      }),
    );
  });

  it("a failed 'Claim offer' offers Try again, which re-sends the accept and can save", async () => {
    let accepts = 0;
    const { api, onDone } = open({
      "/api/v1/cancel-flow/submit": submitOk(OFFER),
      "/api/v1/cancel-flow/accept-offer": () =>
        ++accepts === 1
          ? { status: 500, body: { error: "oops", code: "INTERNAL_ERROR" } }
          : { status: 200, body: { success: true } },
    });
    choose("too_expensive");
    button("Continue").click();
    await settle();
    button(OFFER.cta_button_text).click();
    await settle();
    expect($(".wb-title")?.textContent).toBe(ENGLISH.acceptErrorTitle);
    expect(document.activeElement).toBe($(".wb-title"));
    expect($('[role="alert"]')?.textContent).toBe(ENGLISH.acceptErrorBody);
    expect(container.textContent).not.toContain(ENGLISH.errorBody);
    expect(button(ENGLISH.retry).className).toContain("wb-primary");
    expect(button(ENGLISH.continueCancelling).className).toContain("wb-secondary");
    expect(onDone).not.toHaveBeenCalled();
    button(ENGLISH.retry).click();
    // Back on the offer, its button busy while the accept is re-sent.
    expect($(".wb-title")?.textContent).toBe(OFFER.title);
    expect(button(ENGLISH.sending).getAttribute("aria-busy")).toBe("true");
    await settle();
    expect(api.calls("/api/v1/cancel-flow/accept-offer")).toHaveLength(2);
    expect(onDone).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: "saved", selectedOffer: OFFER, eventId: "evt_1" }),
    );
    expect(onDone.mock.calls[0]?.[0].error).toBeUndefined();
  });

  it("a failed 'Claim offer' can still end in Continue cancelling → outcome error", async () => {
    const { onDone } = open({
      "/api/v1/cancel-flow/submit": submitOk(OFFER),
      "/api/v1/cancel-flow/accept-offer": () => ({
        status: 500,
        body: { error: "oops", code: "INTERNAL_ERROR" },
      }),
    });
    choose("too_expensive");
    button("Continue").click();
    await settle();
    button(OFFER.cta_button_text).click();
    await settle();
    button(ENGLISH.continueCancelling).click();
    expect(onDone).toHaveBeenCalledWith(
      expect.objectContaining({
        outcome: "error",
        error: { code: "INTERNAL_ERROR", message: "oops", status: 500 },
      }),
    );
  });

  it("the generic error screen offers no retry", async () => {
    open({ "/api/v1/cancel-flow/submit": () => "network" });
    choose("too_expensive");
    button("Continue").click();
    await settle();
    expect($$("button").map((b) => b.textContent)).not.toContain(ENGLISH.retry);
    expect(button(ENGLISH.continueCancelling).className).toContain("wb-primary");
  });

  it("skip and cancel ends cancelled without waiting for the API", () => {
    const { onDone } = open({});
    button(ENGLISH.cancelAnyway).click();
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ outcome: "cancelled" }));
  });

  it("'Keep my subscription' on the confirmation dismisses", async () => {
    const { onDone } = open({ "/api/v1/cancel-flow/submit": submitOk(null) });
    choose("dont_need_anymore");
    button("Continue").click();
    await settle();
    button(ENGLISH.keep).click();
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ outcome: "dismissed" }));
  });
});

describe("offer details", () => {
  it.each([
    [{ offer_type: "pause", pause_days: 30 }, "Pause your subscription for 30 days"],
    [{ offer_type: "extension", extension_days: 1 }, "1 extra day, on us"],
    [{ offer_type: "downgrade", downgrade_plan: "Starter" }, "Switch to the Starter plan"],
    [
      { offer_type: "discount", discount_percent: 20, discount_duration_months: 1 },
      "20% off for 1 month",
    ],
    [{ offer_type: "custom" }, null],
  ])("summarises %o", (fields, expected) => {
    expect(offerDetail({ ...OFFER, ...fields } as never, ENGLISH)).toBe(expected);
  });
});
