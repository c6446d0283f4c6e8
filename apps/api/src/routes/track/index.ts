import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "@sinclair/typebox";
import { toIso } from "../../lib/clock.js";
import { normalizeEmail } from "../../lib/email.js";
import { badRequest } from "../../lib/errors.js";
import { principalOf } from "../../plugins/auth.js";
import type { NewTrackEvent } from "../../repositories/types.js";
import { authErrors, ErrorResponse } from "../../schemas/common.js";

/** The most events one request may carry. */
export const TRACK_BATCH_MAX = 100;

const eventFields = {
  customer_email: Type.Optional(Type.String({ maxLength: 254 })),
  customer_id: Type.Optional(Type.String({ maxLength: 200 })),
  properties: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: "Any JSON object" }),
  ),
  occurred_at: Type.Optional(
    Type.String({ format: "date-time", description: "RFC 3339; defaults to now" }),
  ),
};
const EventName = Type.String({ minLength: 1, maxLength: 200 });
const TrackEvent = Type.Object(
  { event: EventName, ...eventFields },
  { additionalProperties: false },
);

/**
 * One schema for both shapes (a single event or `{events:[…]}`): an anyOf with
 * `removeAdditional` would strip one shape's fields while trying the other.
 */
const TrackBody = Type.Object(
  {
    event: Type.Optional(EventName),
    ...eventFields,
    events: Type.Optional(Type.Array(TrackEvent, { minItems: 1, maxItems: TRACK_BATCH_MAX })),
  },
  { additionalProperties: false },
);

type TrackEventInput = Static<typeof TrackEvent>;

function toNewEvent(input: TrackEventInput, now: string): NewTrackEvent {
  const email = input.customer_email?.trim();
  const customerId = input.customer_id?.trim();
  return {
    customerEmail: email ? normalizeEmail(email) : null,
    customerId: customerId ? customerId : null,
    event: input.event,
    properties: input.properties === undefined ? null : JSON.stringify(input.properties),
    // Stored as UTC like every other timestamp.
    occurredAt: input.occurred_at ? new Date(input.occurred_at).toISOString() : now,
  };
}

/** `POST /track`: product events from the widget or a merchant's server, stored per project. */
export const trackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/track",
    {
      // Origin-guarded like the cancel flow, but outside its per-key budget (per-IP limit only).
      config: { auth: ["public", "secret"], cancelFlow: { keyLimit: false } },
      schema: {
        tags: ["cancel flow"],
        summary: `Record one event, or {events:[…]} with at most ${TRACK_BATCH_MAX}`,
        body: TrackBody,
        response: {
          200: Type.Object({ status: Type.Literal("ok") }),
          ...authErrors,
          415: ErrorResponse,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.kind !== "key") throw badRequest("Use an API key");
      const { events, ...single } = request.body;
      if (events !== undefined && single.event !== undefined) {
        throw badRequest("Send either one event (body/event) or body/events, not both");
      }
      let inputs: TrackEventInput[];
      if (events !== undefined) {
        inputs = events;
      } else {
        const { event, ...rest } = single;
        if (event === undefined) throw badRequest("body/event is required (or body/events)");
        inputs = [{ event, ...rest }];
      }
      const now = toIso(app.clock.now());
      await app.repos.trackEvents.insertMany(
        principal.projectId,
        principal.keyId,
        inputs.map((input) => toNewEvent(input, now)),
        now,
      );
      return { status: "ok" as const };
    },
  );
};
