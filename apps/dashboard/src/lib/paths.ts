/**
 * Every URL of the app, built in one place. The app lives under `/dashboard/` (docs/design.md §8)
 * and every screen has its own URL, so deep links and reloads land on the same screen.
 */

export const BASE = "/dashboard";

/** The sections of a project, in navigation order; each is `/dashboard/projects/:slug/<id>`. */
export const PROJECT_SECTIONS = [
  { id: "analytics", label: "Analytics" },
  { id: "events", label: "Churn events" },
  { id: "offers", label: "Offers" },
  { id: "install", label: "Install" },
  { id: "keys", label: "API keys" },
  { id: "origins", label: "Allowed origins" },
  { id: "webhooks", label: "Webhooks" },
  { id: "integrations/stripe", label: "Stripe" },
  { id: "settings", label: "Settings" },
] as const;
export type ProjectSection = (typeof PROJECT_SECTIONS)[number]["id"];

const slugPart = (slug: string) => encodeURIComponent(slug);

export const paths = {
  home: `${BASE}/`,
  login: `${BASE}/login`,
  signup: `${BASE}/signup`,
  account: `${BASE}/account`,
  projects: `${BASE}/projects`,
  project: (slug: string, section: ProjectSection = "analytics", search = "") =>
    `${BASE}/projects/${slugPart(slug)}/${section}${search}`,
  event: (slug: string, id: string) =>
    `${BASE}/projects/${slugPart(slug)}/events/${encodeURIComponent(id)}`,
};

/** Why the login screen is shown, as `?notice=` on its URL. */
const LOGIN_NOTICES = {
  "session-expired": "Your session has ended. Log in again to continue.",
  "logged-out": "You are logged out.",
  "account-created": "Your account was created. Log in to continue.",
  "password-changed":
    "Your password was changed and every session ended. Log in with the new password.",
} as const;
export type LoginNotice = keyof typeof LOGIN_NOTICES;

/**
 * Where to go after logging in: only a path inside the app (never another site, never back to
 * the login or sign-up screen); anything else gives the home screen.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw) return paths.home;
  // "//evil.example" and "/\evil.example" are other hosts to a browser.
  if (!raw.startsWith(`${BASE}/`) || raw.startsWith("//") || raw.includes("\\")) return paths.home;
  let pathname: string;
  try {
    pathname = new URL(raw, "https://dashboard.invalid").pathname;
  } catch {
    return paths.home;
  }
  if (pathname === paths.login || pathname === paths.signup) return paths.home;
  return raw;
}

/** The login screen's URL that comes back to `next` afterwards. */
export function loginUrl(next?: string, notice?: LoginNotice): string {
  const params = new URLSearchParams();
  const target = next === undefined ? undefined : safeNext(next);
  if (target !== undefined && target !== paths.home) params.set("next", target);
  if (notice) params.set("notice", notice);
  const query = params.toString();
  return query === "" ? paths.login : `${paths.login}?${query}`;
}

/** The login notice named by `?notice=`, or null for an unknown one. */
export function loginNotice(raw: string | undefined): string | null {
  if (!raw || !Object.hasOwn(LOGIN_NOTICES, raw)) return null;
  return LOGIN_NOTICES[raw as LoginNotice];
}
