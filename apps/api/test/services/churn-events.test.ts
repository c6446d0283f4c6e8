import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  type ChurnEventsService,
  createChurnEventsService,
  DEDUPE_WINDOW_MS,
  type FlowCaller,
} from "../../src/services/churn-events.js";
import { createSqliteStorage, type SqliteStorage } from "../../src/storage/sqlite/index.js";
import type { DomainEvent } from "../../src/storage/types.js";
import { TestClock } from "../helpers.js";

/** A browser: its MRR is a claim. */
const BROWSER: FlowCaller = {
  client: "address:203.0.113.7",
  vouch: { by: "nobody" },
  livemode: true,
};
const hashClient = (identity: string) => `hashed:${identity}`;

let storage: SqliteStorage;
let clock: TestClock;
let service: ChurnEventsService;
let heard: DomainEvent[];
let projectId: string;

beforeEach(async () => {
  storage = createSqliteStorage(":memory:");
  clock = new TestClock();
  service = createChurnEventsService({ repos: storage.repos, clock, hashClient });
  heard = [];
  service.subscribe((event) => heard.push(event));
  const userId = randomUUID();
  const { project } = await storage.repos.users.createWithProject(
    { id: userId, name: "Jane", email: "jane@example.com", passwordHash: "x" },
    { id: randomUUID(), userId, name: "Default", slug: "default", supportEmail: null },
    new Date(clock.now()).toISOString(),
  );
  projectId = project.id;
  await storage.repos.offers.upsert(
    projectId,
    randomUUID(),
    {
      cancelReason: "too_expensive",
      offerType: "discount",
      title: "Stay for less",
      description: "",
      ctaButtonText: "Claim",
      ctaUrl: null,
      enabled: true,
      discountPercent: 30,
      discountDurationMonths: 3,
      pauseDays: null,
      extensionDays: null,
      downgradePlan: null,
      featureName: null,
      featureUnlockDays: null,
    },
    new Date(clock.now()).toISOString(),
  );
});
afterEach(() => storage.close());

const submit = (email = "ada@example.com", reason = "too_expensive", caller = BROWSER) =>
  service.submit(projectId, { customer_email: email, cancel_reason: reason, mrr: 4900 }, caller);

describe("each change publishes one domain event, stored with it and heard after commit", () => {
  test("submit → cancel_flow.submitted with the churn event as the API returns it", async () => {
    const { event } = await submit();
    expect(heard.map((e) => e.type)).toEqual(["cancel_flow.submitted"]);
    const payload = JSON.parse(heard[0]?.payload ?? "{}");
    expect(payload).toMatchObject({ id: event.id, status: "new", mrr: 4900, mrr_cents: 4900 });
    expect(await storage.repos.churnEvents.history(projectId, event.id)).toEqual(heard);
  });

  test("a de-duplicated submit and a repeated accept publish nothing", async () => {
    const { event } = await submit();
    clock.advance(DEDUPE_WINDOW_MS - 1);
    expect((await submit()).deduplicated).toBe(true);
    const accept = {
      customer_email: "ada@example.com",
      cancel_reason: "too_expensive",
      offer_type: "discount",
    };
    await service.acceptOffer(projectId, { ...accept, event_id: event.id }, BROWSER);
    await service.acceptOffer(projectId, { ...accept, event_id: event.id }, BROWSER);
    expect(heard.map((e) => e.type)).toEqual([
      "cancel_flow.submitted",
      "cancel_flow.offer_accepted",
    ]);
  });

  test("decline, create, recovered and lost publish their own types", async () => {
    const { event } = await submit();
    await service.decline(projectId, event.id, BROWSER);
    await service.markFinal(projectId, event.id, "lost");
    const created = await service.create(
      projectId,
      {
        customer_email: "bob@example.com",
        mrr: 100,
      },
      true,
    );
    await service.markFinal(projectId, created.id, "recovered");
    expect(heard.map((e) => [e.type, e.churnEventId])).toEqual([
      ["cancel_flow.submitted", event.id],
      ["cancel_flow.offer_declined", event.id],
      ["churn_event.lost", event.id],
      ["churn_event.created", created.id],
      ["churn_event.recovered", created.id],
    ]);
  });

  test("a refused transition publishes nothing and maps to the API's errors", async () => {
    const { event } = await submit();
    await service.markFinal(projectId, event.id, "recovered");
    heard.length = 0;
    await expect(service.markFinal(projectId, event.id, "lost")).rejects.toMatchObject({
      statusCode: 400,
      code: "INVALID_TRANSITION",
      message: "The churn event is already recovered, which is final",
    });
    await expect(service.decline(projectId, event.id, BROWSER)).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
    });
    await expect(service.decline(projectId, randomUUID(), BROWSER)).rejects.toMatchObject({
      statusCode: 404,
      code: "NOT_FOUND",
    });
    expect(heard).toEqual([]);
  });

  test("a throwing subscriber is reported and never fails the change", async () => {
    const errors: unknown[] = [];
    const reporting = createChurnEventsService({
      repos: storage.repos,
      clock,
      hashClient,
      onListenerError: (error) => errors.push(error),
    });
    reporting.subscribe(() => {
      throw new Error("listener broke");
    });
    const later: string[] = [];
    reporting.subscribe((event) => later.push(event.type));
    const { event } = await reporting.submit(
      projectId,
      { customer_email: "c@example.com", cancel_reason: "other", cancel_reason_text: "moving on" },
      BROWSER,
    );
    expect(event.cancelReasonText).toBe("moving on");
    expect(errors).toHaveLength(1);
    expect(later).toEqual(["cancel_flow.submitted"]);
  });

  test("unsubscribing stops delivery", async () => {
    const seen: string[] = [];
    const stop = service.subscribe((event) => seen.push(event.type));
    await submit("one@example.com");
    stop();
    await submit("two@example.com");
    expect(seen).toEqual(["cancel_flow.submitted"]);
  });
});

describe("input rules", () => {
  test("other needs text; an unknown reason names the field", async () => {
    await expect(submit("a@example.com", "other")).rejects.toMatchObject({
      statusCode: 400,
      message: 'body/cancel_reason_text is required (not blank) when the reason is "other"',
    });
    await expect(submit("a@example.com", "bored")).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('body/cancel_reason "bored" is not a cancel reason'),
    });
    expect(heard).toEqual([]);
  });

  test("create needs mrr or mrr_cents, and they must agree", async () => {
    await expect(
      service.create(projectId, { customer_email: "a@example.com" }, true),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      service.create(projectId, { customer_email: "a@example.com", mrr: 1, mrr_cents: 2 }, true),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

/** The merchant's server, and a customer token that carries the MRR or not. */
const SERVER: FlowCaller = { client: "secret_key", vouch: { by: "secret_key" }, livemode: true };
const tokenFor = (email: string, mrr: boolean): FlowCaller => ({
  client: `customer:${email}`,
  vouch: { by: "customer_token", email, mrr },
  livemode: true,
});
const OTHER_BROWSER: FlowCaller = { ...BROWSER, client: "address:198.51.100.9" };

describe("who vouches for the MRR", () => {
  const submitMrr = (caller: FlowCaller, mrr: number, email = "ada@example.com") =>
    service.submit(
      projectId,
      { customer_email: email, cancel_reason: "too_expensive", mrr },
      caller,
    );

  beforeEach(async () => {
    await storage.repos.projects.update(
      projectId,
      { maxClaimedMrrCents: 1000 },
      new Date(clock.now()).toISOString(),
    );
  });

  test("a browser's MRR is a claim, kept up to the project's limit and refused above it", async () => {
    const { event } = await submitMrr(BROWSER, 1000);
    expect(event).toMatchObject({ mrrCents: 1000, mrrVerified: false });
    await expect(submitMrr(BROWSER, 1001, "bob@example.com")).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("body/mrr 1001 is above this project's limit"),
    });
  });

  test("a customer token without the MRR vouches only for the customer", async () => {
    await expect(submitMrr(tokenFor("ada@example.com", false), 1001)).rejects.toMatchObject({
      statusCode: 400,
    });
    const { event } = await submitMrr(tokenFor("ada@example.com", false), 900);
    expect(event.mrrVerified).toBe(false);
  });

  test("the secret key and a token carrying the MRR are not limited and count as verified", async () => {
    const server = await submitMrr(SERVER, 50_000, "srv@example.com");
    expect(server.event).toMatchObject({ mrrCents: 50_000, mrrVerified: true });
    const token = await submitMrr(tokenFor("tok@example.com", true), 50_000, "tok@example.com");
    expect(token.event).toMatchObject({ mrrCents: 50_000, mrrVerified: true });
  });
});

describe("who may continue a flow", () => {
  test("a browser only its own; the customer's token and the secret key any of theirs", async () => {
    const started = async () => (await submit(`${randomUUID()}@example.com`)).event;
    const a = await started();
    await expect(service.decline(projectId, a.id, OTHER_BROWSER)).rejects.toMatchObject({
      statusCode: 404,
      message: "Churn event not found",
    });
    await expect(
      service.decline(projectId, a.id, tokenFor("someone-else@example.com", false)),
    ).rejects.toMatchObject({ statusCode: 404 });
    expect((await service.decline(projectId, a.id, BROWSER)).offerDeclined).toBe(true);

    const b = await started();
    const byToken = await service.decline(projectId, b.id, tokenFor(b.customerEmail, false));
    expect(byToken.offerDeclined).toBe(true);

    const c = await started();
    expect((await service.decline(projectId, c.id, SERVER)).offerDeclined).toBe(true);
    // A test key's caller never reaches live data.
    const d = await started();
    await expect(
      service.decline(projectId, d.id, { ...SERVER, livemode: false }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  test("a step that is no longer possible says so", async () => {
    const { event } = await submit();
    await service.markFinal(projectId, event.id, "recovered");
    await expect(service.decline(projectId, event.id, BROWSER)).rejects.toMatchObject({
      code: "INVALID_TRANSITION",
      message: "The churn event is already recovered; that step is no longer possible",
    });
  });
});

describe("accepting an offer", () => {
  const NOTHING_SHOWN = "body/offer_type: no such offer was shown to this customer for this reason";
  const accept = (body: Record<string, string>, caller = BROWSER) =>
    service.acceptOffer(
      projectId,
      {
        customer_email: "ada@example.com",
        cancel_reason: "too_expensive",
        offer_type: "discount",
        ...body,
      },
      caller,
    );

  test("only the offer that was shown", async () => {
    const { event } = await submit();
    await expect(accept({ event_id: event.id, offer_type: "pause" })).rejects.toMatchObject({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "body/offer_type is not the offer shown to this customer (discount)",
    });
    // Submitted for a reason with no offer: nothing was shown, so nothing can be accepted.
    const plain = await submit("bob@example.com", "poor_support");
    await expect(
      accept({ customer_email: "bob@example.com", event_id: plain.event.id }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: NOTHING_SHOWN,
    });
  });

  test("the fields are named in the errors", async () => {
    await expect(accept({ customer_email: "nope" })).rejects.toMatchObject({
      message: expect.stringContaining("body/customer_email"),
    });
    await expect(accept({ cancel_reason: "bored" })).rejects.toMatchObject({
      message: expect.stringContaining("body/cancel_reason"),
    });
  });

  test("without a submit on record, only the offer served for the reason now is kept", async () => {
    const kept = await accept({});
    expect(kept).toMatchObject({
      status: "offer_accepted",
      offerType: "discount",
      provider: "custom",
      currency: "usd",
      mrrCents: 0,
      mrrVerified: false,
    });
    await expect(
      accept({ customer_email: "bob@example.com", offer_type: "pause" }),
    ).rejects.toMatchObject({ statusCode: 400, message: NOTHING_SHOWN });
    // No offer for this reason at all.
    await expect(
      accept({ customer_email: "cy@example.com", cancel_reason: "poor_support" }),
    ).rejects.toMatchObject({ statusCode: 400, message: NOTHING_SHOWN });
  });
});

describe("customer fields", () => {
  const create = (body: Record<string, unknown>) =>
    service.create(projectId, { customer_email: "ada@example.com", mrr: 500, ...body }, true);

  test("currency: three letters, trimmed and lower-cased; anything else is refused", async () => {
    expect((await create({ currency: " EUR " })).currency).toBe("eur");
    expect((await create({})).currency).toBe("usd");
    for (const currency of ["euro", "xeur", "eurx", "e1r"]) {
      await expect(create({ currency })).rejects.toMatchObject({
        statusCode: 400,
        message: "body/currency must be a three-letter ISO 4217 code, e.g. usd",
      });
    }
  });

  test("mrr and mrr_cents may both be sent when they agree", async () => {
    expect((await create({ mrr: 700, mrr_cents: 700 })).mrrCents).toBe(700);
    expect((await create({ mrr: undefined, mrr_cents: 800 })).mrrCents).toBe(800);
  });
});

describe("what a billing provider reports", () => {
  const fields = {
    customerEmail: "ada@example.com",
    provider: "stripe",
    providerSubscriptionId: "sub_1",
    planName: "Pro",
    mrrCents: 4900,
    currency: "usd",
    cancelReason: null,
    cancelReasonText: null,
    livemode: true,
  };

  test("is stored as its own verified numbers, published as created or lost", async () => {
    const scheduled = await service.recordFromBilling(projectId, fields, "new");
    expect(scheduled).toMatchObject({
      source: "billing",
      status: "new",
      provider: "stripe",
      mrrCents: 4900,
      mrrVerified: true,
      offerShown: false,
      offerType: null,
      clientKey: null,
      customerName: null,
    });
    const lost = await service.recordFromBilling(
      projectId,
      { ...fields, customerEmail: "bob@example.com" },
      "lost",
    );
    expect(lost.status).toBe("lost");
    expect(heard.map((e) => [e.type, e.churnEventId])).toEqual([
      ["churn_event.created", scheduled.id],
      ["churn_event.lost", lost.id],
    ]);
  });
});

describe("subscribers", () => {
  test("a throwing subscriber with no one to report to still never fails the change", async () => {
    service.subscribe(() => {
      throw new Error("listener broke");
    });
    await expect(submit()).resolves.toMatchObject({ deduplicated: false });
  });
});
