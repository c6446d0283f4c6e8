import {
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@windback/protocol";
import { describe, expect, it } from "vitest";
import type { ApiFailure } from "../src/lib/api-client";
import {
  canRedeliver,
  createEndpointBody,
  deliveryResponse,
  endpointFieldOf,
  endpointForm,
  endpointFormProblems,
  endpointState,
  fieldMessage,
  formatDuration,
  shouldPoll,
  stripeSecretProblem,
  stripeWebhookUrl,
  toggleEventType,
  updateEndpointBody,
} from "../src/lib/webhooks";

const NOW = Date.parse("2026-12-02T12:00:00Z");

const endpoint = (overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: "e1",
  url: "https://hooks.example.com/windback",
  description: "Billing backend",
  event_types: [...WEBHOOK_EVENT_TYPES],
  enabled: true,
  created_at: "2026-12-01T00:00:00.000Z",
  disabled_reason: null,
  secret_hint: "whsec_…AbCd",
  last_success_at: null,
  last_failure_at: null,
  updated_at: "2026-12-01T00:00:00.000Z",
  ...overrides,
});

const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: "d1",
  message_id: "msg_1",
  event_type: "webhook.test",
  attempt: 1,
  status: "succeeded",
  response_status: 200,
  response_body: "ok",
  error: null,
  duration_ms: 42,
  created_at: "2026-12-02T11:59:00.000Z",
  next_attempt_at: null,
  ...overrides,
});

const failure = (message: string, field?: string): ApiFailure => ({
  status: 400,
  code: "VALIDATION_FAILED",
  message,
  ...(field !== undefined && { field }),
});

describe("the endpoint form", () => {
  it("starts with every event type chosen and sends none of them (the API's default: all)", () => {
    const form = endpointForm();
    expect(form.eventTypes).toEqual(WEBHOOK_EVENT_TYPES);
    expect(createEndpointBody({ ...form, url: "  https://a.example/h " })).toEqual({
      url: "https://a.example/h",
      enabled: true,
    });
  });

  it("sends the chosen types in the protocol's order, and a trimmed description", () => {
    let form = { ...endpointForm(), url: "https://a.example/h", description: "  CRM  " };
    for (const type of WEBHOOK_EVENT_TYPES) form = toggleEventType(form, type, false);
    form = toggleEventType(form, "churn_event.lost", true);
    form = toggleEventType(form, "cancel_flow.submitted", true);
    form = toggleEventType(form, "cancel_flow.submitted", true);
    expect(createEndpointBody(form)).toEqual({
      url: "https://a.example/h",
      description: "CRM",
      event_types: ["cancel_flow.submitted", "churn_event.lost"],
      enabled: true,
    });
  });

  it("refuses an empty URL and no event type before asking the server", () => {
    let form = endpointForm();
    for (const type of WEBHOOK_EVENT_TYPES) form = toggleEventType(form, type, false);
    expect(Object.keys(endpointFormProblems(form)).sort()).toEqual(["event_types", "url"]);
    expect(endpointFormProblems({ ...endpointForm(), url: "https://a.example" })).toEqual({});
  });

  it("PATCHes only what changed; a cleared description is null; all types again is null", () => {
    const existing = endpoint({ event_types: ["churn_event.lost"], enabled: false });
    const form = endpointForm(existing);
    expect(form.eventTypes).toEqual(["churn_event.lost"]);
    expect(updateEndpointBody(existing, form)).toBeNull();
    expect(updateEndpointBody(existing, { ...form, enabled: true })).toEqual({ enabled: true });
    expect(updateEndpointBody(existing, { ...form, description: " " })).toEqual({
      description: null,
    });
    expect(
      updateEndpointBody(existing, { ...form, url: "https://b.example/x", description: "New" }),
    ).toEqual({ url: "https://b.example/x", description: "New" });
    let all = form;
    for (const type of WEBHOOK_EVENT_TYPES) all = toggleEventType(all, type, true);
    expect(updateEndpointBody(existing, all)).toEqual({ event_types: null });
    expect(
      updateEndpointBody(existing, toggleEventType(form, "churn_event.recovered", true)),
    ).toEqual({ event_types: ["churn_event.recovered", "churn_event.lost"] });
  });
});

describe("server refusals beside their input", () => {
  it("finds the field in `field`, in a leading path, and in the SSRF guard's `body/url:`", () => {
    expect(endpointFieldOf(failure("whatever", "body/url"))).toBe("url");
    expect(
      endpointFieldOf(failure("body/description must NOT have more than 500 characters")),
    ).toBe("description");
    expect(
      endpointFieldOf(failure("body/event_types/0 must be equal to one of the allowed values")),
    ).toBe("event_types");
    expect(endpointFieldOf(failure("body/url: 169.254.169.254 is a cloud metadata address"))).toBe(
      "url",
    );
    expect(endpointFieldOf(failure("body/urlx must be a string"))).toBeNull();
    expect(endpointFieldOf(failure("Webhook endpoint not found"))).toBeNull();
  });

  it("words the message for a person", () => {
    expect(fieldMessage(failure("body/url must be http: or https:"))).toBe(
      "The URL must be http: or https:",
    );
    expect(fieldMessage(failure("body/url: 169.254.169.254 is a cloud metadata address"))).toBe(
      "The URL is refused: 169.254.169.254 is a cloud metadata address",
    );
    expect(fieldMessage(failure("Something else"))).toBe("Something else");
  });
});

describe("an endpoint's state", () => {
  it("disabled with its reason, failing, or fine", () => {
    expect(endpointState(endpoint({ enabled: false, disabled_reason: "410 Gone" }))).toEqual({
      tone: "bad",
      label: "Disabled: 410 Gone",
    });
    expect(endpointState(endpoint({ enabled: false })).label).toBe("Disabled");
    expect(
      endpointState(
        endpoint({
          last_success_at: "2026-12-01T00:00:00Z",
          last_failure_at: "2026-12-02T00:00:00Z",
        }),
      ).tone,
    ).toBe("warn");
    expect(
      endpointState(
        endpoint({
          last_success_at: "2026-12-02T00:00:00Z",
          last_failure_at: "2026-12-01T00:00:00Z",
        }),
      ).tone,
    ).toBe("ok");
    expect(endpointState(endpoint({ last_failure_at: "2026-12-01T00:00:00Z" })).tone).toBe("warn");
  });
});

describe("the delivery log", () => {
  it("shows the response status, the error, or a dash", () => {
    expect(deliveryResponse(delivery())).toBe("200");
    expect(deliveryResponse(delivery({ response_status: 500, error: "HTTP 500" }))).toBe(
      "500 (HTTP 500)",
    );
    expect(
      deliveryResponse(delivery({ response_status: null, error: "connect ECONNREFUSED" })),
    ).toBe("connect ECONNREFUSED");
    expect(deliveryResponse(delivery({ response_status: null, error: null }))).toBe("—");
  });

  it("formats durations", () => {
    expect(formatDuration(42)).toBe("42 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(null)).toBe("—");
  });

  it("offers Redeliver for attempts made, not planned ones", () => {
    expect(canRedeliver(delivery({ status: "failed" }))).toBe(true);
    expect(canRedeliver(delivery({ status: "succeeded" }))).toBe(true);
    expect(canRedeliver(delivery({ status: "pending" }))).toBe(false);
  });

  it("refreshes itself only while an attempt is due within a minute", () => {
    expect(shouldPoll([delivery()], NOW)).toBe(false);
    expect(shouldPoll([delivery({ status: "pending", next_attempt_at: null })], NOW)).toBe(true);
    expect(
      shouldPoll([delivery({ status: "pending", next_attempt_at: "2026-12-02T12:00:05Z" })], NOW),
    ).toBe(true);
    expect(
      shouldPoll([delivery({ status: "pending", next_attempt_at: "2026-12-02T12:30:00Z" })], NOW),
    ).toBe(false);
  });
});

describe("Stripe", () => {
  const template = "https://windback.example.com/webhooks/stripe/{public_key}";

  it("fills the URL template with a known public key, else leaves the placeholder", () => {
    expect(stripeWebhookUrl(template, "pub_abc123")).toBe(
      "https://windback.example.com/webhooks/stripe/pub_abc123",
    );
    expect(stripeWebhookUrl(template, null)).toBe(template);
  });

  it("checks a pasted secret's shape before sending it", () => {
    expect(stripeSecretProblem("  ")).toMatch(/Paste/);
    expect(stripeSecretProblem("sk_live_123")).toMatch(/whsec_/);
    expect(stripeSecretProblem(" whsec_abcdefgh ")).toBeNull();
  });
});
