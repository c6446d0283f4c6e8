/**
 * Who a browser-facing request comes from, beyond its key: the client whose budget it spends and
 * whose cancel flow it may continue (docs/design.md §2.6). Without a verified customer, an email
 * is only a claim, so the client is the request's address (IPv6 by /64, as one host has many).
 * A secret key vouches for the customer it names, so a server's calls are per customer.
 */
import { createHmac } from "node:crypto";
import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import type { Principal } from "./principal.js";

export interface FlowClient {
  /** `customer:<email>` or `address:<ip or /64>`: what budgets are keyed by. */
  identity: string;
  /** True when a secret key (later a customer token) vouches for the customer and their MRR. */
  verified: boolean;
}

/** The customer email a request's JSON body names, if any. */
function bodyEmail(request: FastifyRequest): string | null {
  const email = (request.body as { customer_email?: unknown } | null | undefined)?.customer_email;
  return typeof email === "string" && email.trim() !== "" ? email.trim().toLowerCase() : null;
}

export function flowClientOf(request: FastifyRequest, principal: Principal): FlowClient {
  // A customer token vouches for its customer: their budget, wherever they connect from.
  if (request.customer) return { identity: `customer:${request.customer.email}`, verified: true };
  const email =
    principal.kind === "key" && principal.keyType === "secret" ? bodyEmail(request) : null;
  if (email) return { identity: `customer:${email}`, verified: true };
  return {
    identity: `address:${normalizeIP(request.ip, 64)}`,
    verified: principal.kind === "key" && principal.keyType === "secret",
  };
}

/**
 * What is stored on an event to recognise its client later: a keyed hash, so the table holds
 * neither addresses nor a way to enumerate them.
 */
export function createClientHasher(secret: Uint8Array): (identity: string) => string {
  const key = createHmac("sha256", secret).update("windback:client-key").digest();
  return (identity) => createHmac("sha256", key).update(identity).digest("hex").slice(0, 32);
}
