import { describe, expect, it } from "vitest";
import { modeFromQuery, modeQuery, urlWithMode } from "../src/lib/mode";

describe("live/test mode", () => {
  it("reads only the exact value test; anything else is live", () => {
    expect(modeFromQuery({ mode: "test" })).toBe("test");
    expect(modeFromQuery(new URLSearchParams("mode=test"))).toBe("test");
    expect(modeFromQuery({ mode: "live" })).toBe("live");
    for (const raw of [undefined, "", "Test", "prod", "test "]) {
      expect(modeFromQuery({ mode: raw })).toBe("live");
    }
  });

  it("asks the API for test data only in test mode", () => {
    expect(modeQuery("test")).toEqual({ mode: "test" });
    expect(modeQuery("live")).toEqual({});
  });

  it("switches the URL's mode, keeps the other parameters and drops the page offset", () => {
    const path = "/dashboard/projects/acme/events";
    expect(urlWithMode(path, "status=lost&offset=40", "test")).toBe(
      `${path}?status=lost&mode=test`,
    );
    expect(urlWithMode(path, "?status=lost&mode=test", "live")).toBe(`${path}?status=lost`);
    expect(urlWithMode(path, "mode=test", "live")).toBe(path);
    expect(urlWithMode(path, "", "live")).toBe(path);
  });
});
