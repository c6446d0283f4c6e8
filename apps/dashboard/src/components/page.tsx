/**
 * Every screen's frame: one `<h1>` (which receives focus after a navigation, see app.tsx), the
 * document title, and an optional line that says what the screen is for.
 */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

export interface PageProps {
  title: string;
  /** Shown under the heading. */
  lead?: ComponentChildren;
  /** Beside the heading (e.g. the period picker). */
  actions?: ComponentChildren;
  children?: ComponentChildren;
}

export function Page({ title, lead, actions, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · Windback`;
  }, [title]);
  return (
    <>
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>{title}</h1>
          {lead && <p class="lead">{lead}</p>}
        </div>
        {actions && <div class="page-actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}
