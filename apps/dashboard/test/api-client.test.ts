import { describe, expect, it, vi } from "vitest";
import { createApiClient, describeFailure, fieldOfError, queryString } from "../src/lib/api-client";
import { fakeFetch } from "./helpers";

describe("requests", () => {
  it("sends same-origin credentials, and no body or Content-Type on GET", async () => {
    const api = fakeFetch({ "GET /api/v1/projects": { status: 200, body: { data: [] } } });
    const client = createApiClient({ fetch: api.fetch });
    const result = await client.get("/projects", {
      query: { limit: 100, offset: 0, q: "", x: undefined },
    });
    expect(result).toEqual({ ok: true, data: { data: [] } });
    const [request] = api.seen;
    expect(request?.credentials).toBe("same-origin");
    expect(request?.search).toBe("?limit=100&offset=0");
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["content-type"]).toBeUndefined();
    expect(request?.body).toBeUndefined();
  });

  it("always sends a JSON body on state changes, {} when there is nothing to send", async () => {
    const api = fakeFetch({
      "DELETE /api/v1/auth/session": { status: 204 },
      "POST /api/v1/projects/acme/churn-events/e1/lost": { status: 200, body: { data: {} } },
      "PUT /api/v1/projects/acme/allowed-origins": { status: 200, body: { allowed_origins: [] } },
    });
    const client = createApiClient({ fetch: api.fetch });
    expect(await client.delete("/auth/session")).toEqual({ ok: true, data: null });
    await client.post("/projects/acme/churn-events/e1/lost");
    await client.put("/projects/acme/allowed-origins", { body: { allowed_origins: [] } });
    expect(api.seen.map((r) => [r.method, r.headers["content-type"], r.body])).toEqual([
      ["DELETE", "application/json", {}],
      ["POST", "application/json", {}],
      ["PUT", "application/json", { allowed_origins: [] }],
    ]);
  });
});

describe("failures are values, never exceptions", () => {
  it("reads the API's status, code and message", async () => {
    const api = fakeFetch({
      "POST /api/v1/projects": { status: 409, body: { error: "Already exists", code: "CONFLICT" } },
    });
    const result = await createApiClient({ fetch: api.fetch }).post("/projects", { body: {} });
    expect(result).toEqual({
      ok: false,
      error: { status: 409, code: "CONFLICT", message: "Already exists" },
    });
  });

  it("names the input from the message's path, as Fastify and our handlers write it", async () => {
    const api = fakeFetch({
      "PUT /api/v1/x": {
        status: 400,
        body: { error: "body/allowed_origins/1 must be string", code: "VALIDATION_FAILED" },
      },
    });
    const result = await createApiClient({ fetch: api.fetch }).put("/x", { body: {} });
    expect(!result.ok && result.error.field).toBe("body/allowed_origins/1");
  });

  it("prefers an explicit `field` in the body", () => {
    expect(fieldOfError({ field: "body/title" }, "body/other is wrong")).toBe("body/title");
  });

  it("turns a missing-property message into the property's path", () => {
    expect(fieldOfError({}, "body must have required property 'title'")).toBe("body/title");
    expect(fieldOfError({}, "body/offer must have required property 'x'")).toBe("body/offer/x");
  });

  it("names no input when the message names none", () => {
    expect(fieldOfError({}, "Invalid email or password")).toBeUndefined();
    expect(fieldOfError(null, "bodyguard/x is not a path")).toBeUndefined();
  });

  it("gives HTTP_<status> when the body has no code, and a readable message", async () => {
    const api = fakeFetch({ "GET /api/v1/x": { status: 502, text: "<html>Bad gateway</html>" } });
    const result = await createApiClient({ fetch: api.fetch }).get("/x");
    expect(result).toEqual({
      ok: false,
      error: { status: 502, code: "HTTP_502", message: "The server answered 502" },
    });
  });

  it("reports a 2xx that is not JSON as BAD_RESPONSE", async () => {
    const api = fakeFetch({ "GET /api/v1/x": { status: 200, text: "<html>proxy login</html>" } });
    const result = await createApiClient({ fetch: api.fetch }).get("/x");
    expect(!result.ok && result.error.code).toBe("BAD_RESPONSE");
  });

  it("reports a network failure as status 0, NETWORK_ERROR", async () => {
    const api = fakeFetch({ "GET /api/v1/x": new TypeError("Failed to fetch") });
    const result = await createApiClient({ fetch: api.fetch }).get("/x");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.status).toBe(0);
    expect(!result.ok && result.error.code).toBe("NETWORK_ERROR");
    expect(!result.ok && describeFailure(result.error)).toMatch(
      /Could not reach the Windback server/,
    );
  });

  it("reports a cancelled request as ABORTED", async () => {
    const api = fakeFetch({ "GET /api/v1/x": { status: 200, body: {} } });
    const controller = new AbortController();
    controller.abort();
    const result = await createApiClient({ fetch: api.fetch }).get("/x", {
      signal: controller.signal,
    });
    expect(!result.ok && result.error.code).toBe("ABORTED");
  });
});

describe("401", () => {
  it("tells the app, which sends the user to log in", async () => {
    const onUnauthenticated = vi.fn();
    const api = fakeFetch({
      "GET /api/v1/stats": { status: 401, body: { error: "No session", code: "UNAUTHENTICATED" } },
    });
    const result = await createApiClient({ fetch: api.fetch, onUnauthenticated }).get("/stats");
    expect(result.ok).toBe(false);
    expect(onUnauthenticated).toHaveBeenCalledOnce();
    expect(onUnauthenticated.mock.calls[0]?.[0]).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
  });

  it("is only an answer for calls that ask for it (logging in with a wrong password)", async () => {
    const onUnauthenticated = vi.fn();
    const api = fakeFetch({
      "POST /api/v1/auth/session": {
        status: 401,
        body: { error: "Invalid email or password", code: "INVALID_CREDENTIALS" },
      },
    });
    const client = createApiClient({ fetch: api.fetch, onUnauthenticated });
    const result = await client.post("/auth/session", { body: {}, notifyUnauthenticated: false });
    expect(!result.ok && result.error.code).toBe("INVALID_CREDENTIALS");
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it("is not raised by other statuses", async () => {
    const onUnauthenticated = vi.fn();
    const api = fakeFetch({
      "GET /api/v1/x": { status: 403, body: { error: "no", code: "CSRF_REJECTED" } },
    });
    const result = await createApiClient({ fetch: api.fetch, onUnauthenticated }).get("/x");
    expect(!result.ok && describeFailure(result.error)).toMatch(/did not come from this dashboard/);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });
});

describe("queryString", () => {
  it("leaves out empty values and encodes the rest", () => {
    expect(queryString({ q: "a+b@x.com", status: "", from: null, to: undefined, limit: 20 })).toBe(
      "?q=a%2Bb%40x.com&limit=20",
    );
    expect(queryString({})).toBe("");
    expect(queryString(undefined)).toBe("");
  });
});
