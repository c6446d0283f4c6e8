import Fastify, { type RouteOptions } from "fastify";
import { afterEach, describe, expect, test } from "vitest";
import { windbackApp } from "../src/app.js";
import { createSqliteStorage } from "../src/storage/sqlite/index.js";
import { bearer, buildTestApp, registerAccount, type TestContext, testConfig } from "./helpers.js";

/**
 * Every authenticated route against every kind of caller. Account A owns project "alpha" (whose
 * keys are `sk`/`pub`); account B owns "bravo". URLs name A's project, so B's credentials are
 * "another tenant" and must never reach it.
 */
type Caller = "none" | "jwt" | "cookie" | "sk" | "pub" | "badJwtGoodKey" | "otherJwt" | "otherSk";

interface RouteCase {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** The route pattern, for the completeness check. */
  pattern: string;
  payload?: (ids: Ids) => unknown;
  urlFor?: (ids: Ids) => string;
  /** The dashboard's session cookie is accepted wherever a JWT is: its row is the JWT's. */
  expect: Record<Exclude<Caller, "cookie">, number>;
}

interface Ids {
  keyId: string;
  password: string;
  /** A churn event of project alpha. */
  eventId: string;
  /** A webhook endpoint of project alpha, and one of its deliveries. */
  endpointId: string;
  deliveryId: string;
  /** A customer-token secret of project alpha. */
  secretId: string;
}

const JWT_ONLY_SCOPED = {
  none: 401,
  sk: 403,
  pub: 403,
  badJwtGoodKey: 401,
  otherJwt: 404,
  otherSk: 403,
};
const JWT_OR_SK_SCOPED = { none: 401, pub: 403, badJwtGoodKey: 401, otherJwt: 404, otherSk: 404 };
/** Unscoped aliases act on the caller's own project, so another tenant just sees their own. */
const JWT_ONLY_ALIAS = { none: 401, sk: 403, pub: 403, badJwtGoodKey: 401, otherSk: 403 };
const JWT_OR_SK_ALIAS = { none: 401, pub: 403, badJwtGoodKey: 401 };
/** Cancel-flow routes take keys only; another tenant's key acts on its own project. */
const KEYS_ONLY = { none: 401, jwt: 403, badJwtGoodKey: 401, otherJwt: 403 };
const OFFER = {
  offer_type: "pause",
  title: "Pause instead",
  cta_button_text: "Pause",
  pause_days: 30,
};

const WEBHOOKS = "/api/v1/projects/alpha/webhook-endpoints";
const WEBHOOK = "/api/v1/projects/:slug/webhook-endpoints";
const STRIPE = "/api/v1/projects/alpha/integrations/stripe";

const routes: RouteCase[] = [
  {
    method: "POST",
    url: "/api/v1/projects/alpha/customer-token-secrets",
    pattern: "/api/v1/projects/:slug/customer-token-secrets",
    expect: { ...JWT_ONLY_SCOPED, jwt: 201 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/customer-token-secrets",
    pattern: "/api/v1/projects/:slug/customer-token-secrets",
    expect: { ...JWT_ONLY_SCOPED, jwt: 200 },
  },
  {
    method: "DELETE",
    url: "",
    urlFor: (ids) => `/api/v1/projects/alpha/customer-token-secrets/${ids.secretId}`,
    pattern: "/api/v1/projects/:slug/customer-token-secrets/:id",
    expect: { ...JWT_ONLY_SCOPED, jwt: 200 },
  },
  {
    method: "POST",
    url: WEBHOOKS,
    pattern: WEBHOOK,
    payload: () => ({ url: "https://example.com/hooks" }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 201, sk: 201 },
  },
  {
    method: "GET",
    url: WEBHOOKS,
    pattern: WEBHOOK,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}`,
    pattern: `${WEBHOOK}/:id`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "PATCH",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}`,
    pattern: `${WEBHOOK}/:id`,
    payload: () => ({ description: "renamed" }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "DELETE",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}`,
    pattern: `${WEBHOOK}/:id`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 204, sk: 204 },
  },
  {
    method: "POST",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}/rotate-secret`,
    pattern: `${WEBHOOK}/:id/rotate-secret`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 201, sk: 201 },
  },
  {
    method: "POST",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}/test`,
    pattern: `${WEBHOOK}/:id/test`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 202, sk: 202 },
  },
  {
    method: "GET",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}/deliveries`,
    pattern: `${WEBHOOK}/:id/deliveries`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "POST",
    url: "",
    urlFor: (ids) => `${WEBHOOKS}/${ids.endpointId}/deliveries/${ids.deliveryId}/redeliver`,
    pattern: `${WEBHOOK}/:id/deliveries/:delivery_id/redeliver`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 202, sk: 202 },
  },
  {
    method: "PUT",
    url: STRIPE,
    pattern: "/api/v1/projects/:slug/integrations/stripe",
    payload: () => ({ webhook_secret: "whsec_abcdefgh12345678" }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: STRIPE,
    pattern: "/api/v1/projects/:slug/integrations/stripe",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "DELETE",
    url: STRIPE,
    pattern: "/api/v1/projects/:slug/integrations/stripe",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 204, sk: 204 },
  },
  {
    method: "GET",
    url: "/api/v1/auth/me",
    pattern: "/api/v1/auth/me",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "DELETE",
    url: "/api/v1/auth/session",
    pattern: "/api/v1/auth/session",
    expect: { ...JWT_ONLY_ALIAS, jwt: 204, otherJwt: 204 },
  },
  {
    method: "POST",
    url: "/api/v1/auth/change-password",
    pattern: "/api/v1/auth/change-password",
    payload: (ids) => ({ current_password: ids.password, new_password: "another long password" }),
    expect: { ...JWT_ONLY_ALIAS, jwt: 200, otherJwt: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/auth/allowed-origins",
    pattern: "/api/v1/auth/allowed-origins",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "PUT",
    url: "/api/v1/auth/allowed-origins",
    pattern: "/api/v1/auth/allowed-origins",
    payload: () => ({ allowed_origins: ["https://shop.example.com"] }),
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "POST",
    url: "/api/v1/projects",
    pattern: "/api/v1/projects",
    payload: () => ({ name: "New" }),
    expect: { ...JWT_ONLY_ALIAS, jwt: 201, otherJwt: 201 },
  },
  {
    method: "GET",
    url: "/api/v1/projects",
    pattern: "/api/v1/projects",
    expect: { ...JWT_ONLY_ALIAS, jwt: 200, otherJwt: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha",
    pattern: "/api/v1/projects/:slug",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "PUT",
    url: "/api/v1/projects/alpha",
    pattern: "/api/v1/projects/:slug",
    payload: () => ({ name: "Renamed" }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "PATCH",
    url: "/api/v1/projects/alpha",
    pattern: "/api/v1/projects/:slug",
    payload: () => ({ max_claimed_mrr: 5000 }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    // A leaked secret key must not be able to delete its project: sessions only.
    method: "DELETE",
    url: "/api/v1/projects/alpha",
    pattern: "/api/v1/projects/:slug",
    expect: { ...JWT_ONLY_SCOPED, jwt: 204 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/api-keys",
    pattern: "/api/v1/projects/:slug/api-keys",
    expect: { ...JWT_ONLY_SCOPED, jwt: 200 },
  },
  {
    method: "POST",
    url: "/api/v1/projects/alpha/api-keys",
    pattern: "/api/v1/projects/:slug/api-keys",
    payload: () => ({ key_type: "secret" }),
    expect: { ...JWT_ONLY_SCOPED, jwt: 201 },
  },
  {
    method: "POST",
    url: "/api/v1/projects/alpha/api-keys/rotate",
    pattern: "/api/v1/projects/:slug/api-keys/rotate",
    payload: () => ({ key_type: "public" }),
    expect: { ...JWT_ONLY_SCOPED, jwt: 201 },
  },
  {
    method: "DELETE",
    url: "",
    pattern: "/api/v1/projects/:slug/api-keys/:id",
    urlFor: (ids) => `/api/v1/projects/alpha/api-keys/${ids.keyId}`,
    expect: { ...JWT_ONLY_SCOPED, jwt: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/api-keys",
    pattern: "/api/v1/api-keys",
    expect: { ...JWT_ONLY_ALIAS, jwt: 200, otherJwt: 200 },
  },
  {
    method: "POST",
    url: "/api/v1/api-keys",
    pattern: "/api/v1/api-keys",
    payload: () => ({ key_type: "public" }),
    expect: { ...JWT_ONLY_ALIAS, jwt: 201, otherJwt: 201 },
  },
  {
    method: "POST",
    url: "/api/v1/api-keys/rotate",
    pattern: "/api/v1/api-keys/rotate",
    payload: () => ({ key_type: "public" }),
    expect: { ...JWT_ONLY_ALIAS, jwt: 201, otherJwt: 201 },
  },
  // A's default-project key id through B's alias: B's project has no such key.
  {
    method: "DELETE",
    url: "",
    pattern: "/api/v1/api-keys/:id",
    urlFor: (ids) => `/api/v1/api-keys/${ids.keyId}`,
    expect: { ...JWT_ONLY_ALIAS, jwt: 200, otherJwt: 404 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/allowed-origins",
    pattern: "/api/v1/projects/:slug/allowed-origins",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "PUT",
    url: "/api/v1/projects/alpha/allowed-origins",
    pattern: "/api/v1/projects/:slug/allowed-origins",
    payload: () => ({ allowed_origins: ["https://shop.example.com"] }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  // Retention offers (an offer for too_expensive exists on alpha and on A's default project).
  {
    method: "GET",
    url: "/api/v1/projects/alpha/retention-offers",
    pattern: "/api/v1/projects/:slug/retention-offers",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "PUT",
    url: "/api/v1/projects/alpha/retention-offers/too_expensive",
    pattern: "/api/v1/projects/:slug/retention-offers/:reason",
    payload: () => OFFER,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "DELETE",
    url: "/api/v1/projects/alpha/retention-offers/too_expensive",
    pattern: "/api/v1/projects/:slug/retention-offers/:reason",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 204, sk: 204 },
  },
  {
    method: "GET",
    url: "/api/v1/retention-offers",
    pattern: "/api/v1/retention-offers",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "PUT",
    url: "/api/v1/retention-offers/other",
    pattern: "/api/v1/retention-offers/:reason",
    payload: () => OFFER,
    expect: { ...JWT_OR_SK_ALIAS, jwt: 201, sk: 201, otherJwt: 201, otherSk: 201 },
  },
  {
    method: "DELETE",
    url: "/api/v1/retention-offers/too_expensive",
    pattern: "/api/v1/retention-offers/:reason",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 204, sk: 204, otherJwt: 404, otherSk: 404 },
  },
  // Churn events and stats.
  {
    method: "POST",
    url: "/api/v1/projects/alpha/churn-events",
    pattern: "/api/v1/projects/:slug/churn-events",
    payload: () => ({ customer_email: "m@example.com", mrr: 1200 }),
    expect: { ...JWT_OR_SK_SCOPED, jwt: 201, sk: 201 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/churn-events",
    pattern: "/api/v1/projects/:slug/churn-events",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: "",
    pattern: "/api/v1/projects/:slug/churn-events/:id",
    urlFor: (ids) => `/api/v1/projects/alpha/churn-events/${ids.eventId}`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "POST",
    url: "",
    pattern: "/api/v1/projects/:slug/churn-events/:id/recovered",
    urlFor: (ids) => `/api/v1/projects/alpha/churn-events/${ids.eventId}/recovered`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "POST",
    url: "",
    pattern: "/api/v1/projects/:slug/churn-events/:id/lost",
    urlFor: (ids) => `/api/v1/projects/alpha/churn-events/${ids.eventId}/lost`,
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/stats",
    pattern: "/api/v1/projects/:slug/stats",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/stats/timeseries?from=2026-01-01&to=2026-01-15",
    pattern: "/api/v1/projects/:slug/stats/timeseries",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/projects/alpha/churn-events.csv?status=new",
    pattern: "/api/v1/projects/:slug/churn-events.csv",
    expect: { ...JWT_OR_SK_SCOPED, jwt: 200, sk: 200 },
  },
  // The aliases act on the caller's project: alpha for its sk_, A's default project for A's JWT.
  {
    method: "POST",
    url: "/api/v1/churn-events",
    pattern: "/api/v1/churn-events",
    payload: () => ({ customer_email: "m@example.com", mrr_cents: 1200 }),
    expect: { ...JWT_OR_SK_ALIAS, jwt: 201, sk: 201, otherJwt: 201, otherSk: 201 },
  },
  {
    method: "GET",
    url: "/api/v1/churn-events",
    pattern: "/api/v1/churn-events",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "GET",
    url: "",
    pattern: "/api/v1/churn-events/:id",
    urlFor: (ids) => `/api/v1/churn-events/${ids.eventId}`,
    expect: { ...JWT_OR_SK_ALIAS, jwt: 404, sk: 200, otherJwt: 404, otherSk: 404 },
  },
  {
    method: "POST",
    url: "",
    pattern: "/api/v1/churn-events/:id/recovered",
    urlFor: (ids) => `/api/v1/churn-events/${ids.eventId}/recovered`,
    expect: { ...JWT_OR_SK_ALIAS, jwt: 404, sk: 200, otherJwt: 404, otherSk: 404 },
  },
  {
    method: "POST",
    url: "",
    pattern: "/api/v1/churn-events/:id/lost",
    urlFor: (ids) => `/api/v1/churn-events/${ids.eventId}/lost`,
    expect: { ...JWT_OR_SK_ALIAS, jwt: 404, sk: 200, otherJwt: 404, otherSk: 404 },
  },
  {
    method: "GET",
    url: "/api/v1/stats",
    pattern: "/api/v1/stats",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/stats/timeseries?from=2026-01-01&to=2026-01-15&interval=week",
    pattern: "/api/v1/stats/timeseries",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/churn-events.csv",
    pattern: "/api/v1/churn-events.csv",
    expect: { ...JWT_OR_SK_ALIAS, jwt: 200, sk: 200, otherJwt: 200, otherSk: 200 },
  },
  // The cancel flow: public or secret keys.
  {
    method: "POST",
    url: "/api/v1/cancel-flow/submit",
    pattern: "/api/v1/cancel-flow/submit",
    payload: () => ({ customer_email: "m@example.com", cancel_reason: "too_expensive" }),
    expect: { ...KEYS_ONLY, sk: 200, pub: 200, otherSk: 200 },
  },
  {
    method: "GET",
    url: "/api/v1/cancel-flow/offers?reason=too_expensive",
    pattern: "/api/v1/cancel-flow/offers",
    expect: { ...KEYS_ONLY, sk: 200, pub: 200, otherSk: 200 },
  },
  {
    method: "POST",
    url: "/api/v1/cancel-flow/accept-offer",
    pattern: "/api/v1/cancel-flow/accept-offer",
    payload: (ids) => ({
      customer_email: "churner@example.com",
      cancel_reason: "too_expensive",
      offer_type: "pause",
      event_id: ids.eventId,
    }),
    expect: { ...KEYS_ONLY, sk: 200, pub: 200, otherSk: 404 },
  },
  {
    method: "POST",
    url: "/api/v1/cancel-flow/decline",
    pattern: "/api/v1/cancel-flow/decline",
    payload: (ids) => ({ event_id: ids.eventId }),
    expect: { ...KEYS_ONLY, sk: 200, pub: 200, otherSk: 404 },
  },
  {
    method: "POST",
    url: "/api/v1/track",
    pattern: "/api/v1/track",
    payload: () => ({ event: "cancel_page_viewed", customer_email: "m@example.com" }),
    expect: { ...KEYS_ONLY, sk: 200, pub: 200, otherSk: 200 },
  },
];

let ctx: TestContext;
afterEach(async () => ctx?.app.close());

async function setUp() {
  ctx = await buildTestApp();
  const a = await registerAccount(ctx, "A");
  const b = await registerAccount(ctx, "B");
  const create = async (token: string, name: string) =>
    (
      await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name },
      })
    ).json().data;
  const alpha = await create(a.token, "Alpha");
  const bravo = await create(b.token, "Bravo");
  // A key on A's alpha project and one on A's default project, for the revoke routes.
  const alphaKey = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/projects/alpha/api-keys",
    headers: bearer(a.token),
    payload: { key_type: "public" },
  });
  const defaultKey = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/api-keys",
    headers: bearer(a.token),
    payload: { key_type: "public" },
  });
  for (const url of [
    "/api/v1/projects/alpha/retention-offers/too_expensive",
    "/api/v1/projects/default/retention-offers/too_expensive",
  ]) {
    await ctx.app.inject({ method: "PUT", url, headers: bearer(a.token), payload: OFFER });
  }
  const submitted = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/cancel-flow/submit",
    headers: { "x-api-key": alpha.raw_public_key },
    payload: { customer_email: "churner@example.com", cancel_reason: "too_expensive", mrr: 900 },
  });
  const session = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/auth/session",
    payload: { email: a.email, password: a.password },
  });
  // A webhook endpoint with one delivery, and a Stripe secret, on A's alpha project.
  const endpoint = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/projects/alpha/webhook-endpoints",
    headers: bearer(a.token),
    payload: { url: "https://example.com/hooks" },
  });
  const endpointId = endpoint.json().data.id as string;
  await ctx.app.inject({
    method: "POST",
    url: `/api/v1/projects/alpha/webhook-endpoints/${endpointId}/test`,
    headers: bearer(a.token),
  });
  const deliveries = await ctx.app.inject({
    method: "GET",
    url: `/api/v1/projects/alpha/webhook-endpoints/${endpointId}/deliveries`,
    headers: bearer(a.token),
  });
  await ctx.app.inject({
    method: "PUT",
    url: "/api/v1/projects/alpha/integrations/stripe",
    headers: bearer(a.token),
    payload: { webhook_secret: "whsec_abcdefgh12345678" },
  });
  const secret = await ctx.app.inject({
    method: "POST",
    url: "/api/v1/projects/alpha/customer-token-secrets",
    headers: bearer(a.token),
  });
  const cookie = session.cookies.find((c) => c.name === "windback_session")?.value;
  if (!cookie) throw new Error(`no session cookie: ${session.statusCode} ${session.body}`);
  const headers: Record<Caller, Record<string, string>> = {
    none: {},
    jwt: bearer(a.token),
    // The dashboard's own origin, as its requests carry (a change from elsewhere is refused).
    cookie: { cookie: `windback_session=${cookie}`, origin: "http://localhost:8787" },
    sk: { "x-api-key": alpha.raw_secret_key },
    pub: { "x-api-key": alpha.raw_public_key },
    badJwtGoodKey: {
      authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad",
      "x-api-key": alpha.raw_secret_key,
    },
    otherJwt: bearer(b.token),
    otherSk: { "x-api-key": bravo.raw_secret_key },
  };
  return {
    a,
    headers,
    alphaKeyId: alphaKey.json().data.id,
    defaultKeyId: defaultKey.json().data.id,
    eventId: submitted.json().event_id as string,
    endpointId,
    deliveryId: deliveries.json().data[0].id as string,
    secretId: secret.json().data.id as string,
  };
}

const callers: Caller[] = [
  "none",
  "jwt",
  "cookie",
  "sk",
  "pub",
  "badJwtGoodKey",
  "otherJwt",
  "otherSk",
];

describe.each(routes)("$method $pattern", (route) => {
  test.each(callers)("as %s", async (caller) => {
    const { a, headers, alphaKeyId, defaultKeyId, eventId, endpointId, deliveryId, secretId } =
      await setUp();
    const ids: Ids = {
      keyId: route.pattern.startsWith("/api/v1/projects/") ? alphaKeyId : defaultKeyId,
      password: a.password,
      eventId,
      endpointId,
      deliveryId,
      secretId,
    };
    // The dashboard sends a JSON body with every change, `{}` when there is nothing to say.
    const payload =
      route.payload?.(ids) ?? (caller === "cookie" && route.method !== "GET" ? {} : undefined);
    const res = await ctx.app.inject({
      method: route.method,
      url: route.urlFor ? route.urlFor(ids) : route.url,
      headers: headers[caller],
      ...(payload !== undefined && { payload: payload as object }),
    });
    expect(res.statusCode, res.body).toBe(route.expect[caller === "cookie" ? "jwt" : caller]);
    if (res.statusCode >= 400)
      expect(res.json()).toEqual({ error: expect.any(String), code: expect.any(String) });
  });
});

/**
 * The routes anyone may call without a credential. A new public route must be added here on
 * purpose; every other route must have a row in the table above.
 */
const PUBLIC_ROUTES = [
  "GET /health",
  "POST /api/v1/auth/register",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/session",
  "GET /",
  "GET /dashboard",
  "GET /dashboard/",
  "GET /dashboard/*",
  "GET /dashboard/assets/:file",
  "GET /dashboard/widget-manifest.json",
  "GET /api/v1/auth/registration",
  "GET /api/v1/openapi.json",
  "GET /widget.js",
  "GET /widget.:hash.js",
  "GET /embed.js",
  "GET /embed.:hash.js",
  "GET /frame-host.js",
  "GET /frame-host.:hash.js",
  "GET /ui.js",
  "GET /ui.:hash.js",
  "GET /widget/locales/:file",
  "GET /embed",
  "POST /webhooks/stripe/:public_key",
];

test("every route declares its policy: public ones are pinned, the rest are in the table", async () => {
  const authenticated: string[] = [];
  const open: string[] = [];
  const undeclared: string[] = [];
  // The onRoute hook must be in place before the app registers its routes.
  const probe = Fastify();
  probe.addHook("onRoute", (r: RouteOptions) => {
    if (r.method === "HEAD" || r.method === "OPTIONS") return;
    const auth = (r.config as { auth?: unknown } | undefined)?.auth;
    const route = `${r.method} ${r.url}`;
    if (auth === undefined) undeclared.push(route);
    else if (auth === "none") open.push(route);
    else authenticated.push(route);
  });
  // The widget's routes are registered whether or not the widget is built (they answer 503).
  await probe.register(windbackApp, {
    config: testConfig({ widgetDistDir: "/nonexistent", dashboardDistDir: "/nonexistent" }),
    storage: createSqliteStorage(":memory:"),
  });
  await probe.ready();
  await probe.close();
  const covered = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
  expect(authenticated.length).toBeGreaterThan(40);
  for (const route of authenticated) expect(covered, route).toContain(route);
  // A route without a declared policy is neither public nor in the table (route-policy.ts also
  // refuses to start with one).
  expect(undeclared).toEqual([]);
  expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
});
