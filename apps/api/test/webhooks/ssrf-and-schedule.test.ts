import type { LookupAddress } from "node:dns";
import { describe, expect, test } from "vitest";
import { parseRetryAfter } from "../../src/webhooks/deliver.js";
import { classifyAddress, guardedLookup, refusalOf, urlProblem } from "../../src/webhooks/ssrf.js";
import { nextDelayMs } from "../../src/webhooks/worker.js";

describe("the SSRF table (docs/design.md §9)", () => {
  test.each([
    ["93.184.216.34", "public", true, true],
    ["2606:4700::1111", "public", true, true],
    ["127.0.0.1", "loopback", false, true],
    ["127.255.0.9", "loopback", false, true],
    ["::1", "loopback", false, true],
    ["10.0.0.5", "private", false, true],
    ["172.16.3.4", "private", false, true],
    ["172.32.0.1", "public", true, true],
    ["192.168.1.1", "private", false, true],
    ["fd12:3456::1", "private", false, true],
    ["169.254.169.254", "metadata", false, false],
    ["fd00:ec2::254", "metadata", false, false],
    ["169.254.1.1", "link_local", false, false],
    ["fe80::1", "link_local", false, false],
    ["100.64.0.1", "cgnat", false, false],
    ["100.100.100.200", "cgnat", false, false],
    ["224.0.0.1", "multicast", false, false],
    ["ff02::1", "multicast", false, false],
    ["0.0.0.0", "unspecified", false, false],
    ["::", "unspecified", false, false],
    ["::ffff:127.0.0.1", "loopback", false, true],
    ["::ffff:a9fe:a9fe", "metadata", false, false],
    ["64:ff9b::a9fe:a9fe", "metadata", false, false],
    ["255.255.255.255", "reserved", false, false],
  ])(
    "%s is %s (allowed: %s, with private targets allowed: %s)",
    (address, kind, strict, relaxed) => {
      expect(classifyAddress(address)).toBe(kind);
      expect(refusalOf(address, false) === null).toBe(strict);
      expect(refusalOf(address, true) === null).toBe(relaxed);
    },
  );

  /** A resolver answering `addresses` for every name: what DNS says at connect time. */
  const resolver =
    (addresses: string[]) =>
    (
      _host: string,
      _options: object,
      callback: (error: Error | null, addresses: LookupAddress[]) => void,
    ) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
      );

  const resolve = (addresses: string[], allowPrivate: boolean, all = false) =>
    new Promise<{ error: Error | null; address: unknown }>((done) =>
      guardedLookup(allowPrivate, resolver(addresses) as never)(
        "hooks.example.com",
        { all },
        (error, address) => done({ error, address }),
      ),
    );

  test.each([
    [["93.184.216.34"], false, null],
    [["127.0.0.1"], false, /loopback/],
    [["127.0.0.1"], true, null],
    [["169.254.169.254"], true, /metadata/],
    [["fd00:ec2::254"], true, /metadata/],
    [["10.0.0.1"], false, /private/],
    // One refused answer among good ones refuses the name: the connection could pick either.
    [["93.184.216.34", "169.254.169.254"], true, /metadata/],
  ])(
    "a name resolving to %j (private allowed: %s) → %s",
    async (addresses, allowPrivate, error) => {
      const result = await resolve(addresses, allowPrivate);
      if (error === null) {
        expect(result.error).toBeNull();
        expect(result.address).toBe(addresses[0]);
      } else {
        expect(result.error?.message).toMatch(error);
      }
    },
  );

  test("all: true (happy eyeballs) gets every checked address", async () => {
    const result = await resolve(["93.184.216.34", "2606:4700::1111"], false, true);
    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1111", family: 6 },
    ]);
  });

  test.each([
    ["https://hooks.example.com/in", false, null],
    ["http://hooks.example.com/in", false, /must be https/],
    ["http://hooks.example.com/in", true, null],
    ["https://user@hooks.example.com/", true, /user name or password/],
    ["javascript:alert(1)", true, /http: or https:/],
    ["https://[::ffff:169.254.169.254]/", true, /metadata/],
    ["https://localhost:8443/", true, /localhost/],
  ])("saving %s (http allowed: %s) → %s", (url, allowHttp, problem) => {
    const result = urlProblem(url, { allowHttp, allowPrivate: false });
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });
});

describe("the retry schedule", () => {
  const schedule = [0, 1_000, 10_000];
  test("the delay before attempt n + 1 is schedule[n], ±20 %", () => {
    expect(nextDelayMs(schedule, 1, () => 0.5, null)).toBe(1_000);
    expect(nextDelayMs(schedule, 1, () => 0, null)).toBe(800);
    expect(nextDelayMs(schedule, 1, () => 1, null)).toBe(1_200);
    expect(nextDelayMs(schedule, 2, () => 0.5, null)).toBe(10_000);
    // After the last attempt there is none.
    expect(nextDelayMs(schedule, 3, () => 0.5, null)).toBeNull();
  });

  test("a Retry-After is honoured up to the next delay", () => {
    expect(nextDelayMs(schedule, 1, () => 0.5, 5_000)).toBe(5_000);
    expect(nextDelayMs(schedule, 1, () => 0.5, 60_000)).toBe(10_000);
    // Never sooner than planned.
    expect(nextDelayMs(schedule, 1, () => 0.5, 0)).toBe(1_000);
  });

  test("Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
