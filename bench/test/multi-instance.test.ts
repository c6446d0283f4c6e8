/**
 * Two API processes on one PostgreSQL database and one Redis prefix (docs/design.md §13): one
 * per-key budget across both, one event for concurrent duplicate submits on both, a key revoked
 * through one refused by the other, and `kill -9` of one under write load losing no acknowledged
 * write while the other keeps serving. Skips with the reason when PostgreSQL or Redis is not
 * reachable, except under CI=true, where both are required.
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import {
  type ApiProcess,
  createAdminClient,
  expectOk,
  generateJwtSecret,
  startApi,
} from "@windback/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTenant, putDiscountOffer, type Tenant } from "../src/lib/api-setup.js";
import { record } from "./summary.js";

const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Null when something accepts TCP connections at `url`'s host and port. */
function unreachable(url: string, defaultPort: number): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(null);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(`${hostname}:${port || defaultPort} timed out`);
    });
    socket.once("error", (error) =>
      resolve(`${hostname}:${port || defaultPort}: ${error.message}`),
    );
  });
}

const reasons = [
  await unreachable(PG_ADMIN_URL, 5432).then((r) => r && `PostgreSQL unreachable (${r})`),
  await unreachable(REDIS_URL, 6379).then((r) => r && `Redis unreachable (${r})`),
].filter((r): r is string => r !== null);
if (reasons.length > 0) {
  if (process.env.CI === "true") {
    throw new Error(`${reasons.join("; ")}: required for the multi-instance test when CI=true`);
  }
  console.log(`skipping the multi-instance test: ${reasons.join("; ")}`);
}

const database = `windback_mi_${randomBytes(5).toString("hex")}`;
const prefix = `windback-mi-${randomBytes(4).toString("hex")}:`;
const jwtSecret = generateJwtSecret();
let a: ApiProcess;
let b: ApiProcess;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An instance on the shared database and Redis prefix; the per-key cancel-flow budget is the real one (10 / 15 s). */
function instance(): Promise<ApiProcess> {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return startApi({
    jwtSecret,
    // Two processes starting on a shared, loaded machine.
    startTimeoutMs: 60_000,
    env: { DATABASE_URL: url.href, REDIS_URL, REDIS_PREFIX: prefix },
  });
}

async function submit(server: ApiProcess, key: string, email: string) {
  const res = await fetch(`${server.url}/api/v1/cancel-flow/submit`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ customer_email: email, cancel_reason: "too_expensive", mrr: 1000 }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { event_id?: string } };
}

describe.skipIf(reasons.length > 0)("two instances on PostgreSQL and Redis", () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    // Started together: both migrate the empty database at once (the advisory lock decides).
    [a, b] = await Promise.all([instance(), instance()]);
  });
  afterAll(async () => {
    await Promise.all([a?.kill9(), b?.kill9()]);
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  test("20 cancel-flow requests with one key over both instances: exactly 10 accepted", async () => {
    const tenant = await createTenant(a.url, "budget", []);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await submit(i % 2 ? b : a, tenant.pub, `budget-${i}@mi.example`)).status);
    }
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBe(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    record("multi_instance_budget", { requests: 20, accepted });
  });

  test("concurrent duplicate submits on both instances record one event", async () => {
    const tenant = await createTenant(b.url, "dedupe", []);
    await putDiscountOffer(b.url, tenant);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submit(i % 2 ? b : a, tenant.pub, "same@mi.example")),
    );
    // One inserted (200); the others found it and answered with it (202, de-duplicated).
    expect(results.map((r) => r.status).sort()).toEqual([200, 202, 202, 202, 202, 202, 202, 202]);
    const ids = new Set(results.map((r) => r.body.event_id));
    expect(ids.size).toBe(1);
    const list = expectOk(
      await createAdminClient(a.url, { key: tenant.sk }).churnEvents.list(tenant.slug),
      "list",
      [200],
    );
    expect(list.total).toBe(1);
    record("multi_instance_dedupe", { submits: 8, events: list.total });
  });

  test("a key revoked through one instance is refused by the other within 1 s", async () => {
    const tenant = await createTenant(a.url, "revoke", []);
    const merchant = createAdminClient(a.url, { token: tenant.token });
    const key = expectOk(await merchant.apiKeys.create(tenant.slug, "public"), "create key", [201]);
    // Used on B first, so a cache on B (if any) holds it.
    expect((await submit(b, key.data.key, "before@mi.example")).status).toBe(200);
    expectOk(await merchant.apiKeys.revoke(tenant.slug, key.data.id), "revoke", [200]);
    const revokedAt = Date.now();
    let status = 0;
    while (Date.now() - revokedAt < 1000) {
      status = (await submit(b, key.data.key, "after@mi.example")).status;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seenAfterMs = Date.now() - revokedAt;
    expect(status).toBe(401);
    record("multi_instance_revocation", { refusedAfterMs: seenAfterMs });
  });

  test("kill -9 of one instance under write load: no acknowledged write lost, the other serves on", async () => {
    const tenant: Tenant = await createTenant(a.url, "crash", []);
    const acknowledged = new Set<string>();
    let stop = false;
    let sequence = 0;
    let failedOnKilled = 0;
    const writer = async (w: number) => {
      const server = w % 2 ? b : a;
      while (!stop) {
        sequence += 1;
        try {
          const res = await fetch(`${server.url}/api/v1/projects/${tenant.slug}/churn-events`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": tenant.sk },
            body: JSON.stringify({
              customer_email: `w${w}-${sequence}@mi.example`,
              mrr_cents: 100,
            }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await res.json()) as { data?: { id?: string } };
          if (res.status !== 201 || !body.data?.id) {
            throw new Error(`unexpected ${res.status}: ${JSON.stringify(body)}`);
          }
          acknowledged.add(body.data.id);
        } catch (error) {
          if (String(error).includes("unexpected")) throw error;
          if (server === a) {
            failedOnKilled += 1; // A was killed with this request in flight: stop this writer.
            return;
          }
          throw error;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const beforeKill = acknowledged.size;
    await a.kill9();
    // B keeps taking writes after A died.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop = true;
    await Promise.all(writers);
    const afterKill = acknowledged.size - beforeKill;

    const seen = new Set<string>();
    const merchant = createAdminClient(b.url, { key: tenant.sk });
    for (let offset = 0; offset < 1_000_000; offset += 100) {
      const page = expectOk(
        await merchant.churnEvents.list(tenant.slug, { limit: 100, offset }),
        "list",
        [200],
      );
      for (const event of page.data) seen.add(event.id);
      if (offset + 100 >= page.total) break;
    }
    const lost = [...acknowledged].filter((id) => !seen.has(id));
    console.log(
      `[multi-instance] ${acknowledged.size} acknowledged (${afterKill} after the kill), ${failedOnKilled} in flight on the killed instance, ${lost.length} lost`,
    );
    record("multi_instance_kill9", {
      acknowledged: acknowledged.size,
      acknowledgedAfterKill: afterKill,
      lost: lost.length,
    });
    expect(lost).toEqual([]);
    expect(afterKill).toBeGreaterThan(0);
    // And B still answers reads and writes.
    const health = await fetch(`${b.url}/health`);
    expect(health.status).toBe(200);
  });
});
