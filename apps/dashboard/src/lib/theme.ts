/**
 * Light, dark, or whatever the system prefers. The stylesheet follows `prefers-color-scheme`
 * unless `<html data-theme>` says otherwise; the choice is kept in `localStorage`.
 */

export const THEMES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = "windback.dashboard.theme";

export const THEME_LABELS: Readonly<Record<ThemeChoice, string>> = {
  system: "System",
  light: "Light",
  dark: "Dark",
};

const localStore = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

export function loadTheme(storage: Storage | undefined = localStore()): ThemeChoice {
  const saved = storage?.getItem(STORAGE_KEY);
  return (THEMES as readonly string[]).includes(saved ?? "") ? (saved as ThemeChoice) : "system";
}

export function saveTheme(choice: ThemeChoice, storage: Storage | undefined = localStore()): void {
  try {
    if (choice === "system") storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, choice);
  } catch {
    // Disabled storage: the choice lasts for this page only.
  }
}

/** Sets `data-theme` on the root element; "system" removes it so the media query decides. */
export function applyTheme(
  choice: ThemeChoice,
  root: HTMLElement = document.documentElement,
): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** The theme actually shown, for code that must draw with it (the chart's canvas). */
export function effectiveTheme(
  choice: ThemeChoice,
  prefersDark: boolean,
): Exclude<ThemeChoice, "system"> {
  if (choice === "system") return prefersDark ? "dark" : "light";
  return choice;
}
