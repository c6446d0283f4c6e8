import { afterEach, describe, expect, it } from "vitest";
import {
  button,
  byLabel,
  heading,
  liveRegion,
  mount,
  PROJECT,
  signedIn,
  type,
  USER,
  unmount,
} from "./app-helpers";
import { settle, waitFor } from "./helpers";

afterEach(unmount);

describe("session", () => {
  it("a deep link without a session goes to log in, then back to the link", async () => {
    const api = mount("/dashboard/projects/acme/offers?x=1", {
      "GET /api/v1/auth/me": {
        status: 401,
        body: { error: "No session", code: "UNAUTHENTICATED" },
      },
      "POST /api/v1/auth/session": { status: 200, body: { data: { user: USER } } },
      "GET /api/v1/projects": {
        status: 200,
        body: { data: [PROJECT], total: 1, limit: 100, offset: 0 },
      },
      "GET /api/v1/projects/acme/retention-offers": {
        status: 200,
        body: { data: [], total: 0, limit: 100, offset: 0 },
      },
    });
    await waitFor(() => expect(heading()).toBe("Log in to Windback"));
    expect(location.pathname).toBe("/dashboard/login");
    expect(new URLSearchParams(location.search).get("next")).toBe(
      "/dashboard/projects/acme/offers?x=1",
    );

    type(byLabel("Email"), " ada@example.com ");
    type(byLabel("Password"), "correct horse");
    await settle();
    button("Log in").click();

    await waitFor(() => expect(heading()).toBe("Offers"));
    expect(location.pathname + location.search).toBe("/dashboard/projects/acme/offers?x=1");
    const login = api.seen.find((r) => r.path === "/api/v1/auth/session");
    expect(login?.body).toEqual({ email: "ada@example.com", password: "correct horse" });
    expect(login?.credentials).toBe("same-origin");
  });

  it("wrong credentials are said next to the form, and nothing else happens", async () => {
    mount("/dashboard/login", {
      "GET /api/v1/auth/me": {
        status: 401,
        body: { error: "No session", code: "UNAUTHENTICATED" },
      },
      "POST /api/v1/auth/session": {
        status: 401,
        body: { error: "Invalid email or password", code: "INVALID_CREDENTIALS" },
      },
    });
    await waitFor(() => expect(heading()).toBe("Log in to Windback"));
    type(byLabel("Email"), "ada@example.com");
    type(byLabel("Password"), "wrong");
    await settle();
    button("Log in").click();
    const alert = await waitFor(() => {
      const found = document.querySelector("[role='alert']");
      if (!found) throw new Error("no alert yet");
      return found;
    });
    expect(alert.textContent).toBe("The email or password is not right.");
    expect(location.pathname).toBe("/dashboard/login");
  });

  it("a 401 in the middle of work ends the session and keeps the wanted URL", async () => {
    mount(
      "/dashboard/projects/acme/keys",
      signedIn({
        "GET /api/v1/projects/acme/api-keys": {
          status: 401,
          body: { error: "Session expired", code: "UNAUTHENTICATED" },
        },
      }),
    );
    await waitFor(() => expect(heading()).toBe("Log in to Windback"));
    const params = new URLSearchParams(location.search);
    expect(params.get("next")).toBe("/dashboard/projects/acme/keys");
    expect(params.get("notice")).toBe("session-expired");
    expect(document.querySelector(".notice")?.textContent).toMatch(/session has ended/);
  });

  it("a server that cannot be reached is said as such, not shown as logged out", async () => {
    mount("/dashboard/", { "GET /api/v1/auth/me": new TypeError("Failed to fetch") });
    await waitFor(() => expect(heading()).toBe("Windback is unreachable"));
    expect(document.querySelector("[role='alert']")?.textContent).toMatch(
      /Could not reach the Windback server/,
    );
    expect(location.pathname).toBe("/dashboard/");
  });

  it("logging out ends the session on the server and says so", async () => {
    const api = mount(
      "/dashboard/account",
      signedIn({ "DELETE /api/v1/auth/session": { status: 204 } }),
    );
    await waitFor(() => expect(heading()).toBe("Account"));
    button("Log out").click();
    await waitFor(() => expect(heading()).toBe("Log in to Windback"));
    expect(api.seen.find((r) => r.method === "DELETE")?.body).toEqual({});
    expect(document.querySelector(".notice")?.textContent).toBe("You are logged out.");
  });

  it("changing the password sends both, then goes to log in with the reason", async () => {
    const api = mount(
      "/dashboard/account",
      signedIn({ "POST /api/v1/auth/change-password": { status: 200, body: { data: {} } } }),
    );
    await waitFor(() => expect(heading()).toBe("Account"));
    type(byLabel("Current password"), "old password");
    type(byLabel("New password"), "new password!");
    type(byLabel("New password again"), "new password!");
    await settle();
    button("Change password").click();
    await waitFor(() => expect(location.search).toBe("?notice=password-changed"));
    expect(api.seen.find((r) => r.path === "/api/v1/auth/change-password")?.body).toEqual({
      current_password: "old password",
      new_password: "new password!",
    });
    await waitFor(() =>
      expect(document.querySelector(".notice")?.textContent).toMatch(/password was changed/),
    );
  });

  it("a wrong current password is shown on that input", async () => {
    mount(
      "/dashboard/account",
      signedIn({
        "POST /api/v1/auth/change-password": {
          status: 400,
          body: { error: "current_password is not correct", code: "INVALID_CREDENTIALS" },
        },
      }),
    );
    await waitFor(() => expect(heading()).toBe("Account"));
    type(byLabel("Current password"), "not it");
    type(byLabel("New password"), "new password!");
    type(byLabel("New password again"), "new password!");
    await settle();
    button("Change password").click();
    const input = byLabel("Current password");
    await waitFor(() => expect(input.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "This is not your current password.",
    );
    await waitFor(() => expect(document.activeElement).toBe(input));
  });
});

describe("navigation", () => {
  it("/dashboard/ opens the project's analytics, and links move focus to the new heading", async () => {
    mount(
      "/dashboard/",
      signedIn({
        "GET /api/v1/projects/acme/stats": { status: 200, body: { data: emptyStats() } },
        "GET /api/v1/projects/acme/stats/timeseries": {
          status: 200,
          body: { data: { interval: "day", points: [] } },
        },
        "GET /api/v1/projects/acme/api-keys": {
          status: 200,
          body: { data: [], total: 0, limit: 100, offset: 0 },
        },
      }),
    );
    await waitFor(() => expect(heading()).toBe("Analytics"));
    expect(location.pathname).toBe("/dashboard/projects/acme/analytics");
    const current = document.querySelector("nav[aria-label='Project'] a[aria-current='page']");
    expect(current?.textContent).toBe("Analytics");

    (
      document.querySelector("nav[aria-label='Project'] a[href$='/keys']") as HTMLAnchorElement
    ).click();
    await waitFor(() => expect(heading()).toBe("API keys"));
    await waitFor(() => expect(document.activeElement).toBe(document.querySelector("main h1")));
    await waitFor(() => expect(document.title).toBe("API keys · Windback"));
  });

  it("the project switcher is a disclosure of links to the same screen in each project", async () => {
    const other = { ...PROJECT, id: "p2", name: "Beta", slug: "beta" };
    mount("/dashboard/projects/acme/origins", {
      ...signedIn(),
      "GET /api/v1/projects": {
        status: 200,
        body: { data: [PROJECT, other], total: 2, limit: 100, offset: 0 },
      },
      "GET /api/v1/projects/acme/allowed-origins": { status: 200, body: { allowed_origins: [] } },
      "GET /api/v1/projects/beta/allowed-origins": { status: 200, body: { allowed_origins: [] } },
    });
    await waitFor(() => expect(heading()).toBe("Allowed origins"));
    const toggle = button("Project: Acme ▾");
    const menu = document.getElementById(toggle.getAttribute("aria-controls") ?? "");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(menu?.hidden).toBe(true);

    toggle.click();
    await waitFor(() => expect(toggle.getAttribute("aria-expanded")).toBe("true"));
    expect(menu?.hidden).toBe(false);
    const links = [...(menu?.querySelectorAll("a") ?? [])].map((a) => [
      a.textContent,
      a.getAttribute("href"),
    ]);
    expect(links).toEqual([
      ["Acme", "/dashboard/projects/acme/origins"],
      ["Beta", "/dashboard/projects/beta/origins"],
      ["All projects…", "/dashboard/projects"],
    ]);
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await waitFor(() => expect(toggle.getAttribute("aria-expanded")).toBe("false"));
    expect(document.activeElement).toBe(toggle);

    toggle.click();
    await waitFor(() => expect(menu?.hidden).toBe(false));
    menu?.querySelector<HTMLAnchorElement>("a[href='/dashboard/projects/beta/origins']")?.click();
    await waitFor(() => expect(location.pathname).toBe("/dashboard/projects/beta/origins"));
    await waitFor(() => expect(menu?.hidden).toBe(true));
    await waitFor(() => expect(button("Project: Beta ▾")).toBeTruthy());
  });

  it("an unknown project says so", async () => {
    mount("/dashboard/projects/nope/offers", signedIn());
    await waitFor(() => expect(heading()).toBe("Project not found"));
  });

  it("the skip link targets the main landmark", async () => {
    mount("/dashboard/account", signedIn());
    await waitFor(() => expect(heading()).toBe("Account"));
    const skip = document.querySelector<HTMLAnchorElement>(".skip-link");
    expect(skip?.getAttribute("href")).toBe("#main");
    expect(document.querySelector("main#main")).not.toBeNull();
    expect(liveRegion()).toBe("");
  });
});

function emptyStats() {
  return {
    total_events: 0,
    new_events: 0,
    offer_accepted_events: 0,
    recovered_events: 0,
    lost_events: 0,
    total_mrr_at_risk: 0,
    recovered_mrr: 0,
    recovery_rate: 0,
    cancel_flow: {
      submissions: 0,
      offers_shown: 0,
      offers_accepted: 0,
      offers_declined: 0,
      save_rate: 0,
      saved_mrr: 0,
      by_reason: [],
    },
  };
}
