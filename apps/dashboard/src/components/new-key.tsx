/** A raw API key, shown the one time the server returns it (Windback stores only its hash). */
import type { KeyType } from "@windback/protocol";
import { ShownOnce } from "./shown-once";

export interface NewKeyProps {
  keyType: KeyType;
  rawKey: string;
  /** e.g. "Created" or "Rotated: the previous public keys stop working in 24 hours." */
  context: string;
  onDone(): void;
}

export function NewKey({ keyType, rawKey, context, onDone }: NewKeyProps) {
  return (
    <ShownOnce
      title={`New ${keyType} key`}
      context={context}
      advice={
        keyType === "secret"
          ? "Keep it on your server only (environment variable or secret store); never put it in a web page."
          : "Public keys go in your web pages; they only work for the cancel flow and from your allowed origins."
      }
      value={rawKey}
      what={keyType === "secret" ? "the secret key" : "the public key"}
      onDone={onDone}
    />
  );
}
