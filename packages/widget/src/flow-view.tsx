/** Renders one session into a container and re-renders it on every state change. */
import { render } from "preact";
import type { ApiClient } from "./api-client";
import type { FlowResult } from "./core/flow";
import { stringsFor } from "./i18n/index";
import { buildReasons, type Position, type ShowOptions, type Theme } from "./options";
import { createSession, type Session } from "./session";
import { App } from "./views/app";

export interface FlowViewOptions {
  container: HTMLElement;
  client: ApiClient | null;
  options: ShowOptions;
  locale: string;
  theme: Theme;
  position: Position;
  mode: "modal" | "inline";
  onDone(result: FlowResult): void;
}

export interface FlowView {
  session: Session;
  /** Moves focus back into the dialog (used when the host asks to open it again). */
  focus(): void;
  unmount(): void;
}

export function renderFlow(view: FlowViewOptions): FlowView {
  const strings = stringsFor(view.locale);
  const draw = () =>
    render(
      <App
        state={session.state}
        dispatch={session.dispatch}
        strings={strings}
        theme={view.theme}
        position={view.position}
        mode={view.mode}
      />,
      view.container,
    );
  const session = createSession({
    client: view.client,
    reasons: buildReasons(strings, view.options.reasons),
    customer: view.options,
    onChange: draw,
    onDone: view.onDone,
  });
  draw();
  return {
    session,
    focus() {
      view.container.querySelector<HTMLElement>(".wb-title")?.focus();
    },
    unmount() {
      render(null, view.container);
    },
  };
}
