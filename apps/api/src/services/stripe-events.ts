import { type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { CancelReason } from "@windback/protocol";
import type Stripe from "stripe";
import type { Repositories } from "../storage/types.js";
import type { ChurnEventsService } from "./churn-events.js";

/**
 * What Stripe's events mean for churn events (docs/design.md §10). Matching is by
 * provider_subscription_id, then by the customer's email when the event carries one; events of
 * `livemode: false` act on test-mode data. Every change goes through the churn-events service, so
 * it publishes its domain event and queues its outbound webhooks like any other.
 */

/** `cancellation_details.feedback` → our reasons. */
const STRIPE_FEEDBACK_REASONS: Readonly<Record<string, CancelReason>> = {
  too_expensive: "too_expensive",
  missing_features: "missing_features",
  switched_service: "switching_competitor",
  unused: "not_using_enough",
  customer_service: "poor_support",
  low_quality: "technical_issues",
  too_complex: "technical_issues",
  other: "other",
};

const OPEN = ["new", "offer_accepted"] as const;

/*
 * The parts of Stripe's objects the handlers below read, with the types they rely on (every other
 * field is left alone). A signed body is checked against them before anything is stored, so an
 * event that does not have that shape is a 400, never a TypeError deep in a handler.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Maybe = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));
const IdOrObject = Maybe(Type.Union([Type.String(), Type.Object({ id: Type.String() })]));
const SubscriptionShape = Type.Object({
  id: Type.String({ minLength: 1 }),
  cancel_at_period_end: Maybe(Type.Boolean()),
  currency: Maybe(Type.String()),
  customer: Maybe(Type.Union([Type.String(), Type.Object({ email: Maybe(Type.String()) })])),
  metadata: Maybe(Type.Record(Type.String(), Type.String())),
  cancellation_details: Maybe(
    Type.Object({ feedback: Maybe(Type.String()), comment: Maybe(Type.String()) }),
  ),
  items: Maybe(
    Type.Object({
      data: Type.Array(
        Type.Object({
          quantity: Maybe(Type.Number()),
          price: Type.Object({
            unit_amount: Maybe(Type.Number()),
            currency: Maybe(Type.String()),
            nickname: Maybe(Type.String()),
            product: Maybe(
              Type.Union([Type.String(), Type.Object({ name: Maybe(Type.String()) })]),
            ),
            recurring: Maybe(
              Type.Object({ interval: Maybe(Type.String()), interval_count: Maybe(Type.Number()) }),
            ),
          }),
        }),
      ),
    }),
  ),
});
const InvoiceShape = Type.Object({
  period_start: Type.Number(),
  customer_email: Maybe(Type.String()),
  subscription: IdOrObject,
  parent: Maybe(
    Type.Object({
      subscription_details: Maybe(Type.Object({ subscription: IdOrObject })),
    }),
  ),
  lines: Maybe(
    Type.Object({
      data: Type.Array(Type.Object({ period: Maybe(Type.Object({ start: Type.Number() })) })),
    }),
  ),
});
const EventEnvelope = Type.Object({
  id: Type.String({ minLength: 1 }),
  type: Type.String({ minLength: 1 }),
  livemode: Type.Boolean(),
  data: Type.Object({ object: Type.Object({}) }),
});
const OBJECT_SHAPES: Readonly<Record<string, TSchema>> = {
  "customer.subscription.updated": SubscriptionShape,
  "customer.subscription.deleted": SubscriptionShape,
  "invoice.paid": InvoiceShape,
};

/**
 * Why a verified body cannot be handled as a Stripe event (not an event, or an object of a
 * handled type without the fields and types the handler reads), or null when it can.
 */
export function stripeEventProblem(body: unknown): string | null {
  if (!Value.Check(EventEnvelope, body)) {
    return "The body is not a Stripe event (an object with an id, a type, livemode and data.object)";
  }
  const shape = OBJECT_SHAPES[body.type];
  if (shape && !Value.Check(shape, body.data.object)) {
    const first = Value.Errors(shape, body.data.object).First();
    return `data.object of ${body.type} is not as Stripe sends it${first ? ` (${first.path || "/"}: ${first.message})` : ""}`;
  }
  return null;
}

/** Monthly cents of one price: amount × quantity, normalised to a month. */
function monthlyCents(item: Stripe.SubscriptionItem): number {
  const price = item.price;
  const amount = (price.unit_amount ?? 0) * (item.quantity ?? 1);
  const every = price.recurring?.interval_count ?? 1;
  switch (price.recurring?.interval) {
    case "year":
      return amount / 12 / every;
    case "week":
      return (amount * 52) / 12 / every;
    case "day":
      return (amount * 365) / 12 / every;
    default:
      return amount / every;
  }
}

function planOf(subscription: Stripe.Subscription) {
  const items = subscription.items?.data ?? [];
  const first = items[0]?.price;
  const product = first?.product;
  const productName =
    product && typeof product === "object" && "name" in product ? product.name : null;
  return {
    planName: first?.nickname ?? productName ?? (typeof product === "string" ? product : null),
    mrrCents: Math.round(items.reduce((sum, item) => sum + monthlyCents(item), 0)),
    currency: (subscription.currency ?? first?.currency ?? "usd").toLowerCase(),
  };
}

/** The customer's email when the event carries it (an expanded customer, or metadata). */
function emailOf(subscription: Stripe.Subscription): string | null {
  const customer = subscription.customer;
  const fromCustomer =
    customer && typeof customer === "object" && "email" in customer ? customer.email : null;
  const email =
    fromCustomer ?? subscription.metadata?.email ?? subscription.metadata?.customer_email ?? null;
  return email ? email.trim().toLowerCase() : null;
}

/** The subscription an invoice is for, in the API versions before and after 2025-03. */
function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null })
    .subscription;
  const parent = invoice.parent?.subscription_details?.subscription ?? null;
  const value = parent ?? legacy ?? null;
  if (value === null) return null;
  return typeof value === "string" ? value : value.id;
}

export type StripeOutcome = "processed" | "ignored";

export function createStripeEventsService(deps: {
  repos: Repositories;
  churnEvents: ChurnEventsService;
}) {
  const { repos, churnEvents } = deps;

  /** The customer's open churn event for this subscription (or their email), if any. */
  function openEventOf(projectId: string, event: Stripe.Event, subscription: Stripe.Subscription) {
    return repos.churnEvents.findForBilling(projectId, {
      livemode: event.livemode,
      subscriptionId: subscription.id,
      customerEmail: emailOf(subscription),
      statuses: [...OPEN],
    });
  }

  /** A churn event recorded from the subscription alone (no cancel flow ran before it). */
  async function recordFrom(
    projectId: string,
    event: Stripe.Event,
    subscription: Stripe.Subscription,
    email: string,
    status: "new" | "lost",
  ) {
    const details = subscription.cancellation_details;
    await churnEvents.recordFromBilling(
      projectId,
      {
        customerEmail: email,
        provider: "stripe",
        providerSubscriptionId: subscription.id,
        ...planOf(subscription),
        cancelReason: details?.feedback
          ? (STRIPE_FEEDBACK_REASONS[details.feedback] ?? null)
          : null,
        cancelReasonText: details?.comment?.trim() || null,
        livemode: event.livemode,
      },
      status,
    );
  }

  async function subscriptionUpdated(projectId: string, event: Stripe.Event) {
    const subscription = event.data.object as Stripe.Subscription;
    if (!subscription.cancel_at_period_end) return "ignored";
    const email = emailOf(subscription);
    if (email === null || (await openEventOf(projectId, event, subscription))) return "ignored";
    await recordFrom(projectId, event, subscription, email, "new");
    return "processed";
  }

  async function subscriptionDeleted(projectId: string, event: Stripe.Event) {
    const subscription = event.data.object as Stripe.Subscription;
    const open = await openEventOf(projectId, event, subscription);
    if (open) {
      // Stripe's plan and MRR are the truth about what was lost (the widget's are the browser's),
      // where the event states them: a price without an amount (tiered, metered) or a product
      // known only by its id leaves the recorded figure in place.
      const plan = planOf(subscription);
      const items = subscription.items?.data ?? [];
      const priced = items.length > 0 && items.every((item) => item.price.unit_amount != null);
      const product = items[0]?.price.product;
      await churnEvents.markFinal(projectId, open.id, "lost", {
        provider: "stripe",
        providerSubscriptionId: subscription.id,
        planName: typeof product === "string" && plan.planName === product ? null : plan.planName,
        mrrCents: priced ? plan.mrrCents : null,
        currency: plan.currency,
      });
      return "processed";
    }
    const email = emailOf(subscription);
    if (email === null) return "ignored";
    await recordFrom(projectId, event, subscription, email, "lost");
    return "processed";
  }

  async function invoicePaid(projectId: string, event: Stripe.Event) {
    const invoice = event.data.object as Stripe.Invoice;
    const subscriptionId = subscriptionOfInvoice(invoice);
    if (subscriptionId === null) return "ignored";
    const saved = await repos.churnEvents.findForBilling(projectId, {
      livemode: event.livemode,
      subscriptionId,
      customerEmail: invoice.customer_email?.trim().toLowerCase() || null,
      statuses: ["offer_accepted"],
    });
    if (!saved?.offerAcceptedAt) return "ignored";
    const periodStart = invoice.lines?.data?.[0]?.period?.start ?? invoice.period_start;
    // Only a period after the acceptance shows the saved customer really paid.
    if (periodStart * 1000 <= Date.parse(saved.offerAcceptedAt)) return "ignored";
    await churnEvents.markFinal(projectId, saved.id, "recovered");
    return "processed";
  }

  // Each handler reads (is there an open event?) and then writes: two events of one project
  // applied at once (Stripe delivers concurrently, e.g. updated and deleted of one subscription)
  // could both find nothing and create two. One at a time per project in this process; see
  // docs/deploy.md for several instances.
  const running = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const run = (running.get(projectId) ?? Promise.resolve()).then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    running.set(projectId, settled);
    void settled.then(() => {
      if (running.get(projectId) === settled) running.delete(projectId);
    });
    return run;
  }

  function apply(projectId: string, event: Stripe.Event): Promise<StripeOutcome> {
    switch (event.type) {
      case "customer.subscription.updated":
        return subscriptionUpdated(projectId, event);
      case "customer.subscription.deleted":
        return subscriptionDeleted(projectId, event);
      case "invoice.paid":
        return invoicePaid(projectId, event);
      default:
        return Promise.resolve("ignored");
    }
  }

  return {
    /** Applies one verified event; event types not handled are "ignored" (still a 200). */
    handle(projectId: string, event: Stripe.Event): Promise<StripeOutcome> {
      return oneAtATime(projectId, () => apply(projectId, event));
    },
  };
}

export type StripeEventsService = ReturnType<typeof createStripeEventsService>;
