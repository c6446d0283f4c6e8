/** Options shared by the script-tag API and the iframe page. */
import type { CustomerOptions, WidgetResult } from "@windback/protocol";
import type { ReasonOption, TextMode } from "./core/flow";
import type { Strings } from "./i18n/index";

export type Theme = "light" | "dark" | "auto";
export type Position = "center" | "bottom-right" | "bottom-left";
/** `modal` floats over the host page; `inline` fills the iframe; `preview` sits in a page. */
export type Mode = "modal" | "inline" | "preview";

export interface CustomReason {
  /** The reason id sent to the API; `id` is accepted as an alias. */
  value?: string;
  id?: string;
  label?: string;
  /** Whether a follow-up text step is shown; defaults to the built-in choice for known ids. */
  text?: TextMode;
}

export interface ShowOptions extends CustomerOptions {
  /**
   * A customer token minted by the merchant's server (docs/design.md §11), sent as
   * `customer_token` with submit, accept-offer and decline; never logged or tracked.
   */
  customerToken?: string;
  reasons?: CustomReason[];
  locale?: string;
  theme?: Theme;
  position?: Position;
  zIndex?: number;
  /** CSP nonce for the `<style>` fallback on browsers without constructable stylesheets. */
  nonce?: string;
  onSubmit?: (result: WidgetResult) => void;
  onDismiss?: (result: WidgetResult) => void;
  onOfferAccepted?: (result: WidgetResult) => void;
}

export interface InitOptions extends ShowOptions {
  apiKey?: string;
  /** Alias of `apiKey`. */
  publicKey?: string;
  apiBase?: string;
}

const TEXT_MODES: Readonly<Record<string, TextMode>> = {
  missing_features: "optional",
  switching_competitor: "optional",
  technical_issues: "optional",
  other: "required",
};

/** The reasons to offer: the host's list when given (labels translated when omitted), else all. */
export function buildReasons(strings: Strings, custom?: CustomReason[]): ReasonOption[] {
  const labels = strings.reasons as Record<string, string>;
  const source = custom?.length
    ? custom
    : Object.keys(labels).map((value): CustomReason => ({ value }));
  const reasons: ReasonOption[] = [];
  for (const item of source) {
    const value = item.value ?? item.id;
    if (!value || reasons.some((r) => r.value === value)) continue;
    reasons.push({
      value,
      label: item.label ?? labels[value] ?? value,
      text: item.text ?? TEXT_MODES[value] ?? "none",
    });
  }
  return reasons;
}

export function isTheme(value: unknown): value is Theme {
  return value === "light" || value === "dark" || value === "auto";
}
