import { badRequest } from "./errors.js";

/** Emails are compared trimmed and lower-cased everywhere (docs/design.md §2.1). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is not our check. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254;
}

/** Normalises an email from a request body, or throws a 400 naming the field. */
export function requireEmail(value: string, field: string): string {
  const email = normalizeEmail(value);
  if (!isEmail(email)) throw badRequest(`${field} must be an email address, e.g. jane@example.com`);
  return email;
}
