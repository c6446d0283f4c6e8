/**
 * The Webhooks and Stripe screens' rules, kept out of the views so they are unit-tested: the
 * endpoint form and the bodies it sends (docs/design.md §9), where a server message belongs, how
 * a delivery attempt reads, and the URL to give Stripe (§10).
 */
import {
  type CreateWebhookEndpointBody,
  type UpdateWebhookEndpointBody,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from "@windback/protocol";
import { type ApiFailure, describeFailure } from "./api-client";
import { NOT_AVAILABLE } from "./format";

export const EVENT_TYPE_HINTS: Readonly<Record<WebhookEventType, string>> = {
  "cancel_flow.submitted": "A customer submitted the cancel flow",
  "cancel_flow.offer_accepted": "A customer accepted an offer",
  "cancel_flow.offer_declined": "A customer declined an offer",
  "churn_event.created": "A churn event was recorded (API or billing webhook)",
  "churn_event.recovered": "A saved customer paid again",
  "churn_event.lost": "A customer cancelled for good",
  "webhook.test": "Sent when you press “Send test”",
};

/** The endpoint form as typed: the URL and description as text, the chosen event types. */
export interface EndpointForm {
  url: string;
  description: string;
  eventTypes: readonly WebhookEventType[];
  enabled: boolean;
}

/** A new endpoint's form (every event type, as the API's default), or an existing one's values. */
export function endpointForm(endpoint?: WebhookEndpoint): EndpointForm {
  if (!endpoint) {
    return { url: "", description: "", eventTypes: [...WEBHOOK_EVENT_TYPES], enabled: true };
  }
  return {
    url: endpoint.url,
    description: endpoint.description ?? "",
    eventTypes: WEBHOOK_EVENT_TYPES.filter((t) => endpoint.event_types.includes(t)),
    enabled: endpoint.enabled,
  };
}

/** Checks or unchecks one event type; the list keeps the protocol's order. */
export function toggleEventType(
  form: EndpointForm,
  type: WebhookEventType,
  checked: boolean,
): EndpointForm {
  const chosen = new Set(form.eventTypes);
  if (checked) chosen.add(type);
  else chosen.delete(type);
  return { ...form, eventTypes: WEBHOOK_EVENT_TYPES.filter((t) => chosen.has(t)) };
}

const allChosen = (types: readonly WebhookEventType[]) =>
  WEBHOOK_EVENT_TYPES.every((t) => types.includes(t));

/** A problem the form can see before asking the server, by field; empty when there is none. */
export function endpointFormProblems(form: EndpointForm): Partial<Record<EndpointField, string>> {
  const problems: Partial<Record<EndpointField, string>> = {};
  if (form.url.trim() === "") problems.url = "Enter the URL that receives the webhooks.";
  if (form.eventTypes.length === 0) problems.event_types = "Choose at least one event type.";
  return problems;
}

/**
 * The create body: every event type chosen is sent as "all" (the field left out), so the
 * endpoint also gets event types added in later versions; a blank description is left out.
 */
export function createEndpointBody(form: EndpointForm): CreateWebhookEndpointBody {
  const description = form.description.trim();
  return {
    url: form.url.trim(),
    ...(description !== "" && { description }),
    ...(!allChosen(form.eventTypes) && { event_types: [...form.eventTypes] }),
    enabled: form.enabled,
  };
}

/** The PATCH body: only what changed (a cleared description is null); null when nothing did. */
export function updateEndpointBody(
  endpoint: WebhookEndpoint,
  form: EndpointForm,
): UpdateWebhookEndpointBody | null {
  const before = endpointForm(endpoint);
  const body: UpdateWebhookEndpointBody = {};
  const url = form.url.trim();
  if (url !== before.url) body.url = url;
  const description = form.description.trim();
  if (description !== before.description.trim()) {
    body.description = description === "" ? null : description;
  }
  const sameTypes =
    form.eventTypes.length === before.eventTypes.length &&
    form.eventTypes.every((t) => before.eventTypes.includes(t));
  if (!sameTypes) body.event_types = allChosen(form.eventTypes) ? null : [...form.eventTypes];
  if (form.enabled !== endpoint.enabled) body.enabled = form.enabled;
  return Object.keys(body).length === 0 ? null : body;
}

export type EndpointField = "url" | "description" | "event_types";
const ENDPOINT_FIELDS: readonly EndpointField[] = ["url", "description", "event_types"];
const FIELD_NAMES: Record<EndpointField, string> = {
  url: "The URL",
  description: "The description",
  event_types: "The event types",
};

/**
 * Which input a refusal is about: the error's `field` (`body/url`), else the field the message
 * starts with. The SSRF guard words its refusals `body/url: 127.0.0.1 is …`, which the client's
 * generic rule (a path then a space) does not catch.
 */
export function endpointFieldOf(error: ApiFailure): EndpointField | null {
  const source = error.field ?? error.message;
  const match = /^body\/([a-z_]+)(?=[\s:/]|$)/.exec(source);
  const name = match?.[1] as EndpointField | undefined;
  return name && ENDPOINT_FIELDS.includes(name) ? name : null;
}

/** The message for beside the input: `body/url must be https:` → `The URL must be https:`. */
export function fieldMessage(error: ApiFailure): string {
  const field = endpointFieldOf(error);
  if (!field) return describeFailure(error);
  const rest = error.message.replace(/^body\/[a-z_]+(?:\/[A-Za-z0-9_.-]+)*:?\s*/, "");
  if (rest === error.message) return error.message;
  return error.message.startsWith(`body/${field}:`)
    ? `${FIELD_NAMES[field]} is refused: ${rest}`
    : `${FIELD_NAMES[field]} ${rest}`;
}

/** How an endpoint is doing, in words, for its card. */
export function endpointState(endpoint: WebhookEndpoint): {
  tone: "ok" | "warn" | "bad";
  label: string;
} {
  if (!endpoint.enabled) {
    return {
      tone: "bad",
      label: endpoint.disabled_reason ? `Disabled: ${endpoint.disabled_reason}` : "Disabled",
    };
  }
  const success = endpoint.last_success_at ? Date.parse(endpoint.last_success_at) : null;
  const failure = endpoint.last_failure_at ? Date.parse(endpoint.last_failure_at) : null;
  if (failure !== null && (success === null || failure > success)) {
    return { tone: "warn", label: "Enabled, last delivery failed" };
  }
  return { tone: "ok", label: "Enabled" };
}

export const DELIVERY_STATUS_LABELS: Readonly<Record<WebhookDelivery["status"], string>> = {
  pending: "Pending",
  succeeded: "Succeeded",
  failed: "Failed",
};

/** The answer column: the HTTP status, else the error (timeout, refused address), else —. */
export function deliveryResponse(delivery: WebhookDelivery): string {
  if (delivery.response_status !== null) {
    return delivery.error
      ? `${delivery.response_status} (${delivery.error})`
      : String(delivery.response_status);
  }
  return delivery.error ?? NOT_AVAILABLE;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return NOT_AVAILABLE;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** An attempt already made can be sent again; a planned one is on its way anyway. */
export const canRedeliver = (delivery: WebhookDelivery): boolean => delivery.status !== "pending";

/** The log refreshes itself while an attempt is due within this long (a later one: by hand). */
const POLL_HORIZON_MS = 60_000;

/** Whether the log should refresh by itself: an attempt is pending and due soon. */
export function shouldPoll(deliveries: readonly WebhookDelivery[], now: number): boolean {
  return deliveries.some((d) => {
    if (d.status !== "pending") return false;
    if (d.next_attempt_at === null) return true;
    return Date.parse(d.next_attempt_at) - now <= POLL_HORIZON_MS;
  });
}

/** What to select in Stripe's endpoint settings (docs/webhooks.md "Inbound: Stripe"). */
export const STRIPE_EVENT_TYPES = [
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
] as const;

/** The placeholder the API's `webhook_url` template holds (docs/design.md §10). */
const PUBLIC_KEY_SLOT = "{public_key}";

/**
 * The URL to give Stripe: the API's template (its `PUBLIC_URL` + `/webhooks/stripe/{public_key}`)
 * with a public key filled in; the template as is when this tab knows no raw public key.
 */
export function stripeWebhookUrl(template: string, publicKey: string | null): string {
  if (!publicKey) return template;
  return template.replace(PUBLIC_KEY_SLOT, encodeURIComponent(publicKey));
}

/** A first check of a pasted Stripe secret; the server's pattern has the last word. */
export function stripeSecretProblem(raw: string): string | null {
  const secret = raw.trim();
  if (secret === "") return "Paste the endpoint's signing secret from Stripe.";
  if (!secret.startsWith("whsec_")) {
    return "A Stripe signing secret starts with whsec_ (Stripe: Developers → Webhooks → your endpoint → Signing secret).";
  }
  return null;
}
