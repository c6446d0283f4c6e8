/**
 * The storage contract: what every implementation of storage/types.ts must do, run against each
 * backend through a factory (sqlite-storage.test.ts, and any later backend). These tests talk to
 * the repositories directly, so they pin the guarantees the services and routes rely on,
 * concurrency included, independently of HTTP.
 */
import { randomUUID } from "node:crypto";
import type { PublicOffer, WebhookEventType } from "@windback/protocol";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { statsFromCounters } from "../../src/storage/counters.js";
import { StorageUnavailableError, UniqueViolationError } from "../../src/storage/errors.js";
import type {
  AttemptOutcome,
  CancelFlowSubmission,
  ChurnEventRecord,
  DomainEvent,
  DomainEventType,
  FlowOwner,
  LeasedDelivery,
  NewApiKey,
  NewChurnEvent,
  NewWebhookEndpoint,
  OfferInput,
  Publish,
  Storage,
} from "../../src/storage/types.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
export const at = (ms: number) => new Date(T0 + ms).toISOString();
const HOUR = 3_600_000;

const newKey = (keyType: "public" | "secret" = "public", livemode = true): NewApiKey => ({
  id: randomUUID(),
  keyType,
  livemode,
  keyHash: randomUUID().replaceAll("-", "").repeat(2),
  keyHint: `${keyType === "public" ? "pub_" : "sk_"}…abcd`,
});

export const publisher =
  (type: DomainEventType): Publish =>
  (event) => ({
    id: randomUUID(),
    type,
    projectId: event.projectId,
    churnEventId: event.id,
    payload: JSON.stringify({ id: event.id, status: event.status }),
    occurredAt: event.updatedAt,
  });

const DISCOUNT: PublicOffer = {
  offer_type: "discount",
  title: "Stay for less",
  description: "30% off",
  cta_button_text: "Claim",
  discount_percent: 30,
  discount_duration_months: 3,
};
/** A live key's view of /track writes (no key id needed by the store). */
const LIVE_KEY = { id: null, livemode: true };

/** The client every helper below acts as, unless a test says otherwise. */
const CLIENT = "client-a";
export const OWNER: FlowOwner = { kind: "client", clientKey: CLIENT, livemode: true };
const CLIENT_B: FlowOwner = { kind: "client", clientKey: "client-b", livemode: true };
const SERVER: FlowOwner = { kind: "project", livemode: true };

export const submission = (
  email: string,
  overrides: Partial<CancelFlowSubmission> = {},
): CancelFlowSubmission => ({
  id: randomUUID(),
  customerEmail: email,
  customerName: null,
  provider: "custom",
  providerSubscriptionId: null,
  planName: null,
  mrrCents: 4900,
  currency: "usd",
  tenureDays: null,
  cancelReason: "too_expensive",
  cancelReasonText: null,
  offerTerms: DISCOUNT,
  clientKey: CLIENT,
  mrrVerified: false,
  livemode: true,
  ...overrides,
});

const apiEvent = (email: string, overrides: Partial<NewChurnEvent> = {}): NewChurnEvent => ({
  ...submission(email, { offerTerms: null, clientKey: null, mrrVerified: true }),
  offerType: null,
  source: "api",
  status: "new",
  offerShown: false,
  offerAcceptedAt: null,
  ...overrides,
});

/** A cancel-flow event accepted without a submit on record, as the service builds it. */
const fallbackOf = (email: string, terms: PublicOffer = DISCOUNT): NewChurnEvent => ({
  ...submission(email, { offerTerms: terms }),
  offerType: terms.offer_type,
  source: "cancel_flow",
  status: "offer_accepted",
  offerShown: true,
  offerAcceptedAt: at(0),
});

const offer = (overrides: Partial<OfferInput> = {}): OfferInput => ({
  cancelReason: "too_expensive",
  offerType: "discount",
  title: "Stay for less",
  description: "30% off",
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
  ...overrides,
});

/** Backend-specific hooks some contract tests need. */
export interface ContractHooks {
  /** Makes every later insert of a webhook attempt fail (to prove the outbox is transactional). */
  breakOutbox(storage: Storage): Promise<void>;
}

export function describeStorageContract(
  backend: string,
  open: () => Promise<Storage>,
  hooks: ContractHooks,
): void {
  describe(`storage contract: ${backend}`, () => {
    let storage: Storage;
    let userId: string;
    let projectId: string;

    async function account(email = `${randomUUID()}@example.com`) {
      const id = randomUUID();
      const { user, project } = await storage.repos.users.createWithProject(
        { id, name: "Jane", email, passwordHash: "hash" },
        { id: randomUUID(), userId: id, name: "Default", slug: "default", supportEmail: null },
        at(0),
      );
      return { user, project };
    }

    beforeEach(async () => {
      storage = await open();
      const { user, project } = await account();
      userId = user.id;
      projectId = project.id;
    });
    afterEach(async () => {
      await storage.close();
    });

    describe("health", () => {
      test("answers while open and fails with StorageUnavailableError once closed", async () => {
        await expect(storage.health()).resolves.toBeUndefined();
        const other = await open();
        await other.close();
        await expect(other.health()).rejects.toBeInstanceOf(StorageUnavailableError);
      });
    });

    describe("users", () => {
      test("an account is created with its first project and found by id and email", async () => {
        const { user, project } = await account("ada@example.com");
        expect(user).toMatchObject({ email: "ada@example.com", tokenVersion: 1 });
        expect(project).toMatchObject({ userId: user.id, slug: "default", allowedOrigins: [] });
        expect(await storage.repos.users.findById(user.id)).toEqual(user);
        expect(await storage.repos.users.findByEmail("ada@example.com")).toEqual(user);
        expect(await storage.repos.users.findByEmail("nobody@example.com")).toBeNull();
      });

      test("a taken email is a UniqueViolationError and leaves no second project", async () => {
        await account("taken@example.com");
        await expect(account("taken@example.com")).rejects.toBeInstanceOf(UniqueViolationError);
      });

      test("of concurrent registrations with one email exactly one succeeds", async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => account("race@example.com")),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        for (const r of results) {
          if (r.status === "rejected") expect(r.reason).toBeInstanceOf(UniqueViolationError);
        }
      });

      test("a password change stores the hash and bumps the token version", async () => {
        const changed = await storage.repos.users.changePassword(userId, "new-hash", at(HOUR));
        expect(changed).toMatchObject({ passwordHash: "new-hash", tokenVersion: 2 });
        expect(changed.updatedAt).toBe(at(HOUR));
      });
    });

    describe("projects", () => {
      const create = (name: string, slug: string, now = at(HOUR)) =>
        storage.repos.projects.create(
          { id: randomUUID(), userId, name, slug, supportEmail: null },
          [newKey("public"), newKey("secret")],
          now,
        );

      test("slugs stay unique per account: acme, acme-2, acme-3", async () => {
        const slugs = [];
        for (let i = 0; i < 3; i++) slugs.push((await create("Acme", "acme")).slug);
        expect(slugs).toEqual(["acme", "acme-2", "acme-3"]);
      });

      test("concurrent creations with one name get distinct slugs", async () => {
        const created = await Promise.all(Array.from({ length: 6 }, () => create("Beta", "beta")));
        expect(new Set(created.map((p) => p.slug)).size).toBe(6);
      });

      test("listing is oldest first with the total; the default is the oldest", async () => {
        await create("Second", "second", at(HOUR));
        await create("Third", "third", at(2 * HOUR));
        const page = await storage.repos.projects.listByUser(userId, { limit: 2, offset: 1 });
        expect(page.total).toBe(3);
        expect(page.items.map((p) => p.slug)).toEqual(["second", "third"]);
        expect((await storage.repos.projects.findDefault(userId))?.id).toBe(projectId);
        expect((await storage.repos.projects.findBySlug(userId, "third"))?.name).toBe("Third");
        expect(await storage.repos.projects.findBySlug(randomUUID(), "third")).toBeNull();
      });

      test("update changes only the fields given; null clears the support email", async () => {
        const named = await storage.repos.projects.update(
          projectId,
          { name: "Renamed", supportEmail: "help@example.com" },
          at(HOUR),
        );
        expect(named).toMatchObject({ name: "Renamed", supportEmail: "help@example.com" });
        const cleared = await storage.repos.projects.update(
          projectId,
          { supportEmail: null },
          at(2 * HOUR),
        );
        expect(cleared).toMatchObject({
          name: "Renamed",
          supportEmail: null,
          updatedAt: at(2 * HOUR),
        });
        expect(await storage.repos.projects.update(randomUUID(), { name: "x" }, at(0))).toBeNull();
      });

      test("allowed origins keep their order; delete removes the project with its keys", async () => {
        const origins = ["https://b.example.com", "https://a.example.com"];
        expect(await storage.repos.projects.setAllowedOrigins(projectId, origins, at(1))).toEqual(
          origins,
        );
        expect(await storage.repos.projects.getAllowedOrigins(projectId)).toEqual(origins);
        const key = newKey("secret");
        await storage.repos.apiKeys.create(projectId, key, at(1));
        expect(await storage.repos.projects.delete(projectId)).toBe(true);
        expect(await storage.repos.projects.findById(projectId)).toBeNull();
        expect(await storage.repos.apiKeys.findUsableByHash(key.keyHash, at(2))).toBeNull();
        expect(await storage.repos.projects.delete(projectId)).toBe(false);
      });

      test("delete removes a project with its churn events and their counters", async () => {
        const publish = publisher("cancel_flow.submitted");
        const { event } = await storage.repos.churnEvents.submit(
          projectId,
          submission("gone@example.com"),
          OWNER,
          at(0),
          at(-HOUR),
          publish,
        );
        await storage.repos.churnEvents.setFinalStatus(
          projectId,
          event.id,
          "lost",
          at(1),
          publisher("churn_event.lost"),
        );
        expect(await storage.repos.projects.delete(projectId)).toBe(true);
        expect(await storage.repos.churnEvents.findById(projectId, event.id)).toBeNull();
        expect(await storage.repos.churnEvents.counters(projectId, { livemode: true })).toEqual([]);
      });
    });

    describe("api keys", () => {
      test("a usable key is found by hash with its owner; revoked and expired ones are not", async () => {
        const key = newKey("secret");
        const created = await storage.repos.apiKeys.create(projectId, key, at(0));
        expect(created).toMatchObject({ id: key.id, keyType: "secret", revokedAt: null });
        const found = await storage.repos.apiKeys.findUsableByHash(key.keyHash, at(1));
        expect(found).toMatchObject({ userId, keyHash: key.keyHash, key: { id: key.id } });
        const revoked = await storage.repos.apiKeys.revoke(projectId, key.id, at(2));
        expect(revoked?.revokedAt).toBe(at(2));
        expect(await storage.repos.apiKeys.findUsableByHash(key.keyHash, at(3))).toBeNull();
        // Revoking again keeps the first time; another project's key is not found.
        expect((await storage.repos.apiKeys.revoke(projectId, key.id, at(9)))?.revokedAt).toBe(
          at(2),
        );
        expect(await storage.repos.apiKeys.revoke(randomUUID(), key.id, at(9))).toBeNull();
      });

      test("rotation expires the other live keys of that type at the deadline, never later", async () => {
        const first = newKey("public");
        const secret = newKey("secret");
        await storage.repos.apiKeys.create(projectId, first, at(0));
        await storage.repos.apiKeys.create(projectId, secret, at(0));
        await storage.repos.apiKeys.rotate(projectId, newKey("public"), at(HOUR), at(25 * HOUR));
        await storage.repos.apiKeys.rotate(
          projectId,
          newKey("public"),
          at(2 * HOUR),
          at(26 * HOUR),
        );
        expect(
          await storage.repos.apiKeys.findUsableByHash(first.keyHash, at(25 * HOUR - 1)),
        ).not.toBeNull();
        expect(
          await storage.repos.apiKeys.findUsableByHash(first.keyHash, at(25 * HOUR)),
        ).toBeNull();
        expect(
          await storage.repos.apiKeys.findUsableByHash(secret.keyHash, at(30 * HOUR)),
        ).not.toBeNull();
        const list = await storage.repos.apiKeys.listByProject(projectId, { limit: 10, offset: 0 });
        expect(list.total).toBe(4);
        expect(list.items[0]?.createdAt).toBe(at(2 * HOUR));
      });

      test("touch records use only when the last one is older than staleBefore", async () => {
        const key = newKey();
        await storage.repos.apiKeys.create(projectId, key, at(0));
        await storage.repos.apiKeys.touch(key.id, at(10), at(-60_000));
        await storage.repos.apiKeys.touch(key.id, at(20), at(10 - 60_000));
        const list = await storage.repos.apiKeys.listByProject(projectId, { limit: 1, offset: 0 });
        expect(list.items[0]?.lastUsedAt).toBe(at(10));
      });
    });

    describe("retention offers", () => {
      test("upsert creates, then replaces keeping id and created_at; disabled ones are not served", async () => {
        const created = await storage.repos.offers.upsert(projectId, randomUUID(), offer(), at(0));
        expect(created.created).toBe(true);
        const replaced = await storage.repos.offers.upsert(
          projectId,
          randomUUID(),
          offer({
            offerType: "pause",
            discountPercent: null,
            discountDurationMonths: null,
            pauseDays: 30,
            enabled: false,
          }),
          at(HOUR),
        );
        expect(replaced.created).toBe(false);
        expect(replaced.offer).toMatchObject({
          id: created.offer.id,
          createdAt: at(0),
          updatedAt: at(HOUR),
          offerType: "pause",
          discountPercent: null,
          pauseDays: 30,
        });
        expect(
          await storage.repos.offers.findEnabledByReason(projectId, "too_expensive"),
        ).toBeNull();
        expect((await storage.repos.offers.findByReason(projectId, "too_expensive"))?.id).toBe(
          created.offer.id,
        );
        expect(await storage.repos.offers.listByProject(projectId)).toHaveLength(1);
        expect(await storage.repos.offers.delete(projectId, "too_expensive")).toBe(true);
        expect(await storage.repos.offers.delete(projectId, "too_expensive")).toBe(false);
      });
    });

    describe("churn events", () => {
      const events = () => storage.repos.churnEvents;
      const since = at(-24 * HOUR);

      test("create stores the event and its domain event in one transaction", async () => {
        const { event, published } = await events().create(
          projectId,
          apiEvent("ada@example.com"),
          at(0),
          publisher("churn_event.created"),
        );
        expect(event).toMatchObject({ projectId, source: "api", status: "new", createdAt: at(0) });
        expect(published).toMatchObject({ type: "churn_event.created", churnEventId: event.id });
        expect(await events().history(projectId, event.id)).toEqual([published]);
      });

      test("a publish that throws rolls the change back: nothing is stored", async () => {
        const failing: Publish = () => {
          throw new Error("boom");
        };
        await expect(
          events().create(projectId, apiEvent("ada@example.com"), at(0), failing),
        ).rejects.toThrow("boom");
        expect((await events().list(projectId, { limit: 10, offset: 0 })).total).toBe(0);
      });

      test("submit de-duplicates one customer within the window and publishes only the insert", async () => {
        const publish = publisher("cancel_flow.submitted");
        const first = await events().submit(
          projectId,
          submission("a@example.com"),
          OWNER,
          at(0),
          since,
          publish,
        );
        expect(first).toMatchObject({
          deduplicated: false,
          event: { status: "new", offerShown: true },
        });
        expect(first.published?.type).toBe("cancel_flow.submitted");
        const again = await events().submit(
          projectId,
          submission("a@example.com", {
            cancelReason: "other",
            cancelReasonText: "why",
            offerTerms: null,
          }),
          OWNER,
          at(HOUR),
          at(HOUR - 24 * HOUR),
          publish,
        );
        expect(again.deduplicated).toBe(true);
        expect(again.published).toBeNull();
        // Still new: updated to the latest reason; the offer shown before stays recorded.
        expect(again.event).toMatchObject({
          id: first.event.id,
          cancelReason: "other",
          cancelReasonText: "why",
          offerShown: true,
        });
        const later = await events().submit(
          projectId,
          submission("a@example.com"),
          OWNER,
          at(25 * HOUR),
          at(HOUR),
          publish,
        );
        expect(later.deduplicated).toBe(false);
        expect(later.event.id).not.toBe(first.event.id);
        expect(await events().history(projectId, first.event.id)).toHaveLength(1);
      });

      test("concurrent submits for one customer create exactly one event", async () => {
        const publish = publisher("cancel_flow.submitted");
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            events().submit(
              projectId,
              submission("race@example.com"),
              OWNER,
              at(0),
              since,
              publish,
            ),
          ),
        );
        expect(new Set(results.map((r) => r.event.id)).size).toBe(1);
        expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
        expect(results.filter((r) => r.published !== null)).toHaveLength(1);
        expect((await events().list(projectId, { limit: 20, offset: 0 })).total).toBe(1);
      });

      test("accept-offer: by id, retried safely, refused once final", async () => {
        const { event } = await events().submit(
          projectId,
          submission("b@example.com"),
          OWNER,
          at(0),
          since,
          publisher("cancel_flow.submitted"),
        );
        const accept = (target: { eventId?: string; customerEmail: string }) =>
          events().acceptOffer(
            projectId,
            { ...target, owner: OWNER, since },
            "discount",
            fallbackOf("b@example.com"),
            at(HOUR),
            publisher("cancel_flow.offer_accepted"),
          );
        const accepted = await accept({ eventId: event.id, customerEmail: "b@example.com" });
        expect(accepted).toMatchObject({
          ok: true,
          event: { id: event.id, status: "offer_accepted", offerAcceptedAt: at(HOUR) },
          published: { type: "cancel_flow.offer_accepted" },
        });
        const retried = await accept({ customerEmail: "b@example.com" });
        expect(retried).toMatchObject({ ok: true, event: { id: event.id }, published: null });
        await events().setFinalStatus(
          projectId,
          event.id,
          "lost",
          at(2 * HOUR),
          publisher("churn_event.lost"),
        );
        expect(await accept({ eventId: event.id, customerEmail: "b@example.com" })).toMatchObject({
          ok: false,
          reason: "invalid_transition",
          event: { status: "lost" },
        });
        expect(await accept({ eventId: randomUUID(), customerEmail: "b@example.com" })).toEqual({
          ok: false,
          reason: "not_found",
        });
        expect((await events().history(projectId, event.id)).map((e) => e.type)).toEqual([
          "cancel_flow.submitted",
          "cancel_flow.offer_accepted",
          "churn_event.lost",
        ]);
      });

      test("accept-offer without an event on record stores the fallback event, if there is one", async () => {
        const fallback = fallbackOf("c@example.com");
        const result = await events().acceptOffer(
          projectId,
          { customerEmail: "c@example.com", owner: OWNER, since },
          "discount",
          fallback,
          at(0),
          publisher("cancel_flow.offer_accepted"),
        );
        expect(result).toMatchObject({
          ok: true,
          event: { id: fallback.id, status: "offer_accepted", offerTerms: DISCOUNT },
        });
        const none = await events().acceptOffer(
          projectId,
          { customerEmail: "d@example.com", owner: OWNER, since },
          "pause",
          null,
          at(0),
          publisher("cancel_flow.offer_accepted"),
        );
        expect(none).toEqual({ ok: false, reason: "offer_mismatch", event: null });
      });

      test("a flow belongs to its client: another client gets its own event and cannot touch this one", async () => {
        const publish = publisher("cancel_flow.submitted");
        const mine = await events().submit(
          projectId,
          submission("k@example.com"),
          OWNER,
          at(0),
          since,
          publish,
        );
        const theirs = await events().submit(
          projectId,
          submission("k@example.com", {
            clientKey: "client-b",
            cancelReason: "other",
            cancelReasonText: "x",
            offerTerms: null,
          }),
          CLIENT_B,
          at(1),
          since,
          publish,
        );
        // No existence oracle: the other client gets an ordinary new event.
        expect(theirs.deduplicated).toBe(false);
        expect(theirs.event.id).not.toBe(mine.event.id);
        const asB = (eventId?: string) =>
          events().acceptOffer(
            projectId,
            {
              ...(eventId && { eventId }),
              customerEmail: "k@example.com",
              owner: CLIENT_B,
              since,
            },
            "discount",
            null,
            at(2),
            publisher("cancel_flow.offer_accepted"),
          );
        expect(await asB(mine.event.id)).toEqual({ ok: false, reason: "not_found" });
        expect(
          await events().decline(
            projectId,
            mine.event.id,
            CLIENT_B,
            at(2),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toEqual({ ok: false, reason: "not_found" });
        // By email, client B finds only its own event (its reason was served no offer).
        expect(await asB()).toMatchObject({
          ok: false,
          reason: "offer_mismatch",
          event: { id: theirs.event.id },
        });
        const untouched = await events().findById(projectId, mine.event.id);
        expect(untouched).toMatchObject({
          status: "new",
          cancelReason: "too_expensive",
          offerDeclined: false,
        });
      });

      test("a verified customer sees their events from any client; the merchant's server sees all", async () => {
        const publish = publisher("cancel_flow.submitted");
        const fromBrowser = await events().submit(
          projectId,
          submission("v@example.com"),
          OWNER,
          at(0),
          since,
          publish,
        );
        const customer: FlowOwner = { kind: "customer", email: "v@example.com", livemode: true };
        // The verified customer's own submit finds the browser-started event (no duplicate).
        const again = await events().submit(
          projectId,
          submission("v@example.com", { clientKey: "token-client" }),
          customer,
          at(1),
          since,
          publish,
        );
        expect(again).toMatchObject({ deduplicated: true, event: { id: fromBrowser.event.id } });
        // Another verified customer cannot touch it, even by id.
        const stranger: FlowOwner = {
          kind: "customer",
          email: "someone@example.com",
          livemode: true,
        };
        expect(
          await events().decline(
            projectId,
            fromBrowser.event.id,
            stranger,
            at(2),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toEqual({ ok: false, reason: "not_found" });
        const accepted = await events().acceptOffer(
          projectId,
          { eventId: fromBrowser.event.id, customerEmail: "v@example.com", owner: customer, since },
          "discount",
          null,
          at(2),
          publisher("cancel_flow.offer_accepted"),
        );
        expect(accepted).toMatchObject({ ok: true, event: { status: "offer_accepted" } });
        const other = await events().submit(
          projectId,
          submission("w@example.com"),
          CLIENT_B,
          at(3),
          since,
          publish,
        );
        expect(
          await events().decline(
            projectId,
            other.event.id,
            SERVER,
            at(4),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toMatchObject({ ok: true, event: { offerDeclined: true } });
      });

      test("live and test events never meet: dedupe, decline and accept stay within a mode", async () => {
        const publish = publisher("cancel_flow.submitted");
        const live = await events().submit(
          projectId,
          submission("mode@example.com"),
          OWNER,
          at(0),
          since,
          publish,
        );
        const testOwner: FlowOwner = { ...OWNER, livemode: false };
        const test = await events().submit(
          projectId,
          submission("mode@example.com", { livemode: false }),
          testOwner,
          at(1),
          since,
          publish,
        );
        expect(test.deduplicated).toBe(false);
        expect(test.event.id).not.toBe(live.event.id);
        const testServer: FlowOwner = { kind: "project", livemode: false };
        expect(
          await events().decline(
            projectId,
            live.event.id,
            testServer,
            at(2),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toEqual({ ok: false, reason: "not_found" });
        // Positive control: the live server declines the live event.
        expect(
          await events().decline(
            projectId,
            live.event.id,
            SERVER,
            at(2),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toMatchObject({ ok: true });
      });

      test("only the offer served can be accepted, and accepting rewrites nothing else", async () => {
        const { event } = await events().submit(
          projectId,
          submission("m@example.com", { cancelReasonText: "too pricey", customerName: "Ada" }),
          OWNER,
          at(0),
          since,
          publisher("cancel_flow.submitted"),
        );
        const accept = (offerType: "pause" | "discount") =>
          events().acceptOffer(
            projectId,
            { eventId: event.id, customerEmail: "m@example.com", owner: OWNER, since },
            offerType,
            null,
            at(HOUR),
            publisher("cancel_flow.offer_accepted"),
          );
        expect(await accept("pause")).toMatchObject({ ok: false, reason: "offer_mismatch" });
        expect(await accept("discount")).toMatchObject({
          ok: true,
          event: {
            status: "offer_accepted",
            offerType: "discount",
            offerTerms: DISCOUNT,
            cancelReason: "too_expensive",
            cancelReasonText: "too pricey",
            customerName: "Ada",
            mrrCents: 4900,
          },
        });
      });

      test("concurrent accepts of one event publish one change", async () => {
        const { event } = await events().submit(
          projectId,
          submission("d@example.com"),
          OWNER,
          at(0),
          since,
          publisher("cancel_flow.submitted"),
        );
        const results = await Promise.all(
          Array.from({ length: 6 }, () =>
            events().acceptOffer(
              projectId,
              { eventId: event.id, customerEmail: "d@example.com", owner: OWNER, since },
              "discount",
              null,
              at(HOUR),
              publisher("cancel_flow.offer_accepted"),
            ),
          ),
        );
        expect(results.every((r) => r.ok)).toBe(true);
        expect(results.filter((r) => r.ok && r.published !== null)).toHaveLength(1);
      });

      test("decline only from new; final statuses are final", async () => {
        const { event } = await events().create(
          projectId,
          apiEvent("e@example.com"),
          at(0),
          publisher("churn_event.created"),
        );
        const declined = await events().decline(
          projectId,
          event.id,
          SERVER,
          at(1),
          publisher("cancel_flow.offer_declined"),
        );
        expect(declined).toMatchObject({
          ok: true,
          event: { offerDeclined: true, offerShown: true, status: "new" },
        });
        const recovered = await events().setFinalStatus(
          projectId,
          event.id,
          "recovered",
          at(2),
          publisher("churn_event.recovered"),
        );
        expect(recovered).toMatchObject({ ok: true, event: { status: "recovered" } });
        expect(
          await events().setFinalStatus(
            projectId,
            event.id,
            "lost",
            at(3),
            publisher("churn_event.lost"),
          ),
        ).toMatchObject({
          ok: false,
          reason: "invalid_transition",
          event: { status: "recovered" },
        });
        expect(
          await events().decline(
            projectId,
            event.id,
            SERVER,
            at(4),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toMatchObject({
          ok: false,
          reason: "invalid_transition",
        });
        expect(
          await events().decline(
            projectId,
            randomUUID(),
            SERVER,
            at(4),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toEqual({
          ok: false,
          reason: "not_found",
        });
      });

      test("a final status with billing facts takes the provider's subscription, plan and MRR", async () => {
        const publish = publisher("cancel_flow.submitted");
        const { event } = await events().submit(
          projectId,
          submission("g@example.com", { planName: "Starter", mrrCents: 999 }),
          OWNER,
          at(0),
          since,
          publish,
        );
        const lost = await events().setFinalStatus(
          projectId,
          event.id,
          "lost",
          at(1),
          publisher("churn_event.lost"),
          {
            provider: "stripe",
            providerSubscriptionId: "sub_9",
            planName: "Pro",
            mrrCents: 2000,
            currency: "eur",
          },
        );
        expect(lost).toMatchObject({
          ok: true,
          event: {
            status: "lost",
            provider: "stripe",
            providerSubscriptionId: "sub_9",
            planName: "Pro",
            mrrCents: 2000,
            currency: "eur",
            mrrVerified: true,
            cancelReason: "too_expensive",
          },
        });
        // The counters moved the event with its new MRR.
        const lostRows = (await events().counters(projectId, { livemode: true })).filter(
          (row) => row.status === "lost",
        );
        expect(lostRows.reduce((sum, row) => sum + row.mrrCents, 0)).toBe(2000);
        // Facts the provider does not state (null) leave the recorded plan and MRR in place.
        const other = await events().submit(
          projectId,
          submission("h@example.com", { planName: "Starter", mrrCents: 999 }),
          OWNER,
          at(0),
          since,
          publish,
        );
        const kept = await events().setFinalStatus(
          projectId,
          other.event.id,
          "lost",
          at(1),
          publisher("churn_event.lost"),
          {
            provider: "stripe",
            providerSubscriptionId: "sub_10",
            planName: null,
            mrrCents: null,
            currency: "eur",
          },
        );
        expect(kept).toMatchObject({
          ok: true,
          event: {
            providerSubscriptionId: "sub_10",
            planName: "Starter",
            mrrCents: 999,
            currency: "usd",
            mrrVerified: false,
          },
        });
      });

      test("another project's event is not found by any method", async () => {
        const other = await account();
        const { event } = await events().create(
          other.project.id,
          apiEvent("f@example.com"),
          at(0),
          publisher("churn_event.created"),
        );
        expect(await events().findById(projectId, event.id)).toBeNull();
        expect(await events().history(projectId, event.id)).toEqual([]);
        expect(
          await events().decline(
            projectId,
            event.id,
            SERVER,
            at(1),
            publisher("cancel_flow.offer_declined"),
          ),
        ).toEqual({
          ok: false,
          reason: "not_found",
        });
      });

      test("lists are newest first, filtered by status, with totals; stats add up", async () => {
        const created: ChurnEventRecord[] = [];
        for (let i = 0; i < 5; i++) {
          const { event } = await events().submit(
            projectId,
            submission(`g${i}@example.com`, { mrrCents: 1000 * (i + 1) }),
            OWNER,
            at(i * 1000),
            since,
            publisher("cancel_flow.submitted"),
          );
          created.push(event);
        }
        const [e0, e1, e2] = created as [ChurnEventRecord, ChurnEventRecord, ChurnEventRecord];
        await events().acceptOffer(
          projectId,
          { eventId: e0.id, customerEmail: e0.customerEmail, owner: OWNER, since },
          "discount",
          null,
          at(10_000),
          publisher("cancel_flow.offer_accepted"),
        );
        await events().decline(
          projectId,
          e1.id,
          OWNER,
          at(10_000),
          publisher("cancel_flow.offer_declined"),
        );
        await events().setFinalStatus(
          projectId,
          e2.id,
          "lost",
          at(10_000),
          publisher("churn_event.lost"),
        );
        await events().create(
          projectId,
          apiEvent("api@example.com", { mrrCents: 500 }),
          at(20_000),
          publisher("churn_event.created"),
        );

        const page = await events().list(projectId, { limit: 2, offset: 0 });
        expect(page.total).toBe(6);
        expect(page.items.map((e) => e.customerEmail)).toEqual([
          "api@example.com",
          "g4@example.com",
        ]);
        const lost = await events().list(projectId, { status: "lost", limit: 10, offset: 0 });
        expect(lost).toMatchObject({ total: 1, items: [{ id: e2.id }] });

        const stats = statsFromCounters(await events().counters(projectId, { livemode: true }));
        expect(stats).toMatchObject({
          totalEvents: 6,
          newEvents: 4,
          offerAcceptedEvents: 1,
          lostEvents: 1,
          recoveredEvents: 0,
          totalMrrAtRisk: 2000 + 4000 + 5000 + 500,
          recoveredMrr: 1000,
          lostMrr: 3000,
          submissions: 5,
          offersShown: 5,
          offersAccepted: 1,
          offersDeclined: 1,
          savedMrr: 1000,
          // Every cancel-flow event here is a browser's claim; the API-created one is not.
          claimedMrrAtRisk: 2000 + 4000 + 5000,
          claimedRecoveredMrr: 1000,
          claimedSavedMrr: 1000,
        });
        expect(stats.byReason).toEqual([
          { reason: "too_expensive", submissions: 5, offersShown: 5, offersAccepted: 1 },
        ]);
        expect(await events().counters((await account()).project.id, { livemode: true })).toEqual(
          [],
        );
      });

      test("history is oldest first and carries the payload the publisher built", async () => {
        const { event } = await events().create(
          projectId,
          apiEvent("h@example.com"),
          at(0),
          publisher("churn_event.created"),
        );
        await events().setFinalStatus(
          projectId,
          event.id,
          "recovered",
          at(HOUR),
          publisher("churn_event.recovered"),
        );
        const history: DomainEvent[] = await events().history(projectId, event.id);
        expect(history.map((e) => [e.type, JSON.parse(e.payload).status, e.occurredAt])).toEqual([
          ["churn_event.created", "new", at(0)],
          ["churn_event.recovered", "recovered", at(HOUR)],
        ]);
      });
    });

    describe("track events", () => {
      const QUOTA = 1_000_000;
      const event = (name: string, properties: string | null = null, occurredAt = at(0)) => ({
        customerEmail: null,
        customerId: null,
        event: name,
        properties,
        occurredAt,
      });

      test("a batch is stored whole, counted in the usage and listed newest first", async () => {
        const stored = await storage.repos.trackEvents.insertMany(
          projectId,
          LIVE_KEY,
          [
            { ...event("a"), customerEmail: "a@example.com" },
            { ...event("b", '{"plan":"pro"}'), customerId: "c1" },
          ],
          at(2),
          QUOTA,
        );
        expect(stored).toEqual({ stored: 2, overQuota: false });
        const latest = await storage.repos.trackEvents.listByProject(projectId, 10);
        expect(latest.map((e) => e.event)).toEqual(["b", "a"]);
        expect(latest[0]).toMatchObject({ properties: '{"plan":"pro"}', createdAt: at(2) });
        const usage = await storage.repos.trackEvents.usage(projectId);
        expect(usage.events).toBe(2);
        expect(usage.bytes).toBeGreaterThan(2 * 200);
      });

      test("a batch with an invalid event stores nothing", async () => {
        await expect(
          storage.repos.trackEvents.insertMany(
            projectId,
            LIVE_KEY,
            [event("ok"), event("bad", "{not json")],
            at(1),
            QUOTA,
          ),
        ).rejects.toThrow();
        expect(await storage.repos.trackEvents.listByProject(projectId, 10)).toEqual([]);
      });

      test("a batch that would pass the quota stores nothing; other projects are unaffected", async () => {
        const big = `{"x":"${"y".repeat(4000)}"}`;
        const insert = (project: string, name: string) =>
          storage.repos.trackEvents.insertMany(project, LIVE_KEY, [event(name, big)], at(0), 5000);
        expect(await insert(projectId, "a")).toEqual({ stored: 1, overQuota: false });
        expect(await insert(projectId, "b")).toEqual({ stored: 0, overQuota: true });
        expect((await storage.repos.trackEvents.usage(projectId)).events).toBe(1);
        const other = await account();
        expect(await insert(other.project.id, "c")).toEqual({ stored: 1, overQuota: false });
      });

      test("pruning deletes the oldest stored events in batches and frees their quota", async () => {
        for (let i = 0; i < 5; i++) {
          await storage.repos.trackEvents.insertMany(
            projectId,
            LIVE_KEY,
            [event(`e${i}`)],
            at(i * HOUR),
            QUOTA,
          );
        }
        const prune = () => storage.repos.trackEvents.pruneStoredBefore(at(3 * HOUR), 2);
        expect([await prune(), await prune(), await prune()]).toEqual([2, 1, 0]);
        const left = await storage.repos.trackEvents.listByProject(projectId, 10);
        expect(left.map((e) => e.event)).toEqual(["e4", "e3"]);
        expect((await storage.repos.trackEvents.usage(projectId)).events).toBe(2);
      });
    });

    describe("webhooks", () => {
      const webhooks = () => storage.repos.webhooks;
      const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
      const newEndpoint = (overrides: Partial<NewWebhookEndpoint> = {}): NewWebhookEndpoint => ({
        id: randomUUID(),
        url: "https://hooks.example.com/windback",
        description: null,
        eventTypes: null,
        enabled: true,
        secret: SECRET,
        ...overrides,
      });
      const message = (eventType: WebhookEventType = "webhook.test") => ({
        id: `msg_${randomUUID().replaceAll("-", "")}`,
        eventType,
        livemode: true,
        body: JSON.stringify({ type: eventType, timestamp: at(0), livemode: true, data: {} }),
      });
      const failure = (retry: { id: string; at: string } | null): AttemptOutcome => ({
        succeeded: false,
        responseStatus: 500,
        responseBody: "oops",
        error: null,
        durationMs: 12,
        retry,
        disableEndpoint: null,
      });
      const SUCCESS: AttemptOutcome = {
        succeeded: true,
        responseStatus: 204,
        responseBody: "",
        error: null,
        durationMs: 7,
        retry: null,
        disableEndpoint: null,
      };
      /** Leases everything due at `now` (first attempts due at once). */
      const leaseAll = (now: string) => webhooks().leaseDue(now, at(100 * HOUR), 100, 0);

      test("endpoints: create, list oldest first, find, update, rotate, only in their project", async () => {
        const first = await webhooks().createEndpoint(
          projectId,
          newEndpoint({ eventTypes: ["churn_event.created"], description: "CRM" }),
          at(0),
        );
        expect(first).toMatchObject({
          projectId,
          eventTypes: ["churn_event.created"],
          description: "CRM",
          enabled: true,
          disabledReason: null,
          secret: SECRET,
          previousSecret: null,
          failingSince: null,
          createdAt: at(0),
        });
        const second = await webhooks().createEndpoint(projectId, newEndpoint(), at(1000));
        expect((await webhooks().listEndpoints(projectId)).map((e) => e.id)).toEqual([
          first.id,
          second.id,
        ]);
        const other = await account();
        expect(await webhooks().findEndpoint(other.project.id, first.id)).toBeNull();
        expect(await webhooks().listEndpoints(other.project.id)).toEqual([]);
        expect(await webhooks().updateEndpoint(other.project.id, first.id, {}, at(1))).toBeNull();
        expect(await webhooks().deleteEndpoint(other.project.id, first.id)).toBe(false);

        const disabled = await webhooks().updateEndpoint(
          projectId,
          first.id,
          { enabled: false, eventTypes: null, description: null },
          at(2000),
        );
        expect(disabled).toMatchObject({
          enabled: false,
          disabledReason: "disabled by the owner",
          eventTypes: null,
          description: null,
          url: first.url,
          updatedAt: at(2000),
        });
        const enabled = await webhooks().updateEndpoint(
          projectId,
          first.id,
          { enabled: true, url: "https://other.example.com/" },
          at(3000),
        );
        expect(enabled).toMatchObject({
          enabled: true,
          disabledReason: null,
          url: "https://other.example.com/",
        });

        const rotated = await webhooks().rotateSecret(
          projectId,
          first.id,
          "whsec_bmV3LXNlY3JldC1rZXktMzItYnl0ZXMtbG9uZyE=",
          at(4000),
          at(4000 + 24 * HOUR),
        );
        expect(rotated).toMatchObject({
          secret: "whsec_bmV3LXNlY3JldC1rZXktMzItYnl0ZXMtbG9uZyE=",
          previousSecret: SECRET,
          previousSecretExpiresAt: at(4000 + 24 * HOUR),
        });
        expect(
          await webhooks().rotateSecret(other.project.id, first.id, "x", at(5), at(6)),
        ).toBeNull();
        expect(await webhooks().findEndpoint(projectId, first.id)).toEqual(rotated);
      });

      test("deleting an endpoint deletes its messages and attempts", async () => {
        const endpoint = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        await webhooks().enqueue(projectId, endpoint.id, message(), randomUUID(), at(0));
        expect(await webhooks().deleteEndpoint(projectId, endpoint.id)).toBe(true);
        expect(await webhooks().deleteEndpoint(projectId, endpoint.id)).toBe(false);
        expect(await leaseAll(at(1000))).toEqual([]);
        expect(await webhooks().nextDueAt(0)).toBeNull();
      });

      test("a change queues one message per enabled endpoint subscribed to its type, in its transaction", async () => {
        const all = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        const subscribed = await webhooks().createEndpoint(
          projectId,
          newEndpoint({ eventTypes: ["churn_event.lost", "churn_event.created"] }),
          at(0),
        );
        await webhooks().createEndpoint(
          projectId,
          newEndpoint({ eventTypes: ["churn_event.recovered"] }),
          at(0),
        );
        await webhooks().createEndpoint(projectId, newEndpoint({ enabled: false }), at(0));
        const other = await account();
        await webhooks().createEndpoint(other.project.id, newEndpoint(), at(0));

        const { event, published } = await storage.repos.churnEvents.create(
          projectId,
          apiEvent("ada@example.com", { livemode: false }),
          at(HOUR),
          publisher("churn_event.created"),
        );
        const leased = await leaseAll(at(HOUR));
        expect(leased.map((d) => d.endpoint.id).sort()).toEqual([all.id, subscribed.id].sort());
        const [a, b] = leased as [LeasedDelivery, LeasedDelivery];
        expect(a.message.id).not.toBe(b.message.id);
        for (const delivery of leased) {
          expect(delivery.message).toMatchObject({
            projectId,
            eventType: "churn_event.created",
            livemode: false,
            status: "pending",
            attempts: 0,
            createdAt: at(HOUR),
          });
          expect(JSON.parse(delivery.message.body)).toEqual({
            type: "churn_event.created",
            timestamp: published.occurredAt,
            livemode: false,
            data: JSON.parse(published.payload),
          });
          expect(delivery.attempt).toMatchObject({
            messageId: delivery.message.id,
            attempt: 1,
            status: "pending",
            // Due at the change; leasing moved it to the lease's end.
            nextAttemptAt: at(100 * HOUR),
          });
        }
        expect(event.livemode).toBe(false);

        // A publish that throws stores no message either.
        const failing: Publish = () => {
          throw new Error("boom");
        };
        await expect(
          storage.repos.churnEvents.create(projectId, apiEvent("b@example.com"), at(HOUR), failing),
        ).rejects.toThrow("boom");
        expect(await leaseAll(at(2 * HOUR))).toEqual([]);
      });

      test("an outbox write that fails rolls the change and its domain event back", async () => {
        await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        await hooks.breakOutbox(storage);
        const id = randomUUID();
        await expect(
          storage.repos.churnEvents.create(
            projectId,
            apiEvent("ada@example.com", { id }),
            at(0),
            publisher("churn_event.created"),
          ),
        ).rejects.toThrow();
        expect(await storage.repos.churnEvents.findById(projectId, id)).toBeNull();
        expect(await storage.repos.churnEvents.history(projectId, id)).toEqual([]);
        expect(
          (await storage.repos.churnEvents.list(projectId, { limit: 10, offset: 0 })).total,
        ).toBe(0);
      });

      test("leasing takes due attempts of enabled endpoints, oldest first, and hides them until the lease ends", async () => {
        const endpoint = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        const off = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        const early = await webhooks().enqueue(
          projectId,
          endpoint.id,
          message(),
          randomUUID(),
          at(0),
        );
        const late = await webhooks().enqueue(
          projectId,
          endpoint.id,
          message(),
          randomUUID(),
          at(1000),
        );
        await webhooks().enqueue(projectId, off.id, message(), randomUUID(), at(0));
        await webhooks().updateEndpoint(projectId, off.id, { enabled: false }, at(0));
        expect(early).toMatchObject({ status: "pending", attempts: 0, endpointId: endpoint.id });

        // A first attempt is due the schedule's first delay after it was planned.
        expect(await webhooks().leaseDue(at(1500), at(60_000), 10, 1000)).toHaveLength(1);
        expect(await webhooks().nextDueAt(1000)).toBe(at(2000));
        const leased = await webhooks().leaseDue(at(2000), at(60_000), 10, 1000);
        expect(leased.map((d) => d.message.id)).toEqual([late.id]);
        expect(leased[0]?.attempt.nextAttemptAt).toBe(at(60_000));
        expect(leased[0]?.endpoint.id).toBe(endpoint.id);
        // From here on first attempts are due when planned.
        expect(await webhooks().leaseDue(at(59_000), at(120_000), 10, 0)).toEqual([]);
        // A lease that runs out (a worker that crashed) makes the attempt due again: oldest first.
        const again = await webhooks().leaseDue(at(60_000), at(120_000), 10, 0);
        expect(again.map((d) => d.message.id)).toEqual([early.id, late.id]);
        // Given back, it is due when the worker said.
        await webhooks().release(again[0]?.attempt.id as string, at(61_000));
        expect(await webhooks().nextDueAt(0)).toBe(at(61_000));
        const released = await webhooks().leaseDue(at(61_000), at(180_000), 1, 0);
        expect(released.map((d) => d.message.id)).toEqual([early.id]);
        // The disabled endpoint's attempt was never leased; re-enabled, it is.
        await webhooks().updateEndpoint(projectId, off.id, { enabled: true }, at(0));
        const resumed = await webhooks().leaseDue(at(61_000), at(180_000), 10, 0);
        expect(resumed.map((d) => d.endpoint.id)).toEqual([off.id]);
      });

      test("concurrent leases never hand one attempt to two workers", async () => {
        const endpoint = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        for (let i = 0; i < 30; i++) {
          await webhooks().enqueue(projectId, endpoint.id, message(), randomUUID(), at(i));
        }
        const batches = await Promise.all(
          [0, 1, 2, 3, 4, 5].map(() => webhooks().leaseDue(at(1000), at(HOUR), 8, 0)),
        );
        const ids = batches.flat().map((d) => d.attempt.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(30);
        expect(await webhooks().leaseDue(at(2000), at(HOUR), 100, 0)).toEqual([]);
      });

      test("outcomes: a failure plans the retry, a success ends the run of failures, once per attempt", async () => {
        const endpoint = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        const queued = await webhooks().enqueue(
          projectId,
          endpoint.id,
          message(),
          randomUUID(),
          at(0),
        );
        const [first] = await leaseAll(at(0));
        const firstId = first?.attempt.id as string;
        const retryId = randomUUID();
        await webhooks().recordOutcome(firstId, failure({ id: retryId, at: at(5000) }), at(100));
        // Recorded once: a second outcome for the same attempt changes nothing.
        await webhooks().recordOutcome(firstId, SUCCESS, at(200));
        expect(await webhooks().findEndpoint(projectId, endpoint.id)).toMatchObject({
          failingSince: at(100),
          lastFailureAt: at(100),
          lastSuccessAt: null,
        });
        expect(await webhooks().nextDueAt(0)).toBe(at(5000));
        const attempts = await webhooks().listAttempts(projectId, endpoint.id, {
          limit: 10,
          offset: 0,
        });
        expect(attempts.total).toBe(2);
        expect(attempts.items).toMatchObject([
          { id: retryId, attempt: 2, status: "pending", nextAttemptAt: at(5000) },
          {
            id: firstId,
            attempt: 1,
            status: "failed",
            responseStatus: 500,
            responseBody: "oops",
            durationMs: 12,
            nextAttemptAt: null,
            eventType: "webhook.test",
          },
        ]);
        expect(await leaseAll(at(4999))).toEqual([]);
        const [retry] = await leaseAll(at(5000));
        expect(retry?.message).toMatchObject({ id: queued.id, status: "pending", attempts: 1 });
        await webhooks().recordOutcome(retryId, failure(null), at(6000));
        await webhooks().recordOutcome(retryId, SUCCESS, at(6500));
        expect(await webhooks().findEndpoint(projectId, endpoint.id)).toMatchObject({
          failingSince: at(100),
          lastFailureAt: at(6000),
        });
        expect(await webhooks().nextDueAt(0)).toBeNull();

        // Redelivery continues the count and makes the message pending again.
        const redelivered = await webhooks().redeliver(
          projectId,
          endpoint.id,
          firstId,
          randomUUID(),
          at(7000),
        );
        expect(redelivered).toMatchObject({
          attempt: 3,
          status: "pending",
          nextAttemptAt: at(7000),
        });
        const [third] = await leaseAll(at(7000));
        expect(third?.message).toMatchObject({ status: "pending", attempts: 2 });
        await webhooks().recordOutcome(third?.attempt.id as string, SUCCESS, at(8000));
        expect(await webhooks().findEndpoint(projectId, endpoint.id)).toMatchObject({
          failingSince: null,
          lastSuccessAt: at(8000),
        });
        const page = await webhooks().listAttempts(projectId, endpoint.id, { limit: 1, offset: 1 });
        expect(page).toMatchObject({ total: 3, items: [{ id: retryId, status: "failed" }] });
        const other = await account();
        expect(
          await webhooks().listAttempts(other.project.id, endpoint.id, { limit: 10, offset: 0 }),
        ).toEqual({ items: [], total: 0 });
        expect(
          await webhooks().redeliver(
            other.project.id,
            endpoint.id,
            firstId,
            randomUUID(),
            at(9000),
          ),
        ).toBeNull();
        const elsewhere = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        expect(
          await webhooks().redeliver(projectId, elsewhere.id, firstId, randomUUID(), at(9000)),
        ).toBeNull();
      });

      test("an outcome can disable the endpoint: its pending attempts wait until it is re-enabled", async () => {
        const endpoint = await webhooks().createEndpoint(projectId, newEndpoint(), at(0));
        await webhooks().enqueue(projectId, endpoint.id, message(), randomUUID(), at(0));
        await webhooks().enqueue(projectId, endpoint.id, message(), randomUUID(), at(0));
        const [one] = await webhooks().leaseDue(at(0), at(HOUR), 1, 0);
        await webhooks().recordOutcome(
          one?.attempt.id as string,
          {
            ...failure(null),
            responseStatus: 410,
            disableEndpoint: "the endpoint answered 410 Gone",
          },
          at(100),
        );
        expect(await webhooks().findEndpoint(projectId, endpoint.id)).toMatchObject({
          enabled: false,
          disabledReason: "the endpoint answered 410 Gone",
        });
        expect(await leaseAll(at(1000))).toEqual([]);
        expect(await webhooks().nextDueAt(0)).toBeNull();
        await webhooks().updateEndpoint(projectId, endpoint.id, { enabled: true }, at(2000));
        expect(await webhooks().findEndpoint(projectId, endpoint.id)).toMatchObject({
          enabled: true,
          disabledReason: null,
          failingSince: null,
        });
        expect(await leaseAll(at(2000))).toHaveLength(1);
      });
    });

    describe("billing", () => {
      const billing = () => storage.repos.billing;

      test("integrations: set, replace, find, delete, per project", async () => {
        expect(await billing().findIntegration(projectId, "stripe")).toBeNull();
        const set = await billing().setIntegration(projectId, "stripe", "whsec_one", at(0));
        expect(set).toEqual({
          projectId,
          provider: "stripe",
          webhookSecret: "whsec_one",
          createdAt: at(0),
          updatedAt: at(0),
        });
        const replaced = await billing().setIntegration(projectId, "stripe", "whsec_two", at(1000));
        expect(replaced).toMatchObject({
          webhookSecret: "whsec_two",
          createdAt: at(0),
          updatedAt: at(1000),
        });
        expect(await billing().findIntegration(projectId, "stripe")).toEqual(replaced);
        const other = await account();
        expect(await billing().findIntegration(other.project.id, "stripe")).toBeNull();
        expect(await billing().deleteIntegration(other.project.id, "stripe")).toBe(false);
        expect(await billing().deleteIntegration(projectId, "stripe")).toBe(true);
        expect(await billing().findIntegration(projectId, "stripe")).toBeNull();
      });

      test("an event id is claimed once, even by concurrent claims, until released", async () => {
        const event = { id: "evt_1", type: "customer.subscription.deleted" };
        const claims = await Promise.all(
          [0, 1, 2, 3, 4].map(() => billing().claimEvent(projectId, "stripe", event, at(0))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await billing().claimEvent(projectId, "stripe", event, at(1))).toBe(false);
        // Another project's event with the same id is its own.
        const other = await account();
        expect(await billing().claimEvent(other.project.id, "stripe", event, at(1))).toBe(true);
        await billing().releaseEvent(projectId, "stripe", event.id);
        expect(await billing().claimEvent(projectId, "stripe", event, at(2))).toBe(true);
        expect(await billing().claimEvent(other.project.id, "stripe", event, at(3))).toBe(false);
      });

      test("findForBilling: the subscription's newest event first, else the customer's, of this mode and statuses", async () => {
        const events = storage.repos.churnEvents;
        const create = (email: string, ms: number, overrides: Partial<NewChurnEvent> = {}) =>
          events.create(
            projectId,
            apiEvent(email, overrides),
            at(ms),
            publisher("churn_event.created"),
          );
        const bySub = await create("ada@example.com", 0, { providerSubscriptionId: "sub_1" });
        await create("ada@example.com", HOUR, { providerSubscriptionId: "sub_1", livemode: false });
        const byEmail = await create("ada@example.com", 2 * HOUR);
        await create("ada@example.com", 3 * HOUR, { status: "lost" });
        const find = (query: Partial<Parameters<typeof events.findForBilling>[1]>) =>
          events.findForBilling(projectId, {
            livemode: true,
            subscriptionId: null,
            customerEmail: null,
            statuses: ["new", "offer_accepted"],
            ...query,
          });
        // The subscription wins over a newer match on the email.
        expect(
          (await find({ subscriptionId: "sub_1", customerEmail: "ada@example.com" }))?.id,
        ).toBe(bySub.event.id);
        expect(
          (await find({ subscriptionId: "sub_2", customerEmail: "ada@example.com" }))?.id,
        ).toBe(byEmail.event.id);
        expect((await find({ customerEmail: "ada@example.com" }))?.id).toBe(byEmail.event.id);
        expect((await find({ customerEmail: "ada@example.com", statuses: ["lost"] }))?.status).toBe(
          "lost",
        );
        expect((await find({ subscriptionId: "sub_1", livemode: false }))?.livemode).toBe(false);
        expect(await find({ subscriptionId: "sub_2" })).toBeNull();
        // Another subscription's event is never the match of this one, even by email.
        await events.setFinalStatus(
          projectId,
          byEmail.event.id,
          "lost",
          at(4 * HOUR),
          publisher("churn_event.lost"),
        );
        expect(
          await find({ subscriptionId: "sub_2", customerEmail: "ada@example.com" }),
        ).toBeNull();
        expect((await find({ customerEmail: "ada@example.com" }))?.id).toBe(bySub.event.id);
        expect(await find({})).toBeNull();
        const other = await account();
        expect(
          await events.findForBilling(other.project.id, {
            livemode: true,
            subscriptionId: "sub_1",
            customerEmail: "ada@example.com",
            statuses: ["new"],
          }),
        ).toBeNull();
      });
    });
  });
}
