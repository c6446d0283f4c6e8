/**
 * What every screen shares: the API, the session, the account's projects, the theme and the
 * live region. A 401 from any call ends the session here and sends the user to the login screen,
 * keeping the URL they wanted.
 */
import type { Project, User } from "@windback/protocol";
import { type ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { type ApiFailure, createApiClient } from "./lib/api-client";
import { type Api, createEndpoints } from "./lib/endpoints";
import { type LoginNotice, loginUrl, paths } from "./lib/paths";
import { applyTheme, loadTheme, saveTheme, type ThemeChoice } from "./lib/theme";

export type Session =
  | { status: "checking" }
  | { status: "anonymous" }
  | { status: "authenticated"; user: User }
  /** The server could not be asked (network, 5xx): shown as such, not as "logged out". */
  | { status: "unavailable"; error: ApiFailure };

export type ProjectsState =
  | { status: "idle" | "loading"; data?: Project[] }
  | { status: "ok"; data: Project[] }
  | { status: "error"; error: ApiFailure; data?: Project[] };

export interface AppState {
  api: Api;
  session: Session;
  /** After logging in or signing up. */
  signedIn(user: User): void;
  /** Forgets the session and goes to the login screen with a notice. */
  signedOut(notice: LoginNotice): void;
  /** Asks the server again who is logged in. */
  recheckSession(): void;
  projects: ProjectsState;
  reloadProjects(): Promise<Project[] | null>;
  /** Reads `message` out through the polite live region. */
  announce(message: string): void;
  announcement: string;
  theme: ThemeChoice;
  setTheme(choice: ThemeChoice): void;
}

const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error("useApp() outside <AppStateProvider>");
  return state;
}

export interface AppStateProviderProps {
  children: ComponentChildren;
  /** Tests pass a fake `fetch`; the app uses the browser's. */
  fetch?: typeof fetch;
}

export function AppStateProvider({ children, fetch: fetchImpl }: AppStateProviderProps) {
  const location = useLocation();
  const [session, setSession] = useState<Session>({ status: "checking" });
  const [projects, setProjects] = useState<ProjectsState>({ status: "idle" });
  const [announcement, setAnnouncement] = useState("");
  const [theme, setThemeState] = useState<ThemeChoice>(() => loadTheme());
  const [checks, setChecks] = useState(0);

  // The 401 handler is created once with the client, so it reads the latest location via a ref.
  const locationRef = useRef(location);
  locationRef.current = location;

  const api = useMemo(() => {
    const onUnauthenticated = () => {
      setSession({ status: "anonymous" });
      setProjects({ status: "idle" });
      const here = locationRef.current;
      if (here.path !== paths.login && here.path !== paths.signup) {
        here.route(loginUrl(here.url, "session-expired"), true);
      }
    };
    const options = fetchImpl ? { fetch: fetchImpl } : {};
    return createEndpoints(
      createApiClient({ ...options, onUnauthenticated }),
      createApiClient({ ...options, base: "/dashboard" }),
    );
  }, [fetchImpl]);

  // Who is logged in: the cookie is HttpOnly, so only the server can say.
  // Dependencies on purpose: `checks` re-runs the check on demand.
  useEffect(() => {
    const controller = new AbortController();
    setSession({ status: "checking" });
    void api.auth.me(controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setSession({ status: "authenticated", user: result.data });
      else if (result.error.status === 401) setSession({ status: "anonymous" });
      else setSession({ status: "unavailable", error: result.error });
    });
    return () => controller.abort();
  }, [api, checks]);

  const reloadProjects = useCallback(async () => {
    setProjects((previous) => ({
      status: "loading",
      ...(previous.data && { data: previous.data }),
    }));
    const result = await api.projects.list();
    if (result.ok) {
      setProjects({ status: "ok", data: result.data.data });
      return result.data.data;
    }
    setProjects((previous) => ({
      status: "error",
      error: result.error,
      ...(previous.data && { data: previous.data }),
    }));
    return null;
  }, [api]);

  const authenticated = session.status === "authenticated";
  useEffect(() => {
    if (authenticated) void reloadProjects();
  }, [authenticated, reloadProjects]);

  const announce = useCallback((message: string) => {
    // Clearing first makes a repeated message ("Copied") be read again.
    setAnnouncement("");
    setTimeout(() => setAnnouncement(message), 50);
  }, []);

  const setTheme = useCallback((choice: ThemeChoice) => {
    saveTheme(choice);
    applyTheme(choice);
    setThemeState(choice);
  }, []);

  const value = useMemo<AppState>(
    () => ({
      api,
      session,
      signedIn: (user) => setSession({ status: "authenticated", user }),
      signedOut: (notice) => {
        setSession({ status: "anonymous" });
        setProjects({ status: "idle" });
        locationRef.current.route(loginUrl(undefined, notice));
      },
      recheckSession: () => setChecks((n) => n + 1),
      projects,
      reloadProjects,
      announce,
      announcement,
      theme,
      setTheme,
    }),
    [api, session, projects, reloadProjects, announce, announcement, theme, setTheme],
  );

  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}
