/** The admin client against the real built API: each call's path, body and typed answer. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AdminClient, createAdminClient, expectOk } from "../src/admin-client.js";
import { type ApiProcess, startApi } from "../src/api-process.js";

const ORIGIN = "https://app.testkit.example";
const PASSWORD = "correct horse battery staple";
let api: ApiProcess;
let anonymous: AdminClient;
let admin: AdminClient;
let publicKey: string;
let secretKey: string;

beforeAll(async () => {
  api = await startApi();
  anonymous = createAdminClient(api.url);
  const session = expectOk(
    await anonymous.register({ name: "Kit", email: "kit@testkit.example", password: PASSWORD }),
    "register",
    [201],
  );
  admin = anonymous.as({ token: session.data.token });
  publicKey = expectOk(await admin.apiKeys.create("default", "public"), "pub").data.key;
  secretKey = expectOk(await admin.apiKeys.create("default", "secret"), "sk").data.key;
});
afterAll(async () => {
  await api?.stop();
});

describe("accounts", () => {
  test("login answers a session; a wrong password answers 401 with its code", async () => {
    const ok = await anonymous.login({ email: "kit@testkit.example", password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.ok && ok.body.data.user.email).toBe("kit@testkit.example");
    const wrong = await anonymous.login({ email: "kit@testkit.example", password: "nope" });
    expect(wrong).toMatchObject({
      ok: false,
      status: 401,
      body: { code: "INVALID_CREDENTIALS" },
    });
  });

  test("registering the same email twice is a 409 EMAIL_TAKEN", async () => {
    const again = await anonymous.register({
      name: "Kit",
      email: "kit@testkit.example",
      password: PASSWORD,
    });
    expect(again).toMatchObject({ status: 409, body: { code: "EMAIL_TAKEN" } });
  });

  test("without credentials the dashboard routes answer 401", async () => {
    expect((await anonymous.me()).status).toBe(401);
    expect((await anonymous.projects.list()).status).toBe(401);
  });
});

describe("projects, keys and origins", () => {
  test("create, get, update, list and delete a project", async () => {
    const created = expectOk(await admin.projects.create({ name: "Kit Shop" }), "create", [201]);
    expect(created.data.project.slug).toBe("kit-shop");
    expect(created.data.raw_public_key).toMatch(/^pub_/);
    expect(created.data.raw_secret_key).toMatch(/^sk_/);
    const updated = await admin.projects.update("kit-shop", { support_email: "help@kit.example" });
    expect(updated.ok && updated.body.data.support_email).toBe("help@kit.example");
    const list = expectOk(await admin.projects.list({ limit: 10 }), "list");
    expect(list.data.map((p) => p.slug)).toEqual(["default", "kit-shop"]);
    expect(list).toMatchObject({ total: 2, limit: 10, offset: 0 });
    expect((await admin.projects.delete("kit-shop")).status).toBe(204);
    expect(await admin.projects.get("kit-shop")).toMatchObject({
      status: 404,
      body: { code: "NOT_FOUND" },
    });
  });

  test("keys are listed masked, rotated and revoked", async () => {
    const keys = expectOk(await admin.apiKeys.list("default"), "keys");
    expect(keys.data.every((k) => !("key" in k) && k.key_masked.length > 0)).toBe(true);
    const extra = expectOk(await admin.apiKeys.create("default", "secret"), "create", [201]);
    const revoked = expectOk(await admin.apiKeys.revoke("default", extra.data.id), "revoke");
    expect(revoked.data.revoked_at).not.toBeNull();
    expect((await anonymous.as({ key: extra.data.key }).stats("default")).status).toBe(401);
    const rotated = expectOk(await admin.apiKeys.rotate("default", "public"), "rotate", [201]);
    expect(rotated.data.key).toMatch(/^pub_/);
  });

  test("allowed origins are normalised on the way in and read back", async () => {
    const set = await admin.allowedOrigins.set("default", [" HTTPS://App.Testkit.Example:443 "]);
    expect(set).toMatchObject({ status: 200, body: { allowed_origins: [ORIGIN] } });
    const read = await admin.as({ key: secretKey }).allowedOrigins.get("default");
    expect(read.ok && read.body.allowed_origins).toEqual([ORIGIN]);
    const bad = await admin.allowedOrigins.set("default", [`${ORIGIN}/a/path`]);
    expect(bad).toMatchObject({ status: 400, ok: false, body: { code: "VALIDATION_FAILED" } });
  });
});

describe("offers, the cancel flow, churn events and stats", () => {
  test("an offer is created (201), replaced (200), served to the widget and deleted", async () => {
    const offer = {
      offer_type: "discount" as const,
      title: "Stay for less",
      description: "30% off for three months.",
      cta_button_text: "Take 30% off",
      discount_percent: 30,
      discount_duration_months: 3,
      enabled: true,
    };
    expect((await admin.offers.put("default", "too_expensive", offer)).status).toBe(201);
    const replaced = await admin.offers.put("default", "too_expensive", {
      ...offer,
      title: "Less",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.ok && replaced.body.data.title).toBe("Less");
    const missing = await admin.offers.put("default", "too_expensive", {
      offer_type: "pause",
      title: "Pause",
    });
    expect(missing).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    const listed = expectOk(await admin.offers.list("default"), "offers");
    expect(listed.data.map((o) => o.cancel_reason)).toEqual(["too_expensive"]);

    const widget = anonymous.as({ key: publicKey, origin: ORIGIN });
    const served = await widget.cancelFlow.offers("too_expensive");
    expect(served.ok && served.body.offer?.title).toBe("Less");
    const elsewhere = await anonymous
      .as({ key: publicKey, origin: "https://evil.example" })
      .cancelFlow.offers("too_expensive");
    expect(elsewhere).toMatchObject({ status: 403, body: { code: "ORIGIN_NOT_ALLOWED" } });
    expect((await admin.offers.delete("default", "too_expensive")).status).toBe(204);
    const gone = await widget.cancelFlow.offers("too_expensive");
    expect(gone.ok && gone.body.offer).toBeNull();
  });

  test("submit, decline and accept-offer are read back as churn events and stats", async () => {
    expectOk(
      await admin.offers.put("default", "too_expensive", {
        offer_type: "pause",
        title: "Take a break",
        description: "Pause for 30 days.",
        cta_button_text: "Pause",
        pause_days: 30,
        enabled: true,
      }),
      "offer",
      [201],
    );
    const widget = anonymous.as({ key: publicKey, origin: ORIGIN });
    const submitted = expectOk(
      await widget.cancelFlow.submit({
        customer_email: "declines@testkit.example",
        cancel_reason: "too_expensive",
        mrr: 4900,
      }),
      "submit",
      [200],
    );
    expect(submitted).toMatchObject({ success: true, offer: { offer_type: "pause" } });
    const duplicate = await widget.cancelFlow.submit({
      customer_email: "declines@testkit.example",
      cancel_reason: "too_expensive",
    });
    expect(duplicate).toMatchObject({ status: 202, body: { event_id: submitted.event_id } });
    expect((await widget.cancelFlow.decline({ event_id: submitted.event_id })).status).toBe(200);
    const shown = expectOk(
      await widget.cancelFlow.submit({
        customer_email: "saved@testkit.example",
        cancel_reason: "too_expensive",
      }),
      "submit",
      [200],
    );
    // Only the offer that was shown can be accepted.
    const other = await widget.cancelFlow.acceptOffer({
      customer_email: "saved@testkit.example",
      cancel_reason: "too_expensive",
      offer_type: "discount",
      event_id: shown.event_id,
    });
    expect(other).toMatchObject({ status: 400, ok: false });
    const accepted = expectOk(
      await widget.cancelFlow.acceptOffer({
        customer_email: "saved@testkit.example",
        cancel_reason: "too_expensive",
        offer_type: "pause",
        event_id: shown.event_id,
      }),
      "accept",
    );
    expect(accepted.event_id).toBe(shown.event_id);

    const merchant = anonymous.as({ key: secretKey });
    const event = expectOk(await merchant.churnEvents.get("default", submitted.event_id), "get");
    expect(event.data).toMatchObject({
      offer_declined: true,
      status: "new",
      mrr: 4900,
      mrr_verified: false,
    });
    const saved = expectOk(
      await merchant.churnEvents.list("default", { status: "offer_accepted" }),
      "list",
    );
    expect(saved.data.map((e) => e.id)).toEqual([accepted.event_id]);

    const created = expectOk(
      await merchant.churnEvents.create("default", {
        customer_email: "api@testkit.example",
        mrr: 100,
      }),
      "create",
      [201],
    );
    const lost = await merchant.churnEvents.settle("default", created.data.id, "lost");
    expect(lost.ok && lost.body.data.status).toBe("lost");
    const again = await merchant.churnEvents.settle("default", created.data.id, "recovered");
    expect(again).toMatchObject({ status: 400, body: { code: "INVALID_TRANSITION" } });

    const stats = expectOk(await merchant.stats("default"), "stats").data;
    expect(stats).toMatchObject({ total_events: 3, lost_events: 1, offer_accepted_events: 1 });
    expect(stats.cancel_flow).toMatchObject({ submissions: 2, offers_accepted: 1 });
  });
});

test("expectOk returns the body of an expected status and throws with the answer otherwise", async () => {
  const res = await anonymous.stats("default");
  expect(() => expectOk(res, "stats without a key")).toThrow(
    /^stats without a key: HTTP 401 .*"code"/,
  );
  const health = await anonymous.health();
  expect(expectOk(health, "health", [200])).toEqual({ status: "ok" });
  expect(() => expectOk(health, "health", [201])).toThrow("health: HTTP 200");
});

test("request() reaches routes without a method here, with a query string", async () => {
  const res = await anonymous
    .as({ key: secretKey })
    .request<{ total: number }>("GET", "/api/v1/churn-events", { query: { limit: 1, offset: 0 } });
  expect(res).toMatchObject({ status: 200, body: { total: 3, limit: 1 } });
});
