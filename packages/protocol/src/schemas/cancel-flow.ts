import { type Static, Type } from "@sinclair/typebox";
import { TRACK_BATCH_MAX } from "../limits.js";
import { CustomerFieldSchemas, OptionalCustomerFields, ReasonText } from "./churn-events.js";
import { refTo } from "./common.js";
import { OfferTypeInput, PublicOffer, ReasonInput } from "./offers.js";

const EventId = Type.String({ format: "uuid", description: "The event_id returned by submit" });

/**
 * A customer token minted by the merchant's server (docs/design.md §11): when valid, its claims
 * replace the body's customer fields; required when the project's customer_verification is.
 */
export const CustomerToken = Type.String({ minLength: 1, maxLength: 4096 });
const NullableOffer = Type.Union([refTo(PublicOffer), Type.Null()]);

export const CancelFlowSubmitBody = Type.Object(
  {
    customer_email: CustomerFieldSchemas.customer_email,
    cancel_reason: ReasonInput,
    cancel_reason_text: Type.Optional(ReasonText),
    mrr_cents: Type.Optional(CustomerFieldSchemas.mrr),
    ...OptionalCustomerFields,
    customer_token: Type.Optional(CustomerToken),
  },
  { additionalProperties: false },
);
export type CancelFlowSubmitRequest = Static<typeof CancelFlowSubmitBody>;

export const CancelFlowSubmitResponse = Type.Object({
  success: Type.Literal(true),
  event_id: Type.String(),
  offer: NullableOffer,
});
export type CancelFlowSubmitResponse = Static<typeof CancelFlowSubmitResponse>;

export const CancelFlowOffersQuery = Type.Object({ reason: ReasonInput });
export const CancelFlowOffersResponse = Type.Object({ offer: NullableOffer });
export type CancelFlowOffersResponse = Static<typeof CancelFlowOffersResponse>;

export const CancelFlowAcceptBody = Type.Object(
  {
    customer_email: CustomerFieldSchemas.customer_email,
    cancel_reason: ReasonInput,
    offer_type: OfferTypeInput,
    event_id: Type.Optional(EventId),
    customer_token: Type.Optional(CustomerToken),
  },
  { additionalProperties: false },
);
export type CancelFlowAcceptRequest = Static<typeof CancelFlowAcceptBody>;

export const CancelFlowAcceptResponse = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  event_id: Type.String(),
});
export type CancelFlowAcceptResponse = Static<typeof CancelFlowAcceptResponse>;

export const CancelFlowDeclineBody = Type.Object(
  { event_id: EventId, customer_token: Type.Optional(CustomerToken) },
  { additionalProperties: false },
);
export type CancelFlowDeclineRequest = Static<typeof CancelFlowDeclineBody>;

export const CancelFlowDeclineResponse = Type.Object({ success: Type.Literal(true) });
export type CancelFlowDeclineResponse = Static<typeof CancelFlowDeclineResponse>;

/**
 * One product event for `POST /track`. The route checks each event of a batch on its own (an
 * invalid one is skipped, never fatal), so it validates with these limits in code.
 */
export const TrackEvent = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 200 }),
  customer_email: Type.Optional(Type.String({ maxLength: 254 })),
  customer_id: Type.Optional(Type.String({ maxLength: 200 })),
  properties: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: "A JSON object of at most 8 KB and 32 levels",
    }),
  ),
  occurred_at: Type.Optional(Type.String({ format: "date-time" })),
});
export type TrackEvent = Static<typeof TrackEvent>;
export const TrackRequest = Type.Union([
  TrackEvent,
  Type.Object({ events: Type.Array(TrackEvent, { maxItems: TRACK_BATCH_MAX }) }),
]);
export type TrackRequest = Static<typeof TrackRequest>;

export const TrackResponse = Type.Object({ status: Type.Literal("ok") });
