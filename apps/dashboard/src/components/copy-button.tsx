/** Copies text to the clipboard and says so: the label changes and the live region reads "Copied". */
import { useEffect, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { copyText } from "../lib/clipboard";

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy the script tag". */
  what: string;
}

export function CopyButton({ text, what }: CopyButtonProps) {
  const { announce } = useApp();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const onClick = async () => {
    const ok = await copyText(text);
    setState(ok ? "copied" : "failed");
    announce(
      ok
        ? `Copied ${what} to the clipboard`
        : `Could not copy ${what}: select it and copy it by hand`,
    );
  };

  return (
    <button type="button" class="button button-small" onClick={onClick} aria-label={`Copy ${what}`}>
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}
