/**
 * Focus handling for dialogs and navigation, kept apart from the views so it is unit-tested:
 * what can take focus inside an element, and Tab / Shift+Tab wrapping inside a dialog.
 */

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type='hidden'])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

/** The elements Tab reaches inside `root`, in document order (hidden ones left out). */
export function focusableWithin(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.hasAttribute("hidden") && !el.closest("[hidden],[inert]"),
  );
}

/**
 * Keeps Tab inside `root`: from the last element Tab goes to the first, from the first
 * Shift+Tab goes to the last. Returns true when it moved focus (and prevented the default).
 */
export function trapTab(event: KeyboardEvent, root: HTMLElement): boolean {
  if (event.key !== "Tab") return false;
  const items = focusableWithin(root);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) {
    event.preventDefault();
    return true;
  }
  const active = root.ownerDocument.activeElement;
  const outside = !active || !root.contains(active);
  if (event.shiftKey && (active === first || outside)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (active === last || outside)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}

/** Moves focus to the page's main heading after a navigation, so screen readers hear it. */
export function focusHeading(doc: Document = document): boolean {
  const heading = doc.querySelector<HTMLElement>("main h1");
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
  return doc.activeElement === heading;
}

/** After a failed submit: focus the first input marked invalid, so its message is read out. */
export function focusFirstInvalid(root: ParentNode | null | undefined): boolean {
  const input = root?.querySelector<HTMLElement>("[aria-invalid='true']");
  if (!input) return false;
  input.focus();
  return true;
}
