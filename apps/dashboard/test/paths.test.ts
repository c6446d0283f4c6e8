import { describe, expect, it } from "vitest";
import { loginNotice, loginUrl, paths, safeNext } from "../src/lib/paths";

describe("where to go after logging in", () => {
  it("any path inside the app, query included", () => {
    expect(safeNext("/dashboard/projects/acme/events?status=lost")).toBe(
      "/dashboard/projects/acme/events?status=lost",
    );
  });

  it("never another site, and never back to log in or sign up", () => {
    for (const next of [
      "https://evil.example/dashboard/",
      "//evil.example/dashboard/",
      "/\\evil.example",
      "/dashboard\\..\\evil",
      "javascript:alert(1)",
      "/api/v1/projects",
      "/dashboard/login",
      "/dashboard/login?next=/dashboard/x",
      "/dashboard/signup",
      "",
      null,
      undefined,
    ]) {
      expect(safeNext(next)).toBe(paths.home);
    }
  });

  it("the login URL keeps where the user was going and why they are here", () => {
    expect(loginUrl("/dashboard/projects/acme/offers", "session-expired")).toBe(
      "/dashboard/login?next=%2Fdashboard%2Fprojects%2Facme%2Foffers&notice=session-expired",
    );
    expect(loginUrl(undefined, "logged-out")).toBe("/dashboard/login?notice=logged-out");
    expect(loginUrl("//evil.example")).toBe("/dashboard/login");
  });

  it("only known notices are shown", () => {
    expect(loginNotice("password-changed")).toMatch(/password was changed/);
    expect(loginNotice("<b>hi</b>")).toBeNull();
    expect(loginNotice("constructor")).toBeNull();
    expect(loginNotice(undefined)).toBeNull();
  });

  it("project paths encode the slug", () => {
    expect(paths.project("a b", "keys")).toBe("/dashboard/projects/a%20b/keys");
    expect(paths.event("acme", "e/1")).toBe("/dashboard/projects/acme/events/e%2F1");
  });
});
