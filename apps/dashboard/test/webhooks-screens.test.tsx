import type { WebhookDelivery, WebhookEndpoint } from "@windback/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { rememberPublicKey } from "../src/lib/api-keys";
import { button, byLabel, heading, list, mount, signedIn, type, unmount } from "./app-helpers";
import { settle, waitFor } from "./helpers";

afterEach(() => {
  unmount();
  sessionStorage.clear();
});

const text = () => document.querySelector("main")?.textContent ?? "";
const BASE = "/api/v1/projects/acme";

const ENDPOINT: WebhookEndpoint = {
  id: "11111111-1111-4111-8111-111111111111",
  url: "https://hooks.example.com/windback",
  description: null,
  event_types: ["churn_event.lost", "webhook.test"],
  enabled: false,
  created_at: "2026-12-01T00:00:00.000Z",
  disabled_reason: "the endpoint answered 410 Gone",
  secret_hint: "whsec_…AbCd",
  last_success_at: null,
  last_failure_at: "2026-12-01T01:00:00.000Z",
  updated_at: "2026-12-01T01:00:00.000Z",
};

describe("Webhooks", () => {
  it("shows the SSRF refusal beside the URL, then the new secret once", async () => {
    let endpoints: WebhookEndpoint[] = [];
    const api = mount(
      "/dashboard/projects/acme/webhooks",
      signedIn({
        [`GET ${BASE}/webhook-endpoints`]: () => ({ status: 200, body: list(endpoints) }),
        [`POST ${BASE}/webhook-endpoints`]: (request) => {
          const body = request.body as { url: string };
          if (body.url.includes("169.254")) {
            return {
              status: 400,
              body: {
                error: "body/url: 169.254.169.254 is a cloud metadata address",
                code: "VALIDATION_FAILED",
              },
            };
          }
          endpoints = [{ ...ENDPOINT, url: body.url, enabled: true, disabled_reason: null }];
          return {
            status: 201,
            body: { data: { ...endpoints[0], secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0" } },
          };
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/No webhook endpoints yet/));
    button("Add an endpoint").click();
    const url = await waitFor(() => byLabel("URL"));
    type(url, "http://169.254.169.254/latest");
    await settle();
    button("Add the endpoint").click();
    await waitFor(() => expect(url.getAttribute("aria-invalid")).toBe("true"));
    const describedBy = url.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy.split(" ").pop() ?? "")?.textContent).toBe(
      "The URL is refused: 169.254.169.254 is a cloud metadata address",
    );
    await waitFor(() => expect(document.activeElement).toBe(url));

    // One event type unchecked: the body names the others.
    const boxes = [...document.querySelectorAll<HTMLInputElement>("fieldset input")];
    expect(boxes.every((b) => b.checked)).toBe(true);
    boxes[0]?.click();
    type(url, "https://hooks.example.com/windback");
    await settle();
    button("Add the endpoint").click();
    await waitFor(() => expect(text()).toMatch(/Copy it now: it will not be shown again/));
    expect(document.querySelector("[data-webhook-secret]")?.textContent).toBe(
      "whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
    );
    const posted = api.seen.filter((r) => r.method === "POST").pop()?.body as {
      event_types: string[];
    };
    expect(posted.event_types).not.toContain("cancel_flow.submitted");
    expect(posted.event_types).toHaveLength(6);
    button("I have copied it").click();
    await waitFor(() => expect(text()).not.toMatch(/whsec_c2Vj/));
    expect(text()).toContain("https://hooks.example.com/windback");
  });

  it("re-enables a disabled endpoint with a PATCH of only `enabled`", async () => {
    const api = mount(
      "/dashboard/projects/acme/webhooks",
      signedIn({
        [`GET ${BASE}/webhook-endpoints`]: { status: 200, body: list([ENDPOINT]) },
        [`PATCH ${BASE}/webhook-endpoints/${ENDPOINT.id}`]: {
          status: 200,
          body: { data: { ...ENDPOINT, enabled: true, disabled_reason: null } },
        },
      }),
    );
    await waitFor(() => expect(text()).toMatch(/Disabled: the endpoint answered 410 Gone/));
    button(`Edit ${ENDPOINT.url}`).click();
    (await waitFor(() => byLabel("Enabled (messages are sent)"))).click();
    await settle();
    button("Save the endpoint").click();
    await waitFor(() => expect(document.querySelector("form")).toBeNull());
    expect(api.seen.find((r) => r.method === "PATCH")?.body).toEqual({ enabled: true });
    expect(text()).toMatch(/Enabled/);
    expect(text()).not.toMatch(/Disabled:/);
  });

  it("Send test opens the log, which shows each attempt and redelivers a failed one", async () => {
    const failed: WebhookDelivery = {
      id: "22222222-2222-4222-8222-222222222222",
      message_id: "msg_test1",
      event_type: "webhook.test",
      attempt: 1,
      status: "failed",
      response_status: 500,
      response_body: "boom",
      error: null,
      duration_ms: 12,
      created_at: new Date().toISOString(),
      next_attempt_at: null,
    };
    let deliveries = [failed];
    const api = mount(
      "/dashboard/projects/acme/webhooks",
      signedIn({
        [`GET ${BASE}/webhook-endpoints`]: {
          status: 200,
          body: list([{ ...ENDPOINT, enabled: true, disabled_reason: null }]),
        },
        [`POST ${BASE}/webhook-endpoints/${ENDPOINT.id}/test`]: {
          status: 202,
          body: { data: { message_id: "msg_test1" } },
        },
        [`GET ${BASE}/webhook-endpoints/${ENDPOINT.id}/deliveries`]: () => ({
          status: 200,
          body: list(deliveries),
        }),
        [`POST ${BASE}/webhook-endpoints/${ENDPOINT.id}/deliveries/${failed.id}/redeliver`]: () => {
          const again = {
            ...failed,
            id: "33333333-3333-4333-8333-333333333333",
            attempt: 2,
            status: "succeeded" as const,
            response_status: 200,
          };
          deliveries = [again, failed];
          return { status: 202, body: { data: again } };
        },
      }),
    );
    (await waitFor(() => button(`Send test to ${ENDPOINT.url}`))).click();
    await waitFor(() => expect(text()).toMatch(/Test message queued: msg_test1/));
    await waitFor(() => expect(document.querySelector("tr[data-delivery-status]")).not.toBeNull());
    const row = document.querySelector("tr[data-delivery-attempt='1']");
    expect(row?.textContent).toMatch(/Failed/);
    expect(row?.textContent).toMatch(/500/);
    expect(row?.textContent).toMatch(/12 ms/);
    button("Redeliver webhook.test message msg_test1 (attempt 1)").click();
    await waitFor(() =>
      expect(
        document
          .querySelector("tr[data-delivery-attempt='2']")
          ?.getAttribute("data-delivery-status"),
      ).toBe("succeeded"),
    );
    expect(
      api.seen.find((r) => r.path.endsWith("/redeliver"))?.body,
      "a state change carries a JSON body",
    ).toEqual({});
  });

  it("deleting asks first", async () => {
    const api = mount(
      "/dashboard/projects/acme/webhooks",
      signedIn({
        [`GET ${BASE}/webhook-endpoints`]: { status: 200, body: list([ENDPOINT]) },
        [`DELETE ${BASE}/webhook-endpoints/${ENDPOINT.id}`]: { status: 204 },
      }),
    );
    (await waitFor(() => button(`Delete ${ENDPOINT.url}`))).click();
    await waitFor(() => button("Delete the endpoint"));
    expect(api.seen.some((r) => r.method === "DELETE")).toBe(false);
    button("Delete the endpoint").click();
    await waitFor(() => expect(text()).toMatch(/No webhook endpoints yet/));
    expect(api.seen.some((r) => r.method === "DELETE")).toBe(true);
  });
});

describe("Stripe", () => {
  const integration = {
    configured: false,
    webhook_secret_hint: null,
    webhook_url: "https://windback.example.com/webhooks/stripe/{public_key}",
    updated_at: null,
  };

  it("fills the URL with this tab's public key, saves a secret and removes it after asking", async () => {
    rememberPublicKey("acme", "k1", "pub_rawKeyForStripe");
    const api = mount(
      "/dashboard/projects/acme/integrations/stripe",
      signedIn({
        [`GET ${BASE}/integrations/stripe`]: { status: 200, body: { data: integration } },
        [`GET ${BASE}/api-keys`]: {
          status: 200,
          body: list([
            {
              id: "k1",
              key_type: "public",
              mode: "live",
              key_masked: "pub_••••••••ripe",
              created_at: "2026-12-01T00:00:00.000Z",
              last_used_at: null,
              expires_at: null,
              revoked_at: null,
            },
          ]),
        },
        [`PUT ${BASE}/integrations/stripe`]: (request) => {
          const secret = (request.body as { webhook_secret: string }).webhook_secret;
          if (secret === "whsec_!!") {
            return {
              status: 400,
              body: {
                error: 'body/webhook_secret must match pattern "^whsec_[A-Za-z0-9+/=_-]{8,200}$"',
                code: "VALIDATION_FAILED",
              },
            };
          }
          return {
            status: 200,
            body: {
              data: {
                ...integration,
                configured: true,
                webhook_secret_hint: `whsec_…${secret.slice(-4)}`,
                updated_at: "2026-12-02T10:00:00.000Z",
              },
            },
          };
        },
        [`DELETE ${BASE}/integrations/stripe`]: { status: 204 },
      }),
    );
    await waitFor(() => expect(heading()).toBe("Stripe"));
    await waitFor(() =>
      expect(text()).toContain("https://windback.example.com/webhooks/stripe/pub_rawKeyForStripe"),
    );
    expect(text()).toMatch(/No signing secret is set/);
    const input = byLabel("Signing secret");
    expect(input.type).toBe("password");

    type(input, "whsec_!!");
    await settle();
    button("Save the secret").click();
    await waitFor(() => expect(input.getAttribute("aria-invalid")).toBe("true"));
    expect(text()).toMatch(/This is not a Stripe signing secret/);

    type(input, "whsec_abcdefgh1234");
    await settle();
    button("Save the secret").click();
    await waitFor(() => expect(text()).toMatch(/A signing secret is set: whsec_…1234/));
    expect(api.seen.filter((r) => r.method === "PUT").pop()?.body).toEqual({
      webhook_secret: "whsec_abcdefgh1234",
    });
    expect(byLabel("New signing secret").value).toBe("");

    button("Remove the secret…").click();
    await waitFor(() => button("Remove the secret"));
    expect(api.seen.some((r) => r.method === "DELETE")).toBe(false);
    button("Remove the secret").click();
    await waitFor(() => expect(text()).toMatch(/No signing secret is set/));
    expect(api.seen.some((r) => r.method === "DELETE")).toBe(true);
  });
});
