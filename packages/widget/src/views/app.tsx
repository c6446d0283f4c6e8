/**
 * The dialog. Thin on purpose: it renders the machine's state and turns clicks and keys into
 * events; every decision lives in `core/flow.ts`.
 */
import { type PublicOffer, REASON_TEXT_MAX_LENGTH } from "@windback/protocol";
import type { ComponentChildren } from "preact";
import { type FlowEvent, type FlowState, reasonOf } from "../core/flow";
import { format, type Strings, type Template } from "../i18n/index";
import type { Mode, Position } from "../options";

export interface AppProps {
  state: FlowState;
  dispatch(event: FlowEvent): void;
  strings: Strings;
  /** `auto` is resolved by the caller (matchMedia), so the CSS carries one dark palette. */
  theme: "light" | "dark";
  position: Position;
  mode: Mode;
  /** Shows the "Test mode" badge: the flow writes test data (a `pub_test_` key). */
  testMode?: boolean | undefined;
}

const TITLE_ID = "wb-title";
/** The dialog's only tab stops (it renders no links and no positive tabindex). */
const FOCUSABLE = "button,input,textarea";

/** The screen to show: in-flight steps keep showing the screen whose button started them. */
export function screenOf(state: FlowState): string {
  switch (state.step) {
    case "submitting":
      return reasonOf(state)?.text === "none" ? "reasons" : "details";
    case "accepting":
    case "declining":
      return "offer";
    default:
      return state.step;
  }
}

/** Per offer type: the template and its values, or nothing when the type's fields are missing. */
const DETAILS: Record<
  string,
  (o: PublicOffer) => 0 | "" | null | undefined | [Template, Record<string, string | number>]
> = {
  discount: (o) =>
    o.discount_percent && [
      "discount",
      { p: o.discount_percent, m: o.discount_duration_months ?? 1 },
    ],
  pause: (o) => o.pause_days && ["pause", { d: o.pause_days }],
  extension: (o) => o.extension_days && ["extension", { d: o.extension_days }],
  downgrade: (o) => o.downgrade_plan && ["downgrade", { plan: o.downgrade_plan }],
  feature_unlock: (o) =>
    o.feature_name && ["unlock", { feature: o.feature_name, d: o.feature_unlock_days ?? 30 }],
};

/** The one-line summary of an offer's terms (e.g. "50% off for 3 months"), or null for `custom`. */
export function offerDetail(offer: PublicOffer, t: Strings): string | null {
  const detail = DETAILS[offer.offer_type]?.(offer);
  return detail ? format(t, ...detail) : null;
}

/**
 * Keeps Tab and Shift+Tab inside the dialog. Only the checked radio is a tab stop (the browser
 * moves within the group with arrow keys), so unchecked radios are left out of the cycle.
 */
function trapTab(event: KeyboardEvent, dialog: HTMLElement): void {
  const items = [...dialog.querySelectorAll<HTMLInputElement>(FOCUSABLE)].filter(
    (el) => el.type !== "radio" || el.checked || !dialog.querySelector(":checked"),
  );
  const active = (dialog.getRootNode() as ShadowRoot).activeElement as HTMLInputElement | null;
  const first = items[0];
  const last = items[items.length - 1];
  const atStart = items.indexOf(active as HTMLInputElement) <= 0 || active?.type === "radio";
  if (event.shiftKey ? atStart : active === last || !dialog.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? last : first)?.focus();
  }
}

interface ButtonProps {
  kind: "primary" | "secondary" | "link";
  busy?: boolean;
  busyLabel?: string;
  onClick(): void;
  children: ComponentChildren;
}

/**
 * Busy buttons stay enabled (a disabled button would drop focus out of the trap) and say so
 * with aria-busy; the machine ignores the repeated click.
 */
function Button({ kind, busy, busyLabel, onClick, children }: ButtonProps) {
  return (
    <button
      type="button"
      class={`wb-btn wb-${kind}`}
      aria-busy={busy || undefined}
      onClick={onClick}
    >
      {busy ? busyLabel : children}
    </button>
  );
}

function Title({ children }: { children: ComponentChildren }) {
  return (
    <h2 id={TITLE_ID} class="wb-title" tabIndex={-1}>
      {children}
    </h2>
  );
}

function ReasonsScreen({ state, dispatch, strings: t }: AppProps) {
  const busy = state.step === "submitting";
  return (
    <>
      {/* Native radios in one named group: the browser provides arrow keys, wrapping and RTL. */}
      <fieldset class="wb-fieldset" aria-describedby="wb-intro">
        <legend class="wb-legend">
          <Title>{t.reasonsTitle}</Title>
        </legend>
        <p id="wb-intro" class="wb-intro">
          {t.reasonsIntro}
        </p>
        <div class="wb-reasons">
          {state.reasons.map((r) => (
            <label key={r.value} class="wb-reason">
              <input
                type="radio"
                name="wb-reason"
                value={r.value}
                checked={state.reason === r.value}
                onChange={() => dispatch({ type: "SELECT_REASON", reason: r.value })}
              />
              <span>{r.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {state.validation === "reason_required" && (
        <p class="wb-invalid" role="alert">
          {t.reasonRequired}
        </p>
      )}
      <div class="wb-actions">
        <Button
          kind="primary"
          busy={busy}
          busyLabel={t.sending}
          onClick={() => dispatch({ type: "SUBMIT" })}
        >
          {t.continue}
        </Button>
        <Button kind="link" onClick={() => dispatch({ type: "CANCEL_ANYWAY" })}>
          {t.cancelAnyway}
        </Button>
      </div>
    </>
  );
}

function DetailsScreen({ state, dispatch, strings: t }: AppProps) {
  const reason = reasonOf(state);
  const required = reason?.text === "required";
  const invalid = state.validation === "text_required";
  const prompt =
    (reason && t.detailsPrompt[reason.value as keyof Strings["detailsPrompt"]]) ?? t.detailsDefault;
  return (
    <>
      <Title>{t.detailsTitle}</Title>
      <p class="wb-intro">{reason?.label}</p>
      <label class="wb-label" for="wb-text">
        {prompt} <span class="wb-hint">({required ? t.required : t.optional})</span>
      </label>
      <textarea
        id="wb-text"
        class="wb-textarea"
        rows={4}
        maxLength={REASON_TEXT_MAX_LENGTH}
        value={state.text}
        required={required}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={invalid ? "wb-text-error" : undefined}
        onInput={(e) => dispatch({ type: "SET_TEXT", text: e.currentTarget.value })}
      />
      {invalid && (
        <p id="wb-text-error" class="wb-invalid" role="alert">
          {t.textRequired}
        </p>
      )}
      <div class="wb-actions">
        <Button
          kind="primary"
          busy={state.step === "submitting"}
          busyLabel={t.sending}
          onClick={() => dispatch({ type: "SUBMIT" })}
        >
          {t.continue}
        </Button>
        <Button kind="secondary" onClick={() => dispatch({ type: "BACK" })}>
          {t.back}
        </Button>
        <Button kind="link" onClick={() => dispatch({ type: "CANCEL_ANYWAY" })}>
          {t.cancelAnyway}
        </Button>
      </div>
    </>
  );
}

function OfferScreen({ state, dispatch, strings: t }: AppProps) {
  const offer = state.offer;
  if (!offer) return null;
  const detail = offerDetail(offer, t);
  return (
    <>
      <p class="wb-badge">{t.offerBadge}</p>
      <Title>{offer.title}</Title>
      <div class="wb-offer">
        {detail && <p class="wb-offer-detail">{detail}</p>}
        {offer.description && <p class="wb-offer-text">{offer.description}</p>}
      </div>
      <div class="wb-actions">
        <Button
          kind="primary"
          busy={state.step === "accepting"}
          busyLabel={t.sending}
          onClick={() => dispatch({ type: "ACCEPT" })}
        >
          {offer.cta_button_text}
        </Button>
        <Button
          kind="secondary"
          busy={state.step === "declining"}
          busyLabel={t.sending}
          onClick={() => dispatch({ type: "DECLINE" })}
        >
          {t.decline}
        </Button>
      </div>
    </>
  );
}

function ConfirmScreen({ dispatch, strings: t }: AppProps) {
  return (
    <>
      <Title>{t.confirmTitle}</Title>
      <p class="wb-intro">{t.confirmBody}</p>
      <div class="wb-actions">
        <Button kind="primary" onClick={() => dispatch({ type: "CONFIRM" })}>
          {t.confirm}
        </Button>
        <Button kind="secondary" onClick={() => dispatch({ type: "DISMISS" })}>
          {t.keep}
        </Button>
      </div>
    </>
  );
}

/**
 * A failed "claim the offer" comes from a customer who chose to stay: it offers "Try again"
 * first, and "Continue cancelling" only as the way out (outcome error, like every failure).
 */
function ErrorScreen({ state, dispatch, strings: t }: AppProps) {
  const retry = state.failed === "accepting";
  return (
    <>
      <Title>{retry ? t.acceptErrorTitle : t.errorTitle}</Title>
      <p class="wb-intro" role="alert">
        {retry ? t.acceptErrorBody : t.errorBody}
      </p>
      <div class="wb-actions">
        {retry && (
          <Button kind="primary" onClick={() => dispatch({ type: "RETRY" })}>
            {t.retry}
          </Button>
        )}
        <Button
          kind={retry ? "secondary" : "primary"}
          onClick={() => dispatch({ type: "CANCEL_ANYWAY" })}
        >
          {t.continueCancelling}
        </Button>
      </div>
    </>
  );
}

const SCREENS: Record<string, (props: AppProps) => preact.JSX.Element | null> = {
  reasons: ReasonsScreen,
  details: DetailsScreen,
  offer: OfferScreen,
  confirm: ConfirmScreen,
  error: ErrorScreen,
  done: ({ strings: t }) => <Title>{t.done}</Title>,
};

export function App(props: AppProps) {
  const { state, dispatch, strings: t, theme, position, mode } = props;
  const Screen = SCREENS[screenOf(state)] ?? ReasonsScreen;

  // Escape is handled on the document (flow-view.tsx), wherever focus is. A preview is part of
  // the merchant's page: Tab passes through it and it is not modal.
  const preview = mode === "preview";
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Tab" && !preview) trapTab(event, event.currentTarget as HTMLElement);
  };

  return (
    <div class="wb-root" data-theme={theme} data-position={position} data-mode={mode} dir={t.dir}>
      {mode === "modal" && (
        // biome-ignore lint/a11y/useKeyWithClickEvents: a mouse shortcut; Escape and the close button are the keyboard paths.
        // biome-ignore lint/a11y/noStaticElementInteractions: the backdrop is decoration, not a control.
        <div class="wb-backdrop" onClick={() => dispatch({ type: "DISMISS" })} />
      )}
      {/* tabIndex -1: a click on plain text focuses the dialog instead of <body>, so Tab stays
          trapped; the trap leaves the dialog itself out of the cycle. */}
      <div
        class="wb-dialog"
        role="dialog"
        aria-modal={!preview}
        aria-labelledby={TITLE_ID}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div class="wb-body">
          {props.testMode && <p class="wb-test">{t.testMode}</p>}
          <Screen {...props} />
        </div>
        {state.step !== "done" && (
          <button
            type="button"
            class="wb-close"
            aria-label={t.close}
            onClick={() => dispatch({ type: "DISMISS" })}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        )}
      </div>
    </div>
  );
}
