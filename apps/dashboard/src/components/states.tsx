/** The loading, empty and error states every screen shows in the same words and places. */
import type { ComponentChildren } from "preact";
import { type ApiFailure, describeFailure } from "../lib/api-client";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="state state-loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export interface ErrorStateProps {
  error: ApiFailure;
  /** What failed, e.g. "Could not load the API keys". */
  title: string;
  onRetry?: () => void;
}

export function ErrorState({ error, title, onRetry }: ErrorStateProps) {
  return (
    <div class="state state-error" role="alert">
      <p>
        <strong>{title}.</strong> {describeFailure(error)}
      </p>
      {onRetry && (
        <button type="button" class="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

/** An API failure shown beside the control that caused it. */
export function InlineError({ error, id }: { error: ApiFailure | string | null; id?: string }) {
  if (!error) return null;
  return (
    <p class="inline-error" role="alert" id={id}>
      {typeof error === "string" ? error : describeFailure(error)}
    </p>
  );
}
