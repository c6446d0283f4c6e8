/**
 * A raw key, shown the one time the server returns it, with a copy button and the warning that
 * it will not be shown again (Windback stores only its hash).
 */
import type { KeyType } from "@windback/protocol";
import { useEffect, useId, useRef } from "preact/hooks";
import { CopyButton } from "./copy-button";

export interface NewKeyProps {
  keyType: KeyType;
  rawKey: string;
  /** e.g. "Created" or "Rotated: the previous public keys stop working in 24 hours." */
  context: string;
  onDone(): void;
}

export function NewKey({ keyType, rawKey, context, onDone }: NewKeyProps) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  // Focus moves here so keyboard and screen-reader users meet the key and its warning first.
  useEffect(() => ref.current?.focus(), []);
  const what = keyType === "secret" ? "the secret key" : "the public key";
  return (
    <section class="new-key" aria-labelledby={titleId} tabIndex={-1} ref={ref}>
      <h2 id={titleId}>New {keyType} key</h2>
      <p>{context}</p>
      <p class="warning">
        <strong>Copy it now: it will not be shown again.</strong>{" "}
        {keyType === "secret"
          ? "Keep it on your server only (environment variable or secret store); never put it in a web page."
          : "Public keys go in your web pages; they only work for the cancel flow and from your allowed origins."}
      </p>
      <div class="code-block">
        <pre>
          <code>{rawKey}</code>
        </pre>
        <CopyButton text={rawKey} what={what} />
      </div>
      <button type="button" class="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
