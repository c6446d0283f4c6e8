/**
 * The live/test switch (docs/design.md §11): two links to the same screen, one per mode, so it
 * works with the keyboard, by URL and on reload; the current one is marked `aria-current`.
 */
import { MODES, type Mode } from "@windback/protocol";
import { MODE_LABELS, urlWithMode } from "../lib/mode";

export function ModeSwitch({ mode, path, search }: { mode: Mode; path: string; search: string }) {
  return (
    <nav class="mode-switch" aria-label="Live or test data">
      {MODES.map((m) => (
        <a
          key={m}
          href={urlWithMode(path, search, m)}
          class={`mode-switch-option${m === mode ? " is-current" : ""}`}
          aria-current={m === mode ? "page" : undefined}
        >
          {MODE_LABELS[m]}
        </a>
      ))}
    </nav>
  );
}

/** Said above test data, so nobody mistakes it for real customers. */
export function TestModeNotice({ mode }: { mode: Mode }) {
  if (mode !== "test") return null;
  return (
    <p class="notice notice-test">
      You are looking at <strong>test data</strong>: what test keys (<code>pub_test_…</code>,{" "}
      <code>sk_test_…</code>) recorded. It never counts in live numbers.
    </p>
  );
}
