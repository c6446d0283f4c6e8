import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * The SSRF guard of docs/design.md §9. A webhook URL is the merchant's input, and the API runs
 * inside someone's network: the address a delivery connects to is checked at connect time, on
 * every attempt (the `lookup` of the request), so a DNS answer that changes after the URL was
 * saved cannot reach an internal service.
 */

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "multicast"
  | "unspecified"
  | "reserved"
  | "metadata";

/** Cloud metadata services: never a webhook target, whatever the configuration. */
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254"]);

function blockList(entries: [string, number, "ipv4" | "ipv6"][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}

const RANGES: [Exclude<AddressClass, "public" | "metadata">, BlockList][] = [
  [
    "unspecified",
    blockList([
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ]),
  ],
  [
    "loopback",
    blockList([
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ]),
  ],
  [
    "private",
    blockList([
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["fc00::", 7, "ipv6"],
    ]),
  ],
  [
    "link_local",
    blockList([
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ]),
  ],
  ["cgnat", blockList([["100.64.0.0", 10, "ipv4"]])],
  [
    "multicast",
    blockList([
      ["224.0.0.0", 4, "ipv4"],
      ["ff00::", 8, "ipv6"],
    ]),
  ],
  [
    "reserved",
    blockList([
      ["240.0.0.0", 4, "ipv4"],
      ["192.0.0.0", 24, "ipv4"],
      ["198.18.0.0", 15, "ipv4"],
      ["100::", 64, "ipv6"],
      ["2001:db8::", 32, "ipv6"],
    ]),
  ],
];

/** An IPv4 address hidden in an IPv6 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96), or null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1] as string;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** What kind of address this is (an IP literal, v4 or v6). */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  if (v4 !== null && v4 !== address) return classifyAddress(v4);
  const normalised = address.toLowerCase();
  if (METADATA.has(normalised) || normalised === "fd00:ec2:0:0:0:0:0:254") return "metadata";
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [kind, list] of RANGES) if (list.check(address, type)) return kind;
  return "public";
}

/** Why an address may not be connected to, or null when it may. */
export function refusalOf(address: string, allowPrivate: boolean): string | null {
  const kind = classifyAddress(address);
  if (kind === "public") return null;
  if (allowPrivate && (kind === "loopback" || kind === "private")) return null;
  return `${address} is a ${kind.replace("_", "-")} address; webhooks are not sent there`;
}

class RefusedAddressError extends Error {
  readonly code = "WEBHOOK_ADDRESS_REFUSED";
}

/**
 * A `lookup` for http(s).request: resolves the name, and refuses the connection when any address
 * it resolves to is refused, so the address checked is the address connected to.
 */
export function guardedLookup(allowPrivate: boolean, resolve = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as LookupAddress[];
      for (const entry of list) {
        const refusal = refusalOf(entry.address, allowPrivate);
        if (refusal) return callback(new RefusedAddressError(`${hostname}: ${refusal}`), "", 0);
      }
      if (list.length === 0) {
        return callback(new Error(`${hostname} has no address`), "", 0);
      }
      if ((options as { all?: boolean }).all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      }
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** The host of a URL as an IP literal (brackets of IPv6 removed), or null for a name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) === 0 ? null : host;
}

/**
 * Why a webhook URL cannot be saved, or null: not http(s) (http only outside production), with
 * userinfo, or naming a refused address literally. Names are checked again on every attempt.
 */
export function urlProblem(
  raw: string,
  rules: { allowHttp: boolean; allowPrivate: boolean },
): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "body/url must be an absolute URL";
  }
  if (url.protocol !== "https:" && !(rules.allowHttp && url.protocol === "http:")) {
    return rules.allowHttp ? "body/url must be http: or https:" : "body/url must be https:";
  }
  if (url.username !== "" || url.password !== "") {
    return "body/url must not carry a user name or password";
  }
  const literal = literalAddress(url);
  if (literal !== null) {
    const refusal = refusalOf(literal, rules.allowPrivate);
    if (refusal) return `body/url: ${refusal}`;
  }
  if (url.hostname === "localhost" || url.hostname.endsWith(".localhost")) {
    if (!rules.allowPrivate)
      return "body/url: localhost is a loopback name; webhooks are not sent there";
  }
  return null;
}
