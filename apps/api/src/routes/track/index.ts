import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { TRACK_BATCH_MAX } from "@windback/protocol";
import { ErrorResponse, refTo, TrackResponse } from "@windback/protocol/schemas";
import { principalOf } from "../../auth/principal.js";
import { toIso } from "../../lib/clock.js";
import { normalizeEmail } from "../../lib/email.js";
import { badRequest } from "../../lib/errors.js";
import type { NewTrackEvent } from "../../storage/types.js";
import { authErrors } from "../schemas.js";

/** Limits on `properties`, so one event cannot be a storage or CPU problem. */
const TRACK_PROPERTIES_MAX_BYTES = 8 * 1024;
const TRACK_PROPERTIES_MAX_DEPTH = 32;

const EVENT_MAX_LENGTH = 200;
const EARLIEST = Date.parse("1970-01-01T00:00:00Z");
const LATEST = Date.parse("9999-12-31T23:59:59Z");
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Depth of a parsed JSON value, walked without recursion so hostile nesting cannot blow the stack. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

type Parsed = { ok: true; event: NewTrackEvent } | { ok: false; error: string };

/** One event, validated and normalised; an invalid one is reported, never stored. */
function parseEvent(input: unknown, now: string): Parsed {
  const fail = (error: string): Parsed => ({ ok: false, error });
  if (!isPlainObject(input)) return fail("an event must be a JSON object");
  const { event, customer_email, customer_id, properties, occurred_at } = input;
  if (typeof event !== "string" || event.trim() === "" || event.length > EVENT_MAX_LENGTH) {
    return fail(`event must be a non-empty string of at most ${EVENT_MAX_LENGTH} characters`);
  }
  if (
    customer_email !== undefined &&
    (typeof customer_email !== "string" || customer_email.length > 254)
  ) {
    return fail("customer_email must be a string of at most 254 characters");
  }
  if (customer_id !== undefined && (typeof customer_id !== "string" || customer_id.length > 200)) {
    return fail("customer_id must be a string of at most 200 characters");
  }
  let serialized: string | null = null;
  if (properties !== undefined) {
    if (!isPlainObject(properties)) return fail("properties must be a JSON object");
    if (depthExceeds(properties, TRACK_PROPERTIES_MAX_DEPTH)) {
      return fail(`properties nest deeper than ${TRACK_PROPERTIES_MAX_DEPTH} levels`);
    }
    serialized = JSON.stringify(properties);
    if (Buffer.byteLength(serialized) > TRACK_PROPERTIES_MAX_BYTES) {
      return fail(`properties exceed ${TRACK_PROPERTIES_MAX_BYTES} bytes`);
    }
  }
  let occurredAt = now;
  if (occurred_at !== undefined) {
    const ms =
      typeof occurred_at === "string" && RFC3339.test(occurred_at)
        ? Date.parse(occurred_at)
        : Number.NaN;
    // Date.parse refuses what toISOString cannot print (a leap second, month 13): both are 400s.
    if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST) {
      return fail("occurred_at must be an RFC 3339 date-time, e.g. 2026-01-15T10:00:00Z");
    }
    occurredAt = toIso(ms);
  }
  const email = typeof customer_email === "string" ? customer_email.trim() : "";
  const id = typeof customer_id === "string" ? customer_id.trim() : "";
  return {
    ok: true,
    event: {
      customerEmail: email ? normalizeEmail(email) : null,
      customerId: id || null,
      event: event.trim(),
      properties: serialized,
      occurredAt,
    },
  };
}

/**
 * `POST /track`: product events from the widget or a merchant's server. Tracking must never
 * break a caller (docs/design.md §2.6: always 200 once authenticated), so invalid events are skipped,
 * not fatal: the body stays `{"status":"ok"}` and the counts and first problem are reported in
 * `X-Windback-Track-Accepted`, `X-Windback-Track-Rejected` and `X-Windback-Track-Error`.
 */
export const trackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/track",
    {
      // Origin-guarded like the cancel flow, with a budget of its own per key and client.
      config: { auth: ["public", "secret"], browser: { budget: "track" } },
      schema: {
        tags: ["cancel flow"],
        operationId: "track",
        summary: `Record one event, or {events:[…]} with at most ${TRACK_BATCH_MAX}; always 200 once authenticated`,
        description:
          "Invalid events are skipped, not stored; X-Windback-Track-Accepted/-Rejected count them and X-Windback-Track-Error names the first problem.",
        // Any JSON is let through to the per-event checks; the shapes are documented here.
        body: Type.Unknown({
          description: `One event {event, customer_email?, customer_id?, properties?, occurred_at?} or {events: [...]} with at most ${TRACK_BATCH_MAX}; each event is checked on its own`,
          examples: [
            {
              event: "cancel_page_viewed",
              customer_email: "ada@example.com",
              properties: { plan: "pro" },
            },
            { events: [{ event: "a" }, { event: "b", occurred_at: "2026-01-15T10:00:00Z" }] },
          ],
        }),
        response: {
          200: TrackResponse,
          ...authErrors,
          415: refTo(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== "key") throw badRequest("Use an API key");
      const body: unknown = request.body;
      const batch =
        isPlainObject(body) && Array.isArray(body.events) ? (body.events as unknown[]) : [body];
      const now = toIso(app.clock.now());
      const accepted: NewTrackEvent[] = [];
      const errors: string[] = [];
      batch.forEach((input, index) => {
        if (index >= TRACK_BATCH_MAX) {
          errors.push(`at most ${TRACK_BATCH_MAX} events per request`);
          return;
        }
        const parsed = parseEvent(input, now);
        if (parsed.ok) accepted.push(parsed.event);
        else errors.push(batch.length > 1 ? `events[${index}]: ${parsed.error}` : parsed.error);
      });
      let stored = 0;
      if (accepted.length > 0) {
        const result = await app.repos.trackEvents.insertMany(
          principal.projectId,
          { id: principal.keyId, livemode: principal.livemode },
          accepted,
          now,
          app.config.trackQuotaBytes,
        );
        stored = result.stored;
        if (result.overQuota) {
          errors.unshift(
            "the project's storage quota for tracked events is full; nothing was stored",
          );
        }
      }
      reply.header("x-windback-track-accepted", stored);
      reply.header("x-windback-track-rejected", batch.length - stored);
      if (errors[0]) reply.header("x-windback-track-error", errors[0]);
      return { status: "ok" as const };
    },
  );
};
