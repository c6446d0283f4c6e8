/**
 * A secret the server returns only once (an API key, a webhook signing secret, a customer-token
 * secret): the value with a copy button and the warning that it will not be shown again, since
 * Windback keeps only a hash or an encrypted copy.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { CopyButton } from "./copy-button";

export interface ShownOnceProps {
  title: string;
  /** 2 for a screen's own section, 3 inside another section. */
  level?: 2 | 3;
  /** What just happened, above the warning. */
  context?: ComponentChildren;
  /** Where to keep it, after "Copy it now: it will not be shown again." */
  advice: ComponentChildren;
  value: string;
  /** The copy button's object, e.g. "the secret key". */
  what: string;
  /** Marks the value's element for tests (`data-webhook-secret`). */
  valueMarker?: string;
  onDone(): void;
}

export function ShownOnce(props: ShownOnceProps) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  // Focus moves here so keyboard and screen-reader users meet the value and its warning first,
  // again when a new value replaces the one shown (a second secret created meanwhile).
  useEffect(() => ref.current?.focus(), [props.value]);
  const Heading = props.level === 3 ? "h3" : "h2";
  return (
    <section class="new-key" aria-labelledby={titleId} tabIndex={-1} ref={ref}>
      <Heading id={titleId}>{props.title}</Heading>
      {props.context != null && <p>{props.context}</p>}
      <p class="warning">
        <strong>Copy it now: it will not be shown again.</strong> {props.advice}
      </p>
      <div class="code-block">
        <pre>
          <code {...(props.valueMarker && { [props.valueMarker]: true })}>{props.value}</code>
        </pre>
        <CopyButton text={props.value} what={props.what} />
      </div>
      <button type="button" class="button" onClick={props.onDone}>
        I have copied it
      </button>
    </section>
  );
}
