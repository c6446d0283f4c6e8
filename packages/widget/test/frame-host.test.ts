/** The pure half of /frame-host.js (src/core/frame-host.ts): URL, message filter, height. */
import { CUSTOMER_FIELDS } from "@windback/protocol";
import { describe, expect, it } from "vitest";
import {
  clampHeight,
  embedUrl,
  errorResult,
  FRAME_MIN_HEIGHT,
  readFrameMessage,
  VIEWPORT_MARGIN,
} from "../src/core/frame-host";

const API = "https://windback.example.com";
const HOST = "https://app.acme.com";

describe("embedUrl", () => {
  it("puts every customer field under its CUSTOMER_FIELDS query name", () => {
    const url = new URL(
      embedUrl(
        {
          apiKey: "pub_abc",
          customerEmail: "ada+billing@example.com",
          customerName: "Ada Lovelace",
          subscriptionId: "sub_42",
          planName: "Pro",
          mrr: 4900,
          currency: "usd",
          provider: "stripe",
          tenureDays: 400,
          customerToken: "eyJ.token.sig",
          theme: "dark",
          locale: "fr",
        },
        API,
        HOST,
      ),
    );
    expect(url.origin + url.pathname).toBe(`${API}/embed`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      key: "pub_abc",
      email: "ada+billing@example.com",
      name: "Ada Lovelace",
      subscription_id: "sub_42",
      plan: "Pro",
      mrr: "4900",
      currency: "usd",
      provider: "stripe",
      tenure_days: "400",
      token: "eyJ.token.sig",
      theme: "dark",
      locale: "fr",
      parent_origin: HOST,
    });
    // The table is the only source of these names: a new field shows up here by itself.
    for (const field of CUSTOMER_FIELDS) expect(url.searchParams.has(field.query)).toBe(true);
  });

  it("leaves out values the frame would refuse, and empty ones", () => {
    const url = new URL(
      embedUrl(
        {
          apiKey: "pub_abc",
          customerEmail: "ada@example.com",
          mrr: 49.5,
          tenureDays: -3,
          currency: "dollars",
          planName: "",
          customerToken: "",
        },
        API,
        HOST,
      ),
    );
    expect([...url.searchParams.keys()]).toEqual(["key", "email", "parent_origin"]);
  });

  it("keeps a path prefix of apiBase and ignores trailing slashes", () => {
    const url = embedUrl({ apiKey: "pub_abc", customerEmail: "a@b.co" }, `${API}/windback//`, HOST);
    expect(url.startsWith(`${API}/windback/embed?key=pub_abc&`)).toBe(true);
  });
});

describe("readFrameMessage", () => {
  const frameWindow = { name: "the frame" };
  const frame = { origin: API, window: frameWindow };
  const result = errorResult("TIMEOUT", "slow");
  const from = (data: unknown, origin = API, source: unknown = frameWindow) =>
    readFrameMessage({ data, origin, source }, frame);

  it("reads ready, resize and the three result messages from the frame", () => {
    expect(from({ windback: { type: "ready" } })).toEqual({ type: "ready" });
    expect(from({ windback: { type: "resize", height: 512.5 } })).toEqual({
      type: "resize",
      height: 512.5,
    });
    for (const type of ["submit", "dismiss", "offer_accepted"] as const) {
      expect(from({ windback: { type, result } })).toEqual({ type, result });
    }
  });

  it("ignores other origins, including look-alikes", () => {
    for (const origin of [
      HOST,
      "https://windback.example.com.evil.test",
      "http://windback.example.com",
      "https://windback.example.com:8443",
      "null",
    ]) {
      expect(from({ windback: { type: "submit", result } }, origin)).toBeNull();
    }
  });

  it("ignores the right origin from another window, or once the frame is gone", () => {
    const data = { windback: { type: "offer_accepted", result } };
    expect(from(data, API, { name: "another frame of the same origin" })).toBeNull();
    expect(from(data, API, null)).toBeNull();
    expect(
      readFrameMessage({ data, origin: API, source: null }, { origin: API, window: null }),
    ).toBe(null);
  });

  it("ignores messages that are not ours or not well formed", () => {
    for (const data of [
      null,
      "ready",
      { type: "ready" },
      { windback: null },
      { windback: { type: "ping" } },
      { windback: { type: "options", customerEmail: "x@y.z" } },
      { windback: { type: "resize", height: "512" } },
      { windback: { type: "resize", height: Number.NaN } },
      { windback: { type: "resize", height: Number.POSITIVE_INFINITY } },
      { windback: { type: "submit" } },
      { windback: { type: "submit", result: null } },
      { windback: { type: "submit", result: { outcome: "won" } } },
      { windback: { type: "toString", result } },
    ]) {
      expect(from(data), JSON.stringify(data)).toBeNull();
    }
  });
});

describe("clampHeight", () => {
  it("follows the flow between the minimum and the viewport less its margin", () => {
    expect(clampHeight(670, 900)).toBe(670);
    expect(clampHeight(670.2, 900)).toBe(671);
    expect(clampHeight(40, 900)).toBe(FRAME_MIN_HEIGHT);
    expect(clampHeight(5000, 800)).toBe(800 - VIEWPORT_MARGIN);
  });

  it("never goes below the minimum, even in a tiny viewport", () => {
    expect(clampHeight(670, 100)).toBe(FRAME_MIN_HEIGHT);
    expect(clampHeight(0, 0)).toBe(FRAME_MIN_HEIGHT);
  });
});

describe("errorResult", () => {
  it("is a complete result whose outcome tells the host to go on cancelling", () => {
    expect(errorResult("FRAME_TIMEOUT", "not ready")).toEqual({
      outcome: "error",
      reason: null,
      reasonLabel: null,
      feedbackText: null,
      selectedOffer: null,
      eventId: null,
      error: { code: "FRAME_TIMEOUT", message: "not ready", status: null },
    });
  });
});
