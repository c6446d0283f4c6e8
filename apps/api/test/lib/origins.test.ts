import { describe, expect, test } from "vitest";
import { normalizeOrigins } from "../../src/lib/origins.js";

const refused = (input: string) => {
  try {
    normalizeOrigins([input]);
  } catch (error) {
    return (error as { statusCode: number; message: string }).message;
  }
  throw new Error(`${input} was accepted`);
};

describe("allowed origins", () => {
  test("are normalised to the origin a browser sends and de-duplicated in order", () => {
    expect(
      normalizeOrigins([
        "  https://App.Example.com/ ",
        "http://localhost:5173",
        "http://127.0.0.1:8080",
        "https://app.example.com",
        "https://other.example.com:443",
      ]),
    ).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
      "http://127.0.0.1:8080",
      "https://other.example.com",
    ]);
  });

  test.each([
    ["", "an origin must be a scheme and host, e.g. https://app.example.com"],
    ["   ", "an origin must be a scheme and host, e.g. https://app.example.com"],
    ["null", "an origin must be a scheme and host, e.g. https://app.example.com"],
    [" NULL ", "an origin must be a scheme and host, e.g. https://app.example.com"],
    ["https://*.example.com", "wildcards are not supported; an empty list allows any origin"],
    ["app.example.com", "not a URL; use the form https://app.example.com"],
    ["ftp://app.example.com", "only http and https origins are allowed"],
    ["http://app.example.com", "plain http is only allowed for localhost and 127.0.0.1; use https"],
    ["https://ada@app.example.com", "an origin cannot contain a user name or password"],
    ["https://:secret@app.example.com", "an origin cannot contain a user name or password"],
    ["https://app.example.com/path", "an origin has no path, query or fragment"],
    ["https://app.example.com?x=1", "an origin has no path, query or fragment"],
    ["https://app.example.com#top", "an origin has no path, query or fragment"],
    ["https://app.example.com/?", "an origin has no path, query or fragment"],
    ["https://app.example.com/#", "an origin has no path, query or fragment"],
  ])("%j is refused", (input, why) => {
    expect(refused(input)).toBe(`Invalid allowed origin "${input}": ${why}`);
  });
});
