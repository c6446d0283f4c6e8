/**
 * The storage contract: what every implementation of storage/types.ts must do, run against each
 * backend through a factory (sqlite-storage.test.ts, and any later backend). These tests talk to
 * the repositories directly, so they pin the guarantees the services and routes rely on,
 * concurrency included, independently of HTTP.
 */
import { randomUUID } from "node:crypto";
import type { PublicOffer } from "@windback/protocol";
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
  NewApiKey,
  NewChurnEvent,
  NewWebhookEndpoint,
  OfferInput,
  Publish,
  Storage,
} from "../../src/storage/types.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const HOUR = 3_600_000;

const newKey = (keyType: "public" | "secret" = "public", livemode = true): NewApiKey => ({
  id: randomUUID(),
  keyType,
  livemode,
  keyHash: randomUUID().replaceAll("-", "").repeat(2),
  keyHint: `${keyType === "public" ? "pub_" : "sk_"}…abcd`,
});

const publisher =
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
const OWNER: FlowOwner = { kind: "client", clientKey: CLIENT };
const CLIENT_B: FlowOwner = { kind: "client", clientKey: "client-b" };
const SERVER: FlowOwner = { kind: "project" };

const submission = (
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

export function describeStorageContract(backend: string, open: () => Promise<Storage>): void {
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
        const customer: FlowOwner = { kind: "customer", email: "v@example.com" };
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
        const stranger: FlowOwner = { kind: "customer", email: "someone@example.com" };
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
    describe("webhooks (the outbox) and billing", () => {
      const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
      const endpoint = (overrides: Partial<NewWebhookEndpoint> = {}) =>
        storage.repos.webhooks.createEndpoint(
          projectId,
          {
            id: randomUUID(),
            url: "https://hooks.example.com/in",
            description: null,
            eventTypes: null,
            enabled: true,
            secret: SECRET,
            ...overrides,
          },
          at(0),
        );
      const lease = (ms: number, limit = 10, firstDelay = 0) =>
        storage.repos.webhooks.leaseDue(at(ms), at(ms + 60_000), limit, firstDelay);
      const newEvent = (email: string, livemode = true): NewChurnEvent => ({
        ...submission(email),
        clientKey: null,
        offerTerms: null,
        mrrVerified: true,
        livemode,
        source: "api",
        status: "new",
        offerType: null,
        offerShown: false,
        offerAcceptedAt: null,
      });
      const outcome = (overrides: Partial<AttemptOutcome> = {}): AttemptOutcome => ({
        succeeded: false,
        responseStatus: 500,
        responseBody: "boom",
        error: "HTTP 500",
        durationMs: 12,
        retry: null,
        disableEndpoint: null,
        ...overrides,
      });

      test("a change queues one message per enabled endpoint subscribed to its type, in its transaction", async () => {
        const all = await endpoint();
        const onlyLost = await endpoint({ eventTypes: ["churn_event.lost"] });
        await endpoint({ enabled: false });
        const { event } = await storage.repos.churnEvents.create(
          projectId,
          newEvent("ann@example.com"),
          at(0),
          publisher("churn_event.created"),
        );
        const leased = await lease(0);
        expect(leased).toHaveLength(1);
        const [delivery] = leased;
        expect(delivery?.endpoint.id).toBe(all.id);
        expect(delivery?.attempt).toMatchObject({ attempt: 1, status: "pending" });
        expect(delivery?.message).toMatchObject({
          eventType: "churn_event.created",
          livemode: true,
          status: "pending",
        });
        expect(delivery?.message.id).toMatch(/^msg_/);
        expect(JSON.parse(delivery?.message.body ?? "{}")).toEqual({
          type: "churn_event.created",
          timestamp: at(0),
          livemode: true,
          data: { id: event.id, status: "new" },
        });
        expect(
          (
            await storage.repos.webhooks.listAttempts(projectId, onlyLost.id, {
              limit: 10,
              offset: 0,
            })
          ).total,
        ).toBe(0);
        // A refused transition commits nothing, so it queues nothing.
        await storage.repos.churnEvents.setFinalStatus(
          projectId,
          event.id,
          "lost",
          at(1),
          publisher("churn_event.lost"),
        );
        await storage.repos.churnEvents.setFinalStatus(
          projectId,
          event.id,
          "recovered",
          at(2),
          publisher("churn_event.recovered"),
        );
        const lost = await lease(10);
        expect(lost.map((d) => [d.endpoint.id, d.message.eventType])).toEqual(
          expect.arrayContaining([
            [all.id, "churn_event.lost"],
            [onlyLost.id, "churn_event.lost"],
          ]),
        );
        expect(lost).toHaveLength(2);
      });

      test("test-mode changes are queued with livemode false", async () => {
        await endpoint();
        await storage.repos.churnEvents.create(
          projectId,
          newEvent("t@example.com", false),
          at(0),
          publisher("churn_event.created"),
        );
        const [delivery] = await lease(0);
        expect(delivery?.message.livemode).toBe(false);
        expect(JSON.parse(delivery?.message.body ?? "{}").livemode).toBe(false);
      });

      test("a lease hides an attempt until it runs out; release gives it back; the first delay counts", async () => {
        const target = await endpoint();
        await storage.repos.webhooks.enqueue(
          projectId,
          target.id,
          { id: "msg_a", eventType: "webhook.test", livemode: true, body: "{}" },
          randomUUID(),
          at(0),
        );
        expect(await lease(1_000, 10, 5_000)).toHaveLength(0);
        expect(await storage.repos.webhooks.nextDueAt(5_000)).toBe(at(5_000));
        const [first] = await lease(5_000, 10, 5_000);
        if (!first) throw new Error("not leased");
        expect(await lease(6_000)).toHaveLength(0);
        // The lease ran out (a crashed worker): due again, at least once.
        expect(await lease(5_000 + 60_000)).toHaveLength(1);
        await storage.repos.webhooks.release(first.attempt.id, at(70_000));
        expect(await lease(70_000)).toHaveLength(1);
      });

      test("outcomes: a retry is planned as the next attempt; success clears the run of failures", async () => {
        const target = await endpoint();
        await storage.repos.webhooks.enqueue(
          projectId,
          target.id,
          { id: "msg_b", eventType: "webhook.test", livemode: true, body: "{}" },
          randomUUID(),
          at(0),
        );
        const [first] = await lease(0);
        if (!first) throw new Error("not leased");
        await storage.repos.webhooks.recordOutcome(
          first.attempt.id,
          outcome({ retry: { id: randomUUID(), at: at(5_000) } }),
          at(1),
        );
        let found = await storage.repos.webhooks.findEndpoint(projectId, target.id);
        expect(found).toMatchObject({ failingSince: at(1), lastFailureAt: at(1) });
        expect(await lease(4_000)).toHaveLength(0);
        const [second] = await lease(5_000);
        expect(second?.attempt.attempt).toBe(2);
        expect(second?.endpoint.failingSince).toBe(at(1));
        if (!second) throw new Error("not leased");
        await storage.repos.webhooks.recordOutcome(
          second.attempt.id,
          outcome({ succeeded: true, responseStatus: 200, error: null }),
          at(6_000),
        );
        found = await storage.repos.webhooks.findEndpoint(projectId, target.id);
        expect(found).toMatchObject({ failingSince: null, lastSuccessAt: at(6_000) });
        const log = await storage.repos.webhooks.listAttempts(projectId, target.id, {
          limit: 10,
          offset: 0,
        });
        expect(log.items.map((a) => [a.attempt, a.status, a.responseStatus])).toEqual([
          [2, "succeeded", 200],
          [1, "failed", 500],
        ]);
        // Recording twice changes nothing (the attempt is no longer pending).
        await storage.repos.webhooks.recordOutcome(second.attempt.id, outcome(), at(7_000));
        expect(
          (await storage.repos.webhooks.findEndpoint(projectId, target.id))?.lastFailureAt,
        ).toBe(at(1));
      });

      test("a disabled endpoint's attempts wait; re-enabling resumes them and clears the reason", async () => {
        const target = await endpoint();
        await storage.repos.webhooks.enqueue(
          projectId,
          target.id,
          { id: "msg_c", eventType: "webhook.test", livemode: true, body: "{}" },
          randomUUID(),
          at(0),
        );
        await storage.repos.webhooks.enqueue(
          projectId,
          target.id,
          { id: "msg_d", eventType: "webhook.test", livemode: true, body: "{}" },
          randomUUID(),
          at(0),
        );
        const [first] = await lease(0, 1);
        if (!first) throw new Error("not leased");
        await storage.repos.webhooks.recordOutcome(
          first.attempt.id,
          outcome({ responseStatus: 410, disableEndpoint: "410" }),
          at(1),
        );
        expect(await storage.repos.webhooks.findEndpoint(projectId, target.id)).toMatchObject({
          enabled: false,
          disabledReason: "410",
        });
        expect(await lease(10)).toHaveLength(0);
        expect(await storage.repos.webhooks.nextDueAt(0)).toBeNull();
        const enabled = await storage.repos.webhooks.updateEndpoint(
          projectId,
          target.id,
          { enabled: true },
          at(20),
        );
        expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
        expect(await lease(30)).toHaveLength(1);
      });

      test("redeliver plans one more attempt of the same message; rotation keeps the previous secret", async () => {
        const target = await endpoint();
        const other = await endpoint();
        await storage.repos.webhooks.enqueue(
          projectId,
          target.id,
          { id: "msg_e", eventType: "webhook.test", livemode: true, body: "{}" },
          randomUUID(),
          at(0),
        );
        const [first] = await lease(0);
        if (!first) throw new Error("not leased");
        await storage.repos.webhooks.recordOutcome(
          first.attempt.id,
          outcome({ succeeded: true, responseStatus: 200 }),
          at(1),
        );
        const again = await storage.repos.webhooks.redeliver(
          projectId,
          target.id,
          first.attempt.id,
          randomUUID(),
          at(2),
        );
        expect(again).toMatchObject({ messageId: "msg_e", attempt: 2, status: "pending" });
        expect(
          await storage.repos.webhooks.redeliver(
            projectId,
            other.id,
            first.attempt.id,
            randomUUID(),
            at(2),
          ),
        ).toBeNull();
        const stranger = await account();
        expect(
          await storage.repos.webhooks.redeliver(
            stranger.project.id,
            target.id,
            first.attempt.id,
            randomUUID(),
            at(2),
          ),
        ).toBeNull();
        const rotated = await storage.repos.webhooks.rotateSecret(
          projectId,
          target.id,
          "whsec_new",
          at(3),
          at(HOUR),
        );
        expect(rotated).toMatchObject({
          secret: "whsec_new",
          previousSecret: SECRET,
          previousSecretExpiresAt: at(HOUR),
        });
        expect(await storage.repos.webhooks.deleteEndpoint(projectId, target.id)).toBe(true);
        expect(await storage.repos.webhooks.findEndpoint(projectId, target.id)).toBeNull();
      });

      test("billing: a provider event id is claimed exactly once, even concurrently", async () => {
        const claims = await Promise.all(
          Array.from({ length: 8 }, () =>
            storage.repos.billing.claimEvent(
              projectId,
              "stripe",
              { id: "evt_1", type: "invoice.paid" },
              at(0),
            ),
          ),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        await storage.repos.billing.releaseEvent(projectId, "stripe", "evt_1");
        expect(
          await storage.repos.billing.claimEvent(
            projectId,
            "stripe",
            { id: "evt_1", type: "invoice.paid" },
            at(1),
          ),
        ).toBe(true);
        const saved = await storage.repos.billing.setIntegration(
          projectId,
          "stripe",
          "whsec_a",
          at(0),
        );
        expect(saved).toMatchObject({ webhookSecret: "whsec_a" });
        expect(
          (await storage.repos.billing.setIntegration(projectId, "stripe", "whsec_b", at(1)))
            .webhookSecret,
        ).toBe("whsec_b");
        expect(await storage.repos.billing.deleteIntegration(projectId, "stripe")).toBe(true);
        expect(await storage.repos.billing.findIntegration(projectId, "stripe")).toBeNull();
      });

      test("billing match: by subscription first, then by email, within the mode and statuses", async () => {
        const create = (email: string, sub: string | null, livemode = true) =>
          storage.repos.churnEvents.create(
            projectId,
            { ...newEvent(email, livemode), providerSubscriptionId: sub },
            at(0),
            publisher("churn_event.created"),
          );
        const bySub = await create("x@example.com", "sub_1");
        const byEmail = await create("y@example.com", null);
        await create("z@example.com", "sub_t", false);
        const find = (
          query: Partial<Parameters<Storage["repos"]["churnEvents"]["findForBilling"]>[1]>,
        ) =>
          storage.repos.churnEvents.findForBilling(projectId, {
            livemode: true,
            subscriptionId: null,
            customerEmail: null,
            statuses: ["new"],
            ...query,
          });
        expect((await find({ subscriptionId: "sub_1", customerEmail: "y@example.com" }))?.id).toBe(
          bySub.event.id,
        );
        expect(
          (await find({ subscriptionId: "sub_none", customerEmail: "y@example.com" }))?.id,
        ).toBe(byEmail.event.id);
        expect(await find({ subscriptionId: "sub_t" })).toBeNull();
        expect(await find({ subscriptionId: "sub_1", statuses: ["offer_accepted"] })).toBeNull();
      });
    });
  });
}
