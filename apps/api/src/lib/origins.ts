import { badRequest } from "./errors.js";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

/**
 * Normalises one allowed-origin entry to `new URL(x).origin` and rejects what cannot be an
 * origin a browser sends: `null`, paths, queries, userinfo, non-http(s) schemes, and plain http
 * outside localhost.
 */
function normalizeOrigin(input: string): string {
  const value = input.trim();
  const fail = (why: string) => badRequest(`Invalid allowed origin "${input}": ${why}`);
  if (value === "" || value.toLowerCase() === "null")
    throw fail("an origin must be a scheme and host, e.g. https://app.example.com");
  if (value.includes("*"))
    throw fail("wildcards are not supported; an empty list allows any origin");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail("not a URL; use the form https://app.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw fail("only http and https origins are allowed");
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw fail("plain http is only allowed for localhost and 127.0.0.1; use https");
  }
  if (url.username !== "" || url.password !== "")
    throw fail("an origin cannot contain a user name or password");
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || /[?#]/.test(value)) {
    throw fail("an origin has no path, query or fragment");
  }
  return url.origin;
}

/** Normalises and de-duplicates a list, keeping the caller's order. */
export function normalizeOrigins(inputs: readonly string[]): string[] {
  return [...new Set(inputs.map(normalizeOrigin))];
}
