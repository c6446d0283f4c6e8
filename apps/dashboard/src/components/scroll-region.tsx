/**
 * A labelled region that scrolls sideways when its table is wider than the screen (375 px). It
 * takes focus so keyboard users can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
 */
import type { ComponentChildren } from "preact";

export function ScrollRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to be scrolled.
    <section class="table-scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
