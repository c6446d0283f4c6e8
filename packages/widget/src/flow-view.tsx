/**
 * Renders one session into a container and re-renders it on every state change. Focus moves to
 * the heading of each new screen here, after Preact's synchronous commit, so screen readers
 * announce where the customer is.
 */
import type { WidgetResult } from "@windback/protocol";
import { render } from "preact";
import type { ApiClient } from "./api-client";
import type { FlowState } from "./core/flow";
import type { Strings } from "./i18n/index";
import { buildReasons, type Mode, type Position, type ShowOptions, type Theme } from "./options";
import { createSession, type Session } from "./session";
import { App, screenOf } from "./views/app";

export interface FlowViewOptions {
  container: HTMLElement;
  client: ApiClient | null;
  options: ShowOptions;
  strings: Strings;
  theme: Theme;
  position: Position;
  /** `preview`: inline in the merchant's page, where Escape, Tab and focus stay the page's. */
  mode: Mode;
  /** Loaded with a `pub_test_` key: the dialog shows a "Test mode" badge (docs/design.md §11). */
  testMode?: boolean;
  start?: Partial<FlowState>;
  onDone(result: WidgetResult): void;
}

export interface FlowView {
  session: Session;
  /** Moves focus back into the dialog (used when the host asks to open it again). */
  focus(): void;
  unmount(): void;
}

export function renderFlow(view: FlowViewOptions): FlowView {
  const { container, strings } = view;
  const preview = view.mode === "preview";
  // Always watched: a preview's theme may change to `auto` later (the host reads `view.theme`).
  const dark = matchMedia("(prefers-color-scheme: dark)");
  let screen = "";
  const focus = () => container.querySelector<HTMLElement>(".wb-title")?.focus();
  const draw = () => {
    render(
      <App
        state={session.state}
        dispatch={session.dispatch}
        strings={strings}
        theme={(view.theme === "auto" ? dark.matches : view.theme === "dark") ? "dark" : "light"}
        position={view.position}
        mode={view.mode}
        testMode={view.testMode}
      />,
      container,
    );
    const next = screenOf(session.state);
    if (next !== screen) {
      // A preview's first screen leaves focus where the merchant is typing.
      if (screen || !preview) focus();
      screen = next;
    }
  };
  const session = createSession({
    client: view.client,
    reasons: buildReasons(strings, view.options.reasons),
    customer: view.options,
    onChange: draw,
    onDone: view.onDone,
    start: view.start,
  });
  // Escape closes the dialog wherever focus is, even after it fell out to <body>. Caught first
  // (capture) and stopped, so the host page's own Escape handlers do not also fire.
  const onEscape = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      session.dispatch({ type: "DISMISS" });
    }
  };
  if (!preview) document.addEventListener("keydown", onEscape, true);
  dark.addEventListener("change", draw);
  draw();
  return {
    session,
    focus,
    unmount() {
      document.removeEventListener("keydown", onEscape, true);
      dark.removeEventListener("change", draw);
      render(null, container);
    },
  };
}
