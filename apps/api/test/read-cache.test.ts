/**
 * The widget's reads come from memory (docs/design.md §14) and every write that changes them is
 * seen on the next request. The caches here live a full day, so a test that passes proves the
 * invalidation, not a short lifetime, made the change visible.
 */
import { afterEach, describe, expect, test } from "vitest";
import { buildServer } from "../src/app.js";
import { type CacheBus, createLocalCacheBus } from "../src/storage/cache/cache-bus.js";
import { createReadCache } from "../src/storage/cache/read-cache.js";
import { createSqliteStorage, type SqliteStorage } from "../src/storage/sqlite/index.js";
import type { AuthenticatedKey, Repositories } from "../src/storage/types.js";
import {
  apiKey,
  bearer,
  call,
  createKey,
  createTenant,
  registerAccount,
  TestClock,
  type TestContext,
  testConfig,
} from "./helpers.js";

const DAY = 24 * 60 * 60 * 1000;
const ORIGIN = "https://app.example.com";
const OTHER = "https://other.example.com";

let apps: TestContext["app"][] = [];
let stores: SqliteStorage[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  for (const storage of stores) await storage.close();
  apps = [];
  stores = [];
});

async function build(
  options: { storage?: SqliteStorage; bus?: CacheBus; clock?: TestClock } = {},
): Promise<TestContext> {
  const clock = options.clock ?? new TestClock();
  const storage = options.storage ?? createSqliteStorage(":memory:");
  if (!options.storage) stores.push(storage);
  const app = await buildServer({
    config: testConfig(),
    clock,
    storage,
    cache: {
      ttlMs: 2 * DAY,
      usageFlushMs: 60 * 60 * 1000,
      ...(options.bus && { bus: options.bus }),
    },
  });
  await app.ready();
  apps.push(app);
  return { app, storage, db: storage.db, clock };
}

const offers = (ctx: TestContext, key: string, origin?: string) =>
  call(ctx, "GET", "/api/v1/cancel-flow/offers?reason=too_expensive", {
    ...apiKey(key),
    ...(origin && { origin }),
  });

const DISCOUNT = {
  offer_type: "discount",
  title: "25% off",
  description: "Stay and save",
  cta_button_text: "Claim",
  discount_percent: 25,
  discount_duration_months: 3,
};

describe("served from memory", () => {
  test("a repeated offers request reads nothing from the store", async () => {
    const ctx = await build();
    const t = await createTenant(ctx);
    await call(
      ctx,
      "PUT",
      "/api/v1/retention-offers/too_expensive",
      bearer(t.account.token),
      DISCOUNT,
    );
    expect((await offers(ctx, t.pub, ORIGIN)).statusCode).toBe(200);
    const before = ctx.app.readCache.stats();
    for (let i = 0; i < 5; i++) expect((await offers(ctx, t.pub, ORIGIN)).statusCode).toBe(200);
    const after = ctx.app.readCache.stats();
    expect(after.misses).toBe(before.misses);
    // key + origins + offer, five times.
    expect(after.hits - before.hits).toBe(15);
  });

  test("unknown keys are refused and not remembered", async () => {
    const ctx = await build();
    const res = await offers(ctx, `pub_${"A".repeat(43)}`);
    expect(res.statusCode).toBe(401);
    expect(ctx.app.readCache.stats().keys).toBe(0);
  });

  test("cached values are frozen: a caller cannot change what the next request sees", async () => {
    const storage = createSqliteStorage(":memory:");
    stores.push(storage);
    const cache = createReadCache(storage.repos, {
      bus: createLocalCacheBus(),
      clock: new TestClock(),
    });
    const { project } = await storage.repos.users.createWithProject(
      { id: "u1", name: "A", email: "a@example.com", passwordHash: "x" },
      { id: "p1", userId: "u1", name: "P", slug: "p", supportEmail: null },
      "2026-01-15T12:00:00.000Z",
    );
    await cache.repos.projects.setAllowedOrigins(project.id, [ORIGIN], "2026-01-15T12:00:00.000Z");
    const origins = await cache.repos.projects.getAllowedOrigins(project.id);
    expect(() => origins.push(OTHER)).toThrow(TypeError);
    expect(await cache.repos.projects.getAllowedOrigins(project.id)).toEqual([ORIGIN]);
  });
});

describe("every write is seen on the next request", () => {
  test("revoke: the cached key is refused at once", async () => {
    const ctx = await build();
    const { token } = await registerAccount(ctx);
    const key = await createKey(ctx, token, "public");
    expect((await offers(ctx, key.key)).statusCode).toBe(200);
    expect((await offers(ctx, key.key)).statusCode).toBe(200);
    const revoked = await call(ctx, "DELETE", `/api/v1/api-keys/${key.id}`, bearer(token));
    expect(revoked.statusCode).toBe(200);
    const res = await offers(ctx, key.key);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_API_KEY");
  });

  test("rotation: the old key is refused at its expiry while still cached", async () => {
    const ctx = await build();
    const { token } = await registerAccount(ctx);
    const old = await createKey(ctx, token, "secret");
    expect((await offers(ctx, old.key)).statusCode).toBe(200);
    const rotated = await call(ctx, "POST", "/api/v1/api-keys/rotate", bearer(token), {
      key_type: "secret",
    });
    expect(rotated.statusCode).toBe(201);
    // Loaded once more after the rotation (its new deadline), then served from memory.
    expect((await offers(ctx, old.key)).statusCode).toBe(200);
    const loaded = ctx.app.readCache.stats().misses;
    ctx.clock.advance(DAY - 1);
    expect((await offers(ctx, old.key)).statusCode).toBe(200);
    ctx.clock.advance(1); // exactly +24 h: expires_at is not after now
    const res = await offers(ctx, old.key);
    expect(res.statusCode).toBe(401);
    // Refused from memory: no reload was needed to notice the deadline.
    expect(ctx.app.readCache.stats().misses).toBe(loaded);
    expect((await offers(ctx, rotated.json().data.key)).statusCode).toBe(200);
  });

  test("allowed origins: a removed origin is refused, an added one allowed", async () => {
    const ctx = await build();
    const t = await createTenant(ctx);
    const setOrigins = (origins: string[]) =>
      call(ctx, "PUT", "/api/v1/projects/default/allowed-origins", bearer(t.account.token), {
        allowed_origins: origins,
      });
    expect((await setOrigins([ORIGIN])).statusCode).toBe(200);
    expect((await offers(ctx, t.pub, ORIGIN)).statusCode).toBe(200);
    expect((await offers(ctx, t.pub, OTHER)).statusCode).toBe(403);
    expect((await setOrigins([OTHER])).statusCode).toBe(200);
    const refused = await offers(ctx, t.pub, ORIGIN);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await offers(ctx, t.pub, OTHER)).statusCode).toBe(200);
  });

  test("offers: a changed, disabled or deleted offer is served as it now is", async () => {
    const ctx = await build();
    const t = await createTenant(ctx);
    const put = (body: Record<string, unknown>) =>
      call(ctx, "PUT", "/api/v1/retention-offers/too_expensive", bearer(t.account.token), body);
    const served = async () => (await offers(ctx, t.pub)).json().offer;
    expect(await served()).toBeNull();
    expect((await put(DISCOUNT)).statusCode).toBe(201);
    expect(await served()).toMatchObject({ discount_percent: 25 });
    expect(await served()).toMatchObject({ discount_percent: 25 });
    expect((await put({ ...DISCOUNT, discount_percent: 40 })).statusCode).toBe(200);
    expect(await served()).toMatchObject({ discount_percent: 40 });
    expect((await put({ ...DISCOUNT, enabled: false })).statusCode).toBe(200);
    expect(await served()).toBeNull();
    expect((await put(DISCOUNT)).statusCode).toBe(200);
    expect(await served()).toMatchObject({ discount_percent: 25 });
    const removed = await call(
      ctx,
      "DELETE",
      "/api/v1/retention-offers/too_expensive",
      bearer(t.account.token),
    );
    expect(removed.statusCode).toBe(204);
    expect(await served()).toBeNull();
  });

  test("project settings: a lowered MRR limit applies to the next submit", async () => {
    const ctx = await build();
    const t = await createTenant(ctx);
    const submit = (email: string) =>
      call(ctx, "POST", "/api/v1/cancel-flow/submit", apiKey(t.pub), {
        customer_email: email,
        cancel_reason: "too_expensive",
        mrr: 5000,
      });
    expect((await submit("a@example.com")).statusCode).toBe(200);
    const patched = await call(ctx, "PATCH", "/api/v1/projects/default", bearer(t.account.token), {
      max_claimed_mrr: 1000,
    });
    expect(patched.statusCode).toBe(200);
    expect((await submit("b@example.com")).statusCode).toBe(400);
  });

  test("project delete: its keys are refused at once", async () => {
    const ctx = await build();
    const { token } = await registerAccount(ctx);
    const created = await call(ctx, "POST", "/api/v1/projects", bearer(token), { name: "Doomed" });
    expect(created.statusCode).toBe(201);
    const { raw_public_key: pub, project } = created.json().data;
    expect((await offers(ctx, pub)).statusCode).toBe(200);
    expect((await offers(ctx, pub)).statusCode).toBe(200);
    const deleted = await call(ctx, "DELETE", `/api/v1/projects/${project.slug}`, bearer(token));
    expect(deleted.statusCode).toBe(204);
    expect((await offers(ctx, pub)).statusCode).toBe(401);
  });

  test("another instance hears the change through the bus", async () => {
    const path = ":memory:";
    const storage = createSqliteStorage(path);
    stores.push(storage);
    const bus = createLocalCacheBus();
    const clock = new TestClock();
    // Two apps on one store: what two instances on one database are, as far as caches go.
    const a = await build({ storage, bus, clock });
    const b = await build({ storage, bus, clock });
    const { token } = await registerAccount(a);
    const key = await createKey(a, token, "public");
    expect((await offers(b, key.key)).statusCode).toBe(200);
    expect((await offers(b, key.key)).statusCode).toBe(200);
    expect((await call(a, "DELETE", `/api/v1/api-keys/${key.id}`, bearer(token))).statusCode).toBe(
      200,
    );
    expect((await offers(b, key.key)).statusCode).toBe(401);
  });
});

describe("loads racing a write", () => {
  test("a value read before an invalidation is not kept", async () => {
    const found: AuthenticatedKey = {
      key: {
        id: "k1",
        projectId: "p1",
        keyType: "public",
        livemode: true,
        keyHint: "pub_…",
        createdAt: "2026-01-15T12:00:00.000Z",
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: null,
      },
      userId: "u1",
      keyHash: "h",
    };
    let release: () => void = () => {};
    let lookups = 0;
    const inner = {
      apiKeys: {
        async findUsableByHash() {
          lookups += 1;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return found;
        },
      },
      projects: {},
      offers: {},
    } as unknown as Repositories;
    const bus = createLocalCacheBus();
    const cache = createReadCache(inner, { bus, clock: new TestClock() });
    const loading = cache.repos.apiKeys.findUsableByHash("h", "2026-01-15T12:00:00.000Z");
    // The key is revoked while the lookup is in flight.
    bus.publish({ type: "project", projectId: "p1" });
    release();
    expect(await loading).toBe(found);
    expect(cache.stats().keys).toBe(0);
    const again = cache.repos.apiKeys.findUsableByHash("h", "2026-01-15T12:00:00.000Z");
    release();
    await again;
    expect(lookups).toBe(2);
    expect(cache.stats().keys).toBe(1);
  });
});

describe("last_used_at", () => {
  const storedLastUsed = (ctx: TestContext, id: string) =>
    (
      ctx.db.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").get(id) as {
        last_used_at: string | null;
      }
    ).last_used_at;

  test("requests write nothing; listings show the use at once; one flush writes every key", async () => {
    const ctx = await build();
    const { token } = await registerAccount(ctx);
    const pub = await createKey(ctx, token, "public");
    const sk = await createKey(ctx, token, "secret");
    const writes = () => ctx.db.prepare("SELECT total_changes() AS n").get() as { n: number };
    const before = writes().n;
    ctx.clock.advance(5000);
    expect((await offers(ctx, pub.key)).statusCode).toBe(200);
    ctx.clock.advance(1000);
    expect((await offers(ctx, sk.key)).statusCode).toBe(200);
    expect((await offers(ctx, pub.key)).statusCode).toBe(200);
    expect(writes().n).toBe(before);
    expect(storedLastUsed(ctx, pub.id)).toBeNull();

    const list = await call(ctx, "GET", "/api/v1/api-keys", bearer(token));
    const byId = new Map(list.json().data.map((k: { id: string }) => [k.id, k]));
    expect(byId.get(pub.id)).toMatchObject({ last_used_at: "2026-01-15T12:00:06.000Z" });
    expect(byId.get(sk.id)).toMatchObject({ last_used_at: "2026-01-15T12:00:06.000Z" });

    await ctx.app.readCache.flushUsage();
    expect(storedLastUsed(ctx, pub.id)).toBe("2026-01-15T12:00:06.000Z");
    expect(storedLastUsed(ctx, sk.id)).toBe("2026-01-15T12:00:06.000Z");
    expect(ctx.app.readCache.stats().pendingUsage).toBe(0);
  });

  test("closing the app writes what was collected", async () => {
    const storage = createSqliteStorage(":memory:");
    stores.push(storage);
    const ctx = await build({ storage });
    const { token } = await registerAccount(ctx);
    const pub = await createKey(ctx, token, "public");
    ctx.clock.advance(7000);
    expect((await offers(ctx, pub.key)).statusCode).toBe(200);
    expect(storedLastUsed(ctx, pub.id)).toBeNull();
    await ctx.app.close();
    apps = apps.filter((app) => app !== ctx.app);
    expect(storedLastUsed(ctx, pub.id)).toBe("2026-01-15T12:00:07.000Z");
  });

  test("a failed flush keeps the values for the next one", async () => {
    const ctx = await build();
    const { token } = await registerAccount(ctx);
    const pub = await createKey(ctx, token, "public");
    ctx.clock.advance(3000);
    expect((await offers(ctx, pub.key)).statusCode).toBe(200);
    ctx.db.pragma("query_only = ON");
    await ctx.app.readCache.flushUsage();
    expect(ctx.app.readCache.stats().pendingUsage).toBe(1);
    ctx.db.pragma("query_only = OFF");
    await ctx.app.readCache.flushUsage();
    expect(storedLastUsed(ctx, pub.id)).toBe("2026-01-15T12:00:03.000Z");
  });
});
