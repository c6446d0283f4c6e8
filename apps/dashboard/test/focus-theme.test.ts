import { afterEach, describe, expect, it } from "vitest";
import { focusableWithin, focusFirstInvalid, focusHeading, trapTab } from "../src/lib/focus";
import { applyTheme, effectiveTheme, loadTheme, saveTheme } from "../src/lib/theme";

afterEach(() => {
  document.body.innerHTML = "";
});

function dialog() {
  document.body.innerHTML = `
    <button id="outside">outside</button>
    <div id="d">
      <input id="first" />
      <button id="disabled" disabled>no</button>
      <a id="link" href="#x">link</a>
      <button id="last">last</button>
    </div>`;
  return document.getElementById("d") as HTMLElement;
}

const tab = (shiftKey = false) =>
  new KeyboardEvent("keydown", { key: "Tab", shiftKey, cancelable: true });

describe("focus trap", () => {
  it("lists what Tab reaches, disabled controls left out", () => {
    expect(focusableWithin(dialog()).map((el) => el.id)).toEqual(["first", "link", "last"]);
  });

  it("Tab from the last element wraps to the first", () => {
    const root = dialog();
    document.getElementById("last")?.focus();
    const event = tab();
    expect(trapTab(event, root)).toBe(true);
    expect(event.defaultPrevented).toBe(true);
    expect(document.activeElement?.id).toBe("first");
  });

  it("Shift+Tab from the first wraps to the last", () => {
    const root = dialog();
    document.getElementById("first")?.focus();
    expect(trapTab(tab(true), root)).toBe(true);
    expect(document.activeElement?.id).toBe("last");
  });

  it("focus outside comes back in", () => {
    const root = dialog();
    document.getElementById("outside")?.focus();
    trapTab(tab(), root);
    expect(document.activeElement?.id).toBe("first");
  });

  it("Tab in the middle is left to the browser; other keys are ignored", () => {
    const root = dialog();
    document.getElementById("link")?.focus();
    const event = tab();
    expect(trapTab(event, root)).toBe(false);
    expect(event.defaultPrevented).toBe(false);
    expect(trapTab(new KeyboardEvent("keydown", { key: "Enter" }), root)).toBe(false);
  });
});

describe("focus after navigation and failed submits", () => {
  it("moves to the main heading", () => {
    document.body.innerHTML = "<main><h1>API keys</h1></main>";
    expect(focusHeading()).toBe(true);
    expect(document.activeElement?.textContent).toBe("API keys");
    expect(document.querySelector("h1")?.getAttribute("tabindex")).toBe("-1");
  });

  it("reports when there is no heading", () => {
    document.body.innerHTML = "<main><p>loading</p></main>";
    expect(focusHeading()).toBe(false);
  });

  it("moves to the first invalid input", () => {
    document.body.innerHTML = `<form><input id="a"><input id="b" aria-invalid="true"><input id="c" aria-invalid="true"></form>`;
    expect(focusFirstInvalid(document.querySelector("form"))).toBe(true);
    expect(document.activeElement?.id).toBe("b");
    expect(focusFirstInvalid(null)).toBe(false);
  });
});

describe("theme", () => {
  afterEach(() => localStorage.clear());

  it("is remembered, and system is the default", () => {
    expect(loadTheme()).toBe("system");
    saveTheme("dark");
    expect(loadTheme()).toBe("dark");
    saveTheme("system");
    expect(localStorage.length).toBe(0);
    localStorage.setItem("windback.dashboard.theme", "neon");
    expect(loadTheme()).toBe("system");
  });

  it("sets data-theme on the root, and removes it for system", () => {
    const root = document.createElement("html");
    applyTheme("light", root);
    expect(root.dataset.theme).toBe("light");
    applyTheme("system", root);
    expect(root.dataset.theme).toBeUndefined();
  });

  it("resolves system from the media query", () => {
    expect(effectiveTheme("system", true)).toBe("dark");
    expect(effectiveTheme("system", false)).toBe("light");
    expect(effectiveTheme("light", true)).toBe("light");
  });
});
