import { badRequest } from "./errors.js";

/** Emails are compared trimmed and lower-cased everywhere (docs/design.md §2.1). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * The WHATWG form rule (what a browser's `type=email` input accepts) plus a dot in the domain:
 * no spaces, control characters, quotes or markup, so an email is safe to show and to log.
 * Deliverability is not our check.
 */
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** Normalises an email from a request body, or throws a 400 naming the field. */
export function requireEmail(value: string, field: string): string {
  const email = normalizeEmail(value);
  if (!isEmail(email)) throw badRequest(`${field} must be an email address, e.g. jane@example.com`);
  return email;
}
