/** A snippet to paste, with its copy button. Long lines wrap, so nothing needs scrolling sideways. */
import { CopyButton } from "./copy-button";

export interface CodeBlockProps {
  code: string;
  /** What the snippet is, e.g. "the script tag". */
  what: string;
}

export function CodeBlock({ code, what }: CodeBlockProps) {
  return (
    <div class="code-block">
      <pre>
        <code>{code}</code>
      </pre>
      <CopyButton text={code} what={what} />
    </div>
  );
}
