/**
 * The app: the router, the guards (logged in or not, which project), and one lazily loaded
 * chunk per screen, so the first load carries only the shell (budget: scripts/build.mjs).
 */
import type { Project } from "@windback/protocol";
import type { ComponentChildren, ComponentType } from "preact";
import { useEffect } from "preact/hooks";
import {
  ErrorBoundary,
  LocationProvider,
  lazy,
  Route,
  Router,
  useLocation,
  useRoute,
} from "preact-iso";
import { AppStateProvider, useApp } from "./app-state";
import { Page } from "./components/page";
import { Shell } from "./components/shell";
import { ErrorState, Loading } from "./components/states";
import { focusHeading } from "./lib/focus";
import { BASE, loginUrl, paths, safeNext } from "./lib/paths";
import { lastProject, rememberProject } from "./lib/preferences";

const screens = {
  login: lazy(() => import("./screens/login").then((m) => m.LoginScreen)),
  signup: lazy(() => import("./screens/signup").then((m) => m.SignupScreen)),
  projects: lazy(() => import("./screens/projects").then((m) => m.ProjectsScreen)),
  account: lazy(() => import("./screens/account").then((m) => m.AccountScreen)),
  analytics: lazy(() => import("./screens/analytics").then((m) => m.AnalyticsScreen)),
  events: lazy(() => import("./screens/churn-events").then((m) => m.ChurnEventsScreen)),
  event: lazy(() => import("./screens/churn-event").then((m) => m.ChurnEventScreen)),
  offers: lazy(() => import("./screens/offers").then((m) => m.OffersScreen)),
  install: lazy(() => import("./screens/install").then((m) => m.InstallScreen)),
  keys: lazy(() => import("./screens/api-keys").then((m) => m.ApiKeysScreen)),
  origins: lazy(() => import("./screens/allowed-origins").then((m) => m.AllowedOriginsScreen)),
  settings: lazy(() => import("./screens/project-settings").then((m) => m.ProjectSettingsScreen)),
  webhooks: lazy(() => import("./screens/webhooks").then((m) => m.WebhooksScreen)),
  stripe: lazy(() => import("./screens/stripe-integration").then((m) => m.StripeIntegrationScreen)),
};

/** Loads the other screens once the browser is idle, so later navigation does not wait. */
function preloadScreens() {
  const idle = globalThis.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  idle(() => {
    for (const screen of Object.values(screens)) void screen.preload();
  });
}

/** Shown while the session is checked, or when the server cannot be asked. */
function SessionGate({ children }: { children: ComponentChildren }) {
  const { session, recheckSession } = useApp();
  if (session.status === "unavailable") {
    return (
      <Page title="Windback is unreachable">
        <ErrorState
          error={session.error}
          title="Could not check your session"
          onRetry={recheckSession}
        />
      </Page>
    );
  }
  if (session.status === "checking") return <Loading />;
  return <>{children}</>;
}

/** Screens for logged-in users: anyone else goes to the login screen, which comes back here. */
function RequireAuth({ children }: { children: ComponentChildren }) {
  const { session } = useApp();
  const { url, path, route } = useLocation();
  const anonymous = session.status === "anonymous";
  // The router keeps this screen on view while the login chunk loads: act only where it applies.
  const here = path !== paths.login && path !== paths.signup;
  useEffect(() => {
    if (anonymous && here) route(loginUrl(url), true);
  }, [anonymous, here, url, route]);
  useEffect(() => {
    if (session.status === "authenticated") preloadScreens();
  }, [session.status]);
  return <SessionGate>{session.status === "authenticated" ? children : <Loading />}</SessionGate>;
}

/** Log in and sign up: a logged-in user goes on to where they were headed. */
function GuestOnly({ children }: { children: ComponentChildren }) {
  const { session } = useApp();
  const { query, path, route } = useLocation();
  const authenticated = session.status === "authenticated";
  // As above: once the next screen's URL is set, this one (still on view) has nothing to do.
  const here = path === paths.login || path === paths.signup;
  useEffect(() => {
    if (authenticated && here) route(safeNext(query.next), true);
  }, [authenticated, here, query.next, route]);
  return <SessionGate>{authenticated ? <Loading /> : children}</SessionGate>;
}

/** Resolves `:slug` to one of the account's projects, then renders the screen for it. */
function WithProject({
  slug,
  render,
}: {
  slug: string;
  render(project: Project): ComponentChildren;
}) {
  const { projects, reloadProjects } = useApp();
  const project = projects.data?.find((p) => p.slug === slug);
  useEffect(() => {
    if (project) rememberProject(project.slug);
  }, [project]);
  if (project) return <>{render(project)}</>;
  if (projects.status === "error") {
    return (
      <Page title="Projects">
        <ErrorState
          error={projects.error}
          title="Could not load your projects"
          onRetry={reloadProjects}
        />
      </Page>
    );
  }
  if (projects.status !== "ok") return <Loading label="Loading the project…" />;
  return (
    <Page title="Project not found">
      <p>
        None of your projects is called “{slug}”. It may have been deleted, or the link belongs to
        another account.
      </p>
      <p>
        <a href={paths.projects}>See your projects</a>
      </p>
    </Page>
  );
}

function projectRoute(Screen: ComponentType<{ project: Project }>) {
  return function ProjectRoute() {
    const { params } = useRoute();
    return (
      <RequireAuth>
        <WithProject slug={params.slug ?? ""} render={(project) => <Screen project={project} />} />
      </RequireAuth>
    );
  };
}

function authRoute(Screen: ComponentType) {
  return () => (
    <RequireAuth>
      <Screen />
    </RequireAuth>
  );
}

function guestRoute(Screen: ComponentType) {
  return () => (
    <GuestOnly>
      <Screen />
    </GuestOnly>
  );
}

/** `/dashboard/`: the last project used in this browser, else the first, else the project list. */
function Home() {
  const { projects } = useApp();
  const { route } = useLocation();
  const list = projects.status === "ok" ? projects.data : null;
  useEffect(() => {
    if (!list) return;
    const remembered = lastProject();
    const target = list.find((p) => p.slug === remembered) ?? list[0];
    route(target ? paths.project(target.slug, "analytics") : paths.projects, true);
  }, [list, route]);
  if (projects.status === "error") {
    return (
      <Page title="Projects">
        <ErrorState error={projects.error} title="Could not load your projects" />
      </Page>
    );
  }
  return <Loading />;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <a href={paths.home}>Go to the dashboard</a>
      </p>
    </Page>
  );
}

const EventRoute = () => {
  const { params } = useRoute();
  const Screen = screens.event;
  return (
    <RequireAuth>
      <WithProject
        slug={params.slug ?? ""}
        render={(project) => <Screen project={project} id={params.id ?? ""} />}
      />
    </RequireAuth>
  );
};

const ROUTES: [string, ComponentType][] = [
  [`${BASE}/login`, guestRoute(screens.login)],
  [`${BASE}/signup`, guestRoute(screens.signup)],
  [`${BASE}/projects`, authRoute(screens.projects)],
  [`${BASE}/account`, authRoute(screens.account)],
  [`${BASE}/projects/:slug/analytics`, projectRoute(screens.analytics)],
  [`${BASE}/projects/:slug/events`, projectRoute(screens.events)],
  [`${BASE}/projects/:slug/events/:id`, EventRoute],
  [`${BASE}/projects/:slug/offers`, projectRoute(screens.offers)],
  [`${BASE}/projects/:slug/install`, projectRoute(screens.install)],
  [`${BASE}/projects/:slug/keys`, projectRoute(screens.keys)],
  [`${BASE}/projects/:slug/origins`, projectRoute(screens.origins)],
  [`${BASE}/projects/:slug/settings`, projectRoute(screens.settings)],
  [`${BASE}/projects/:slug/webhooks`, projectRoute(screens.webhooks)],
  [`${BASE}/projects/:slug/integrations/stripe`, projectRoute(screens.stripe)],
  [BASE, authRoute(Home)],
];

function Routes() {
  return (
    <ErrorBoundary>
      {/* After a navigation, focus goes to the new page's heading (not on the first load). */}
      <Router onRouteChange={() => focusHeading()}>
        {[
          ...ROUTES.map(([path, component]) => (
            <Route key={path} path={path} component={component} />
          )),
          <Route key="404" default component={NotFound} />,
        ]}
      </Router>
    </ErrorBoundary>
  );
}

export function App({ fetch }: { fetch?: typeof globalThis.fetch }) {
  return (
    <LocationProvider scope={`${BASE}/`}>
      <AppStateProvider {...(fetch && { fetch })}>
        <Shell>
          <Routes />
        </Shell>
      </AppStateProvider>
    </LocationProvider>
  );
}
