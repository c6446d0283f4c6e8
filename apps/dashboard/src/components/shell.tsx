/**
 * The frame around every screen: skip link, header (project switcher, theme, account, log out),
 * the project's navigation, the `<main>` landmark and the polite live region.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { type ApiFailure, describeFailure } from "../lib/api-client";
import { PROJECT_SECTIONS, type ProjectSection, paths } from "../lib/paths";
import { THEME_LABELS, THEMES, type ThemeChoice } from "../lib/theme";

const PROJECT_PATH = /^\/dashboard\/projects\/([^/]+)(?:\/([a-z/-]+))?/;

/** The project slug and section of a path such as `/dashboard/projects/acme/offers`. */
function projectOfPath(path: string): { slug: string; section: ProjectSection | null } | null {
  const match = PROJECT_PATH.exec(path);
  if (!match?.[1]) return null;
  let slug: string;
  try {
    slug = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  // A section is one segment (`offers`) or two (`integrations/stripe`); deeper paths belong to it.
  const rest = match[2] ?? "";
  const section =
    PROJECT_SECTIONS.find((s) => rest === s.id || rest.startsWith(`${s.id}/`))?.id ?? null;
  return { slug, section };
}

/**
 * A disclosure of links rather than a <select>: moving through a select with the arrow keys
 * would leave the page at every key press (WCAG 3.2.2).
 */
function ProjectSwitcher({
  slug,
  section,
}: {
  slug: string | null;
  section: ProjectSection | null;
}) {
  const { projects } = useApp();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const list = projects.data ?? [];
  const current = list.find((p) => p.slug === slug);

  // A navigation (a link in the menu or elsewhere) closes it: `path` is the dependency on purpose.
  useEffect(() => setOpen(false), [path]);
  // Escape, a click outside, or focus leaving the menu closes it too.
  useEffect(() => {
    if (!open) return;
    const outside = (event: Event) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("pointerdown", outside);
    document.addEventListener("focusin", outside);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", outside);
      document.removeEventListener("focusin", outside);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (list.length === 0) return null;
  return (
    <div class="switcher" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        class="button button-small"
        aria-expanded={open ? "true" : "false"}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
      >
        <span class="sr-only">Project: </span>
        {current ? current.name : "Choose a project"}
        <span aria-hidden="true"> ▾</span>
      </button>
      <ul id={menuId} class="switcher-menu" hidden={!open}>
        {list.map((p) => (
          <li key={p.id}>
            <a
              href={paths.project(p.slug, section ?? "analytics")}
              aria-current={p.slug === slug ? "true" : undefined}
            >
              {p.name}
            </a>
          </li>
        ))}
        <li class="switcher-all">
          <a href={paths.projects}>All projects…</a>
        </li>
      </ul>
    </div>
  );
}

function ThemeSelect() {
  const { theme, setTheme } = useApp();
  const id = useId();
  return (
    <div class="theme-select">
      <label for={id}>Theme</label>
      <select
        id={id}
        value={theme}
        onChange={(e) => setTheme(e.currentTarget.value as ThemeChoice)}
      >
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {THEME_LABELS[t]}
          </option>
        ))}
      </select>
    </div>
  );
}

function LogOut({ onError }: { onError(error: ApiFailure | null): void }) {
  const { api, signedOut } = useApp();
  const [busy, setBusy] = useState(false);
  const logOut = async () => {
    setBusy(true);
    onError(null);
    const result = await api.auth.closeSession();
    setBusy(false);
    // A 401 means the session had already ended: the user is logged out either way.
    if (result.ok || result.error.status === 401) signedOut("logged-out");
    else onError(result.error);
  };
  return (
    <button type="button" class="button button-small" onClick={logOut} disabled={busy}>
      {busy ? "Logging out…" : "Log out"}
    </button>
  );
}

export function Shell({ children }: { children: ComponentChildren }) {
  const { session, announcement } = useApp();
  const { path } = useLocation();
  const [logoutError, setLogoutError] = useState<ApiFailure | null>(null);
  const signedIn = session.status === "authenticated";
  const current = signedIn ? projectOfPath(path) : null;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={paths.home}>
          Windback
        </a>
        {signedIn && (
          <ProjectSwitcher slug={current?.slug ?? null} section={current?.section ?? null} />
        )}
        <div class="topbar-end">
          <ThemeSelect />
          {signedIn && (
            <>
              <a
                href={paths.account}
                class="quiet-link"
                aria-current={path === paths.account ? "page" : undefined}
              >
                Account
              </a>
              <LogOut onError={setLogoutError} />
            </>
          )}
        </div>
      </header>
      {logoutError && (
        <p class="banner-error" role="alert">
          Could not log out. {describeFailure(logoutError)}
        </p>
      )}
      <div class={current ? "layout layout-project" : "layout"}>
        {current && (
          <nav class="project-nav" aria-label="Project">
            <ul>
              {PROJECT_SECTIONS.map((s) => (
                <li key={s.id}>
                  <a
                    href={paths.project(current.slug, s.id)}
                    aria-current={current.section === s.id ? "page" : undefined}
                  >
                    {s.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </>
  );
}
