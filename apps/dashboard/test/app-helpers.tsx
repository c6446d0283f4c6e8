/** Mounts the whole app at a URL with a fake API, and finds things the way a user does. */
import type { Project, User } from "@windback/protocol";
import { render } from "preact";
import { App } from "../src/app";
import { type Answer, fakeFetch, type Handler } from "./helpers";

export const USER: User = {
  id: "u1",
  name: "Ada",
  email: "ada@example.com",
  created_at: "2026-01-01T00:00:00.000Z",
};

export const PROJECT: Project = {
  id: "p1",
  name: "Acme",
  slug: "acme",
  support_email: null,
  allowed_origins: [],
  max_claimed_mrr: 1_000_000,
  customer_verification: "off",
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
};

export const list = <T,>(data: T[]) => ({ data, total: data.length, limit: 100, offset: 0 });

/** A logged-in account with one project, plus the routes a test adds or overrides. */
export const signedIn = (routes: Record<string, Answer | Handler> = {}) => ({
  "GET /api/v1/auth/me": { status: 200, body: { data: USER } },
  "GET /api/v1/projects": { status: 200, body: list([PROJECT]) },
  ...routes,
});

let container: HTMLElement | null = null;

export function mount(url: string, routes: Record<string, Answer | Handler>) {
  unmount();
  history.replaceState(null, "", url);
  const api = fakeFetch(routes);
  container = document.createElement("div");
  document.body.append(container);
  render(<App fetch={api.fetch} />, container);
  return api;
}

export function unmount() {
  if (container) {
    render(null, container);
    container.remove();
    container = null;
  }
  document.body.innerHTML = "";
}

export const heading = () => document.querySelector("main h1")?.textContent ?? "";

export function byLabel<T extends HTMLElement = HTMLInputElement>(text: string): T {
  const label = [...document.querySelectorAll("label")].find((l) => l.textContent?.trim() === text);
  const id = label?.getAttribute("for");
  const input = id ? document.getElementById(id) : null;
  if (!input) throw new Error(`no input labelled "${text}"`);
  return input as T;
}

export function button(name: string): HTMLButtonElement {
  const found = [...document.querySelectorAll("button")].find(
    (b) => b.getAttribute("aria-label") === name || b.textContent?.trim() === name,
  );
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

export const liveRegion = () => document.querySelector("[aria-live='polite']")?.textContent ?? "";
