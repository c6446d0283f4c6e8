/**
 * A labelled input with its hint and its error tied to it (`aria-describedby`, `aria-invalid`),
 * so a screen reader reads the server's message when the input is focused.
 */
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useId } from "preact/hooks";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "label" | "value" | "onInput">;

export interface FieldProps extends InputProps {
  label: ComponentChildren;
  value: string;
  onValue(value: string): void;
  hint?: ComponentChildren;
  error?: string | null | undefined;
  /** A textarea instead of an input. */
  multiline?: boolean;
}

export function Field({ label, value, onValue, hint, error, multiline, id, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? `f${generated}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const shared = {
    id: inputId,
    "aria-describedby": describedBy,
    "aria-invalid": error ? ("true" as const) : undefined,
  };
  return (
    <div class={`field${error ? " field-invalid" : ""}`}>
      <label for={inputId}>{label}</label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {multiline ? (
        <textarea
          {...shared}
          value={value}
          maxLength={input.maxLength}
          required={input.required}
          rows={3}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      ) : (
        <input
          {...input}
          {...shared}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
