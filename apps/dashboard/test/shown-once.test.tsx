import { render } from "preact";
import { LocationProvider } from "preact-iso";
import { afterEach, describe, expect, it } from "vitest";
import { AppStateProvider } from "../src/app-state";
import { ShownOnce } from "../src/components/shown-once";
import { signedIn } from "./app-helpers";
import { fakeFetch, settle } from "./helpers";

const host = document.createElement("div");
document.body.append(host);
afterEach(() => render(null, host));

// The copy button announces through the app's state, so the component renders inside it.
const api = fakeFetch(signedIn());
const show = (value: string, context?: string | null) =>
  render(
    <LocationProvider>
      <AppStateProvider fetch={api.fetch}>
        <ShownOnce
          title="New secret"
          context={context}
          advice="Keep it on your server."
          value={value}
          what="the secret"
          valueMarker="data-secret"
          onDone={() => {}}
        />
      </AppStateProvider>
    </LocationProvider>,
    host,
  );

describe("a secret shown once", () => {
  it("takes focus, and takes it again when a new value replaces the one shown", async () => {
    const elsewhere = document.createElement("button");
    document.body.append(elsewhere);
    show("first");
    await settle();
    const section = host.querySelector("section");
    expect(document.activeElement).toBe(section);
    expect(section?.getAttribute("aria-labelledby")).toBe(host.querySelector("h2")?.id);
    expect(host.querySelector("[data-secret]")?.textContent).toBe("first");

    elsewhere.focus();
    show("first");
    await settle();
    expect(document.activeElement).toBe(elsewhere); // a re-render alone does not move focus

    show("second");
    await settle();
    expect(host.querySelector("[data-secret]")?.textContent).toBe("second");
    expect(document.activeElement).toBe(section);
    elsewhere.remove();
  });

  it("leaves out the context paragraph when there is none", async () => {
    show("value", null);
    await settle();
    expect(host.querySelectorAll("p")).toHaveLength(1); // only the warning
    show("value", "Created just now.");
    await settle();
    expect([...host.querySelectorAll("p")].map((p) => p.textContent)).toEqual([
      "Created just now.",
      "Copy it now: it will not be shown again. Keep it on your server.",
    ]);
  });
});
