/**
 * The TypeBox schemas of every request and response of the Windback API (`@windback/protocol/schemas`).
 * The API validates, serialises and documents (OpenAPI) with these; the types exported by
 * `@windback/protocol` are `Static<>` of them. Browser bundles import the types only.
 */
export * from "./accounts.js";
export * from "./cancel-flow.js";
export * from "./churn-events.js";
export * from "./common.js";
export * from "./offers.js";
export * from "./projects.js";
export * from "./stats.js";
export * from "./webhooks.js";

import { User } from "./accounts.js";
import { ChurnEvent } from "./churn-events.js";
import { ErrorResponse } from "./common.js";
import { PublicOffer, RetentionOffer } from "./offers.js";
import {
  ApiKey,
  CreatedApiKey,
  CreatedCustomerTokenSecret,
  CustomerTokenSecret,
  Project,
} from "./projects.js";
import { ChurnStats, StatsTimeseries } from "./stats.js";
import {
  CreatedWebhookEndpoint,
  StripeIntegration,
  WebhookDelivery,
  WebhookEndpoint,
} from "./webhooks.js";

/** The named models (`$id`) the schemas refer to with refTo(): register each once (addSchema). */
export const SHARED_SCHEMAS = [
  ErrorResponse,
  User,
  Project,
  ApiKey,
  CreatedApiKey,
  PublicOffer,
  RetentionOffer,
  ChurnEvent,
  ChurnStats,
  StatsTimeseries,
  CustomerTokenSecret,
  CreatedCustomerTokenSecret,
  WebhookEndpoint,
  CreatedWebhookEndpoint,
  WebhookDelivery,
  StripeIntegration,
] as const;
