import { afterEach, describe, expect, test } from "vitest";
import {
  apiKey,
  bearer,
  buildTestApp,
  createKey,
  registerAccount,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

const HOUR = 60 * 60 * 1000;
const me = (headers: Record<string, string>) => ctx.app.inject({ url: "/api/v1/auth/me", headers });

describe("projects", () => {
  test("create returns the project and both raw keys once; slugs stay unique per account", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const create = (name: string) =>
      ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name, support_email: " Help@Acme.io " },
      });
    const first = await create("Acme Analytics (EU)");
    expect(first.statusCode).toBe(201);
    const data = first.json().data;
    expect(data.project).toMatchObject({
      name: "Acme Analytics (EU)",
      slug: "acme-analytics-eu",
      support_email: "help@acme.io",
      allowed_origins: [],
    });
    expect(data.raw_public_key).toMatch(/^pub_[0-9A-Za-z]{43}$/);
    expect(data.raw_secret_key).toMatch(/^sk_[0-9A-Za-z]{43}$/);
    expect((await create("Acme Analytics EU")).json().data.project.slug).toBe(
      "acme-analytics-eu-2",
    );
    expect((await create("!!!")).json().data.project.slug).toBe("project");

    const list = await ctx.app.inject({ url: "/api/v1/projects", headers: bearer(token) });
    expect(list.json().data.map((p: { slug: string }) => p.slug)).toEqual([
      "default",
      "acme-analytics-eu",
      "acme-analytics-eu-2",
      "project",
    ]);
    // The raw keys are never stored: only their SHA-256 hashes.
    const dump = JSON.stringify(ctx.db.prepare("SELECT * FROM api_keys").all());
    expect(dump).not.toContain(data.raw_public_key.slice(4));
    expect(dump).not.toContain(data.raw_secret_key.slice(3));
  });

  test("get, update and delete by slug; delete removes the keys with it", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(token),
      payload: { name: "Acme" },
    });
    const sk = created.json().data.raw_secret_key;
    const got = await ctx.app.inject({ url: "/api/v1/projects/acme", headers: apiKey(sk) });
    expect(got.json().data.name).toBe("Acme");

    ctx.clock.advance(1000);
    const updated = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/acme",
      headers: bearer(token),
      payload: { name: "Acme Inc", support_email: "support@acme.io" },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().data).toMatchObject({
      name: "Acme Inc",
      slug: "acme",
      support_email: "support@acme.io",
      updated_at: "2026-01-15T12:00:01.000Z",
    });
    const cleared = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/acme",
      headers: bearer(token),
      payload: { support_email: null },
    });
    expect(cleared.json().data).toMatchObject({ name: "Acme Inc", support_email: null });
    const empty = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/acme",
      headers: bearer(token),
      payload: {},
    });
    expect(empty.statusCode).toBe(400);

    const del = await ctx.app.inject({
      method: "DELETE",
      url: "/api/v1/projects/acme",
      headers: bearer(token),
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await ctx.app.inject({ url: "/api/v1/projects/acme", headers: bearer(token) })).statusCode,
    ).toBe(404);
    expect((await me(apiKey(sk))).statusCode).toBe(401);
  });

  test("another tenant's project is a 404 and stays unchanged", async () => {
    ctx = await buildTestApp();
    const a = await registerAccount(ctx, "A");
    const b = await registerAccount(ctx, "B");
    const bProject = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(b.token),
      payload: { name: "Bravo" },
    });
    const aProject = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(a.token),
      payload: { name: "Alpha" },
    });
    const aSecret = aProject.json().data.raw_secret_key;
    const attempts = [
      { method: "GET" as const, url: "/api/v1/projects/bravo" },
      { method: "PUT" as const, url: "/api/v1/projects/bravo", payload: { name: "pwned" } },
      { method: "DELETE" as const, url: "/api/v1/projects/bravo" },
      { method: "GET" as const, url: "/api/v1/projects/bravo/allowed-origins" },
      {
        method: "PUT" as const,
        url: "/api/v1/projects/bravo/allowed-origins",
        payload: { allowed_origins: ["https://evil.example"] },
      },
    ];
    for (const headers of [bearer(a.token), apiKey(aSecret)]) {
      for (const attempt of attempts) {
        const res = await ctx.app.inject({ ...attempt, headers });
        // No key may delete a project at all, its own included: a 403 before any lookup.
        const expected = attempt.method === "DELETE" && "x-api-key" in headers ? 403 : 404;
        expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(expected);
      }
    }
    // An sk_ key of A on A's *other* project (default) is also a 404: a key reaches its own project only.
    const res = await ctx.app.inject({ url: "/api/v1/projects/default", headers: apiKey(aSecret) });
    expect(res.statusCode).toBe(404);
    const after = await ctx.app.inject({ url: "/api/v1/projects/bravo", headers: bearer(b.token) });
    expect(after.json().data).toEqual(bProject.json().data.project);
  });
});

describe("api keys", () => {
  test("listing is masked with the last 4 characters and records last use", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(token),
      payload: { key_type: "secret" },
    });
    expect(created.statusCode).toBe(201);
    const raw: string = created.json().data.key;
    expect(raw).toMatch(/^sk_[0-9A-Za-z]{43}$/);
    expect(created.json().data.key_masked).toBe(`sk_••••••••${raw.slice(-4)}`);

    ctx.clock.advance(5000);
    expect((await me(apiKey(raw))).statusCode).toBe(200);
    const list = await ctx.app.inject({
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(token),
    });
    expect(list.json().data).toEqual([
      {
        id: created.json().data.id,
        key_type: "secret",
        mode: "live",
        key_masked: `sk_••••••••${raw.slice(-4)}`,
        created_at: "2026-01-15T12:00:00.000Z",
        last_used_at: "2026-01-15T12:00:05.000Z",
        expires_at: null,
        revoked_at: null,
      },
    ]);
    expect(list.body).not.toContain(raw);
  });

  test("keys are 256-bit random and unique", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const keys = new Set<string>();
    for (let i = 0; i < 20; i++) keys.add((await createKey(ctx, token, "public")).key);
    expect(keys.size).toBe(20);
  });

  test("a revoked key fails on the next request", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const key = await createKey(ctx, token, "secret");
    expect((await me(apiKey(key.key))).statusCode).toBe(200);
    const revoke = await ctx.app.inject({
      method: "DELETE",
      url: `/api/v1/projects/default/api-keys/${key.id}`,
      headers: bearer(token),
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().data.revoked_at).toBe("2026-01-15T12:00:00.000Z");
    const res = await me(apiKey(key.key));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_API_KEY");
  });

  test("rotation: the new key works at once, the old one until +24 h and not after", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const oldKey = await createKey(ctx, token, "secret");
    const otherType = await createKey(ctx, token, "public");
    const rotated = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects/default/api-keys/rotate",
      headers: bearer(token),
      payload: { key_type: "secret" },
    });
    expect(rotated.statusCode).toBe(201);
    const newKey: string = rotated.json().data.key;
    expect((await me(apiKey(newKey))).statusCode).toBe(200);
    expect((await me(apiKey(oldKey.key))).statusCode).toBe(200);

    ctx.clock.advance(23 * HOUR + 59 * 60_000);
    expect((await me(apiKey(oldKey.key))).statusCode).toBe(200);
    ctx.clock.advance(2 * 60_000); // now +24 h 1 min
    expect((await me(apiKey(oldKey.key))).statusCode).toBe(401);
    expect((await me(apiKey(newKey))).statusCode).toBe(200);

    const list = await ctx.app.inject({
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(token),
    });
    const byId = new Map(list.json().data.map((k: { id: string }) => [k.id, k]));
    expect(byId.get(oldKey.id)).toMatchObject({ expires_at: "2026-01-16T12:00:00.000Z" });
    // Rotation of secret keys leaves public keys alone.
    expect(byId.get(otherType.id)).toMatchObject({ expires_at: null });
  });

  test("a second rotation does not extend the first key's deadline", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const first = await createKey(ctx, token, "public");
    const rotate = () =>
      ctx.app.inject({
        method: "POST",
        url: "/api/v1/api-keys/rotate",
        headers: bearer(token),
        payload: { key_type: "public" },
      });
    await rotate();
    ctx.clock.advance(12 * HOUR);
    await rotate();
    ctx.clock.advance(12 * HOUR + 60_000);
    const res = await ctx.app.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: apiKey(first.key),
    });
    // 401 (expired), not 403 (a live public key that /auth/me does not accept).
    expect(res.statusCode).toBe(401);
    const row = ctx.db.prepare("SELECT expires_at FROM api_keys WHERE id = ?").get(first.id) as {
      expires_at: string;
    };
    expect(row.expires_at).toBe("2026-01-16T12:00:00.000Z");
  });

  test("the unscoped aliases act on the account's default project", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const created = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      headers: bearer(token),
      payload: { key_type: "public" },
    });
    expect(created.statusCode).toBe(201);
    const scoped = await ctx.app.inject({
      url: "/api/v1/projects/default/api-keys",
      headers: bearer(token),
    });
    expect(scoped.json().data.map((k: { id: string }) => k.id)).toEqual([created.json().data.id]);
    const revoked = await ctx.app.inject({
      method: "DELETE",
      url: `/api/v1/api-keys/${created.json().data.id}`,
      headers: bearer(token),
    });
    expect(revoked.json().data.revoked_at).not.toBeNull();
  });

  test("revoking another tenant's key id is a 404 and leaves it working", async () => {
    ctx = await buildTestApp();
    const a = await registerAccount(ctx, "A");
    const b = await registerAccount(ctx, "B");
    const bKey = await createKey(ctx, b.token, "secret");
    const res = await ctx.app.inject({
      method: "DELETE",
      url: `/api/v1/projects/default/api-keys/${bKey.id}`,
      headers: bearer(a.token),
    });
    expect(res.statusCode).toBe(404);
    expect((await me(apiKey(bKey.key))).statusCode).toBe(200);
  });

  test.each([
    ["an unknown key of the right shape", `sk_${"A".repeat(43)}`],
    ["a key of the wrong shape", "sk_short"],
    ["a key with a bad prefix", `xx_${"A".repeat(43)}`],
  ])("%s → 401 INVALID_API_KEY", async (_name, key) => {
    ctx = await buildTestApp();
    const res = await me(apiKey(key));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("INVALID_API_KEY");
  });

  test("keys are also accepted as Authorization: Bearer", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const key = await createKey(ctx, token, "secret");
    expect((await me(bearer(key.key))).statusCode).toBe(200);
  });
});

describe("allowed origins", () => {
  test("normalises, de-duplicates and keeps order; GET and PUT on both paths", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    const put = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/projects/default/allowed-origins",
      headers: bearer(token),
      payload: {
        allowed_origins: [
          "https://App.Example.com/",
          "https://app.example.com:443",
          "http://localhost:3000",
          "https://bücher.example",
          "http://127.0.0.1:5173",
          "https://app.example.com:8443",
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    const expected = [
      "https://app.example.com",
      "http://localhost:3000",
      "https://xn--bcher-kva.example",
      "http://127.0.0.1:5173",
      "https://app.example.com:8443",
    ];
    expect(put.json()).toEqual({ allowed_origins: expected });
    const alias = await ctx.app.inject({
      url: "/api/v1/auth/allowed-origins",
      headers: bearer(token),
    });
    expect(alias.json()).toEqual({ allowed_origins: expected });

    const sk = await createKey(ctx, token, "secret");
    const cleared = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/auth/allowed-origins",
      headers: apiKey(sk.key),
      payload: { allowed_origins: [] },
    });
    expect(cleared.json()).toEqual({ allowed_origins: [] });
    const project = await ctx.app.inject({
      url: "/api/v1/projects/default",
      headers: bearer(token),
    });
    expect(project.json().data.allowed_origins).toEqual([]);
  });

  test.each([
    ["null", /scheme and host/],
    ["https://app.example.com/path", /no path/],
    ["https://app.example.com/?q=1", /no path/],
    ["https://app.example.com#x", /no path/],
    ["https://user:pw@app.example.com", /user name or password/],
    ["ftp://app.example.com", /only http and https/],
    ["javascript:alert(1)", /only http and https/],
    ["http://app.example.com", /plain http/],
    ["*", /wildcards/],
    ["https://*.example.com", /wildcards/],
    ["app.example.com", /not a URL/],
    ["", /scheme and host/],
  ])("rejects %j with a 400 explaining why", async (origin, why) => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/auth/allowed-origins",
      headers: bearer(token),
      payload: { allowed_origins: ["https://kept.example.com"] },
    });
    const res = await ctx.app.inject({
      method: "PUT",
      url: "/api/v1/auth/allowed-origins",
      headers: bearer(token),
      payload: { allowed_origins: ["https://fine.example.com", origin] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    expect(res.json().error).toMatch(why);
    // Nothing of a rejected list is stored.
    const after = await ctx.app.inject({
      url: "/api/v1/auth/allowed-origins",
      headers: bearer(token),
    });
    expect(after.json()).toEqual({ allowed_origins: ["https://kept.example.com"] });
  });

  test("more than 100 entries or a non-array is a 400", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    for (const allowed_origins of [
      Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com`),
      "https://app.example.com",
      [42],
    ]) {
      const res = await ctx.app.inject({
        method: "PUT",
        url: "/api/v1/auth/allowed-origins",
        headers: bearer(token),
        payload: { allowed_origins },
      });
      expect(res.statusCode).toBe(400);
    }
  });
});

describe("list conventions", () => {
  test("projects and keys are paged with limit/offset and report the total", async () => {
    ctx = await buildTestApp();
    const { token } = await registerAccount(ctx);
    for (let i = 0; i < 4; i++) {
      await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name: `P${i}` },
      });
      ctx.clock.advance(1000);
    }
    const page = await ctx.app.inject({
      url: "/api/v1/projects?limit=2&offset=1",
      headers: bearer(token),
    });
    expect(page.json()).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.json().data.map((p: { slug: string }) => p.slug)).toEqual(["p0", "p1"]);
    const defaults = await ctx.app.inject({ url: "/api/v1/projects", headers: bearer(token) });
    expect(defaults.json()).toMatchObject({ total: 5, limit: 20, offset: 0 });

    const keys = await ctx.app.inject({
      url: "/api/v1/projects/p0/api-keys?limit=1",
      headers: bearer(token),
    });
    expect(keys.json()).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(keys.json().data).toHaveLength(1);
    for (const query of ["limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      const bad = await ctx.app.inject({
        url: `/api/v1/projects?${query}`,
        headers: bearer(token),
      });
      expect(bad.statusCode, query).toBe(400);
    }
  });
});
