/**
 * A modal confirmation: labelled, focus moved in and kept inside (Tab wraps), Escape and
 * "Cancel" close it, and focus goes back to the control that opened it.
 */
import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef } from "preact/hooks";
import type { ApiFailure } from "../lib/api-client";
import { focusableWithin, trapTab } from "../lib/focus";
import { InlineError } from "./states";

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
  busy?: boolean;
  /** e.g. until the typed confirmation matches. */
  confirmDisabled?: boolean;
  error?: ApiFailure | null;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, children, confirmLabel, danger, busy, confirmDisabled, error } = props;
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const cancelRef = useRef(props.onCancel);
  cancelRef.current = props.onCancel;

  // Before the first paint, so nothing can be typed into the page behind the dialog.
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    // The first input if there is one (typed confirmation), else the safe choice: Cancel.
    const first =
      dialog?.querySelector<HTMLElement>("input") ??
      dialog?.querySelector<HTMLElement>("[data-cancel]") ??
      (dialog ? focusableWithin(dialog)[0] : undefined);
    first?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (!busy) cancelRef.current();
      return;
    }
    if (ref.current) trapTab(event, ref.current);
  };

  return (
    <div class="dialog-backdrop">
      <div
        ref={ref}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        <div class="dialog-body">{children}</div>
        <InlineError error={error ?? null} />
        <div class="dialog-actions">
          <button
            type="button"
            class="button"
            data-cancel
            onClick={() => props.onCancel()}
            disabled={busy}
          >
            Cancel
          </button>
          <button
            type="button"
            class={`button ${danger ? "button-danger" : "button-primary"}`}
            onClick={() => props.onConfirm()}
            disabled={busy || confirmDisabled}
            aria-busy={busy ? "true" : undefined}
          >
            {busy ? "Working…" : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
