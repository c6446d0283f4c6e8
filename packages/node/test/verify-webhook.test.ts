import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, test } from "vitest";
import { verifyWebhook, WebhookVerificationError, WindbackError } from "../src/index.js";

const secret = `whsec_${randomBytes(32).toString("base64")}`;
const message = {
  type: "churn_event.lost",
  timestamp: "2026-12-02T10:00:00.000Z",
  livemode: true,
  data: { id: "e1", customer_email: "ada@example.com", status: "lost" },
};
const body = JSON.stringify(message);

/** Headers as Windback sends them, signed by standardwebhooks itself. */
function signed(payload: string, at = new Date(), key = secret, id = "msg_1") {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, at, payload),
  };
}

function failure(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(WindbackError);
    expect((error as WindbackError).code).toBe("WEBHOOK_VERIFICATION_FAILED");
    return error as WebhookVerificationError;
  }
  throw new Error("expected verification to fail");
}

describe("verifyWebhook", () => {
  test("a good signature gives the parsed message, from a string, a Buffer or Fetch headers", () => {
    const headers = signed(body);
    expect(verifyWebhook(body, headers, secret)).toEqual(message);
    expect(verifyWebhook(Buffer.from(body), headers, secret)).toEqual(message);
    // Node's req.headers may differ in case; the Fetch API's Headers too.
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(body, upper, secret)).toEqual(message);
    expect(verifyWebhook(body, new Headers(headers), secret)).toEqual(message);
  });

  test("during a rotation, either secret's signature verifies", () => {
    const previous = `whsec_${randomBytes(32).toString("base64")}`;
    const headers = signed(body);
    const both = {
      ...headers,
      "webhook-signature": `${signed(body, new Date(), previous)["webhook-signature"]} ${headers["webhook-signature"]}`,
    };
    expect(verifyWebhook(body, both, secret)).toEqual(message);
    expect(verifyWebhook(body, both, previous)).toEqual(message);
  });

  test("a tampered body, another secret or a missing header fails", () => {
    const headers = signed(body);
    failure(() => verifyWebhook(body.replace("lost", "recovered"), headers, secret));
    failure(() => verifyWebhook(body, headers, `whsec_${randomBytes(32).toString("base64")}`));
    const { "webhook-signature": _, ...unsigned } = headers;
    failure(() => verifyWebhook(body, unsigned, secret));
    failure(() => verifyWebhook(body, { ...headers, "webhook-signature": "v1,AAAA" }, secret));
  });

  test("a stale or future timestamp fails (replays)", () => {
    const stale = failure(() =>
      verifyWebhook(body, signed(body, new Date(Date.now() - 10 * 60 * 1000)), secret),
    );
    expect(stale.message).toMatch(/too old/);
    failure(() => verifyWebhook(body, signed(body, new Date(Date.now() + 10 * 60 * 1000)), secret));
    // Within the 5-minute tolerance is fine.
    expect(verifyWebhook(body, signed(body, new Date(Date.now() - 60 * 1000)), secret)).toEqual(
      message,
    );
  });

  test("parsed JSON instead of the raw body is a programming error", () => {
    expect(() => verifyWebhook(message as unknown as string, signed(body), secret)).toThrow(
      TypeError,
    );
  });
});
