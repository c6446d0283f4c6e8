import { readFileSync } from "node:fs";
import type * as Protocol from "@windback/protocol";
import { describe, expect, expectTypeOf, test } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { generate, OUTPUT } from "../scripts/protocol-types.mjs";
import type * as Sdk from "../src/index.js";

describe("the SDK's wire types are the protocol's", () => {
  test("src/protocol-types.ts is what the generator prints from packages/protocol now", () => {
    const fresh = (generate as () => string)();
    expect(readFileSync(OUTPUT as string, "utf8")).toBe(fresh);
  }, 60_000);

  test("each printed type is the protocol's Static<> type", () => {
    expectTypeOf<Sdk.ChurnEvent>().toEqualTypeOf<Protocol.ChurnEvent>();
    expectTypeOf<Sdk.CreateChurnEventBody>().toEqualTypeOf<Protocol.CreateChurnEventBody>();
    expectTypeOf<Sdk.ChurnEventsFilter>().toEqualTypeOf<Protocol.ChurnEventsFilter>();
    expectTypeOf<Sdk.ChurnEventsQuery>().toEqualTypeOf<Protocol.ChurnEventsQuery>();
    expectTypeOf<Sdk.RetentionOffer>().toEqualTypeOf<Protocol.RetentionOffer>();
    expectTypeOf<Sdk.OfferBody>().toEqualTypeOf<Protocol.OfferBody>();
    expectTypeOf<Sdk.PublicOffer>().toEqualTypeOf<Protocol.PublicOffer>();
    expectTypeOf<Sdk.ChurnStats>().toEqualTypeOf<Protocol.ChurnStats>();
    expectTypeOf<Sdk.StatsQuery>().toEqualTypeOf<Protocol.StatsQuery>();
    expectTypeOf<Sdk.TimeseriesQuery>().toEqualTypeOf<Protocol.TimeseriesQuery>();
    expectTypeOf<Sdk.StatsTimeseries>().toEqualTypeOf<Protocol.StatsTimeseries>();
    expectTypeOf<Sdk.Project>().toEqualTypeOf<Protocol.Project>();
    expectTypeOf<Sdk.UpdateProjectBody>().toEqualTypeOf<Protocol.UpdateProjectBody>();
    expectTypeOf<Sdk.AllowedOrigins>().toEqualTypeOf<Protocol.AllowedOrigins>();
    expectTypeOf<Sdk.TrackRequest>().toEqualTypeOf<Protocol.TrackRequest>();
    expectTypeOf<Sdk.CancelFlowSubmitRequest>().toEqualTypeOf<Protocol.CancelFlowSubmitRequest>();
    expectTypeOf<Sdk.CancelFlowSubmitResponse>().toEqualTypeOf<Protocol.CancelFlowSubmitResponse>();
    expectTypeOf<Sdk.CancelFlowAcceptRequest>().toEqualTypeOf<Protocol.CancelFlowAcceptRequest>();
    expectTypeOf<Sdk.CancelFlowDeclineRequest>().toEqualTypeOf<Protocol.CancelFlowDeclineRequest>();
    expectTypeOf<Sdk.ErrorResponse>().toEqualTypeOf<Protocol.ErrorResponse>();
    expectTypeOf<Sdk.ErrorCode>().toEqualTypeOf<Protocol.ErrorCode>();
    expectTypeOf<Sdk.CancelReason>().toEqualTypeOf<Protocol.CancelReason>();
    expectTypeOf<Sdk.ChurnStatus>().toEqualTypeOf<Protocol.ChurnStatus>();
    expectTypeOf<Sdk.WebhookEndpoint>().toEqualTypeOf<Protocol.WebhookEndpoint>();
    expectTypeOf<Sdk.CreatedWebhookEndpoint>().toEqualTypeOf<Protocol.CreatedWebhookEndpoint>();
    expectTypeOf<Sdk.CreateWebhookEndpointBody>().toEqualTypeOf<Protocol.CreateWebhookEndpointBody>();
    expectTypeOf<Sdk.UpdateWebhookEndpointBody>().toEqualTypeOf<Protocol.UpdateWebhookEndpointBody>();
    expectTypeOf<Sdk.WebhookDelivery>().toEqualTypeOf<Protocol.WebhookDelivery>();
    expectTypeOf<Sdk.StripeIntegration>().toEqualTypeOf<Protocol.StripeIntegration>();
    expectTypeOf<Sdk.WebhookEventType>().toEqualTypeOf<Protocol.WebhookEventType>();
    // A drifted type fails too (this is what the checks above would report).
    expectTypeOf<Sdk.ChurnStatus | "cancelled">().not.toEqualTypeOf<Protocol.ChurnStatus>();
  });
});
