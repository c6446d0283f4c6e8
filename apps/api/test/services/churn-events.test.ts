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
