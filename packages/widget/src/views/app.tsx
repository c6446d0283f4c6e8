/**
 * The dialog. Thin on purpose: it renders the machine's state and turns clicks and keys into
 * events; every decision lives in `core/flow.ts`.
 */
import type { PublicOffer } from "@windback/protocol";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { type FlowEvent, type FlowState, IN_FLIGHT, reasonOf } from "../core/flow";
import type { Strings } from "../i18n/index";
import type { Position, Theme } from "../options";

export interface AppProps {
  state: FlowState;
  dispatch(event: FlowEvent): void;
  strings: Strings;
  theme: Theme;
  position: Position;
  /** `modal` floats over the host page; `inline` fills the iframe. */
  mode: "modal" | "inline";
}

const TITLE_ID = "wb-title";
const FOCUSABLE = "button,input,textarea,a[href],[tabindex]:not([tabindex='-1'])";

/** The screen to show: in-flight steps keep showing the screen whose button started them. */
function screenOf(state: FlowState): string {
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

export function offerDetail(offer: PublicOffer, t: Strings): string | null {
  switch (offer.offer_type) {
    case "discount":
      return offer.discount_percent
        ? t.discount(offer.discount_percent, offer.discount_duration_months ?? 1)
        : null;
    case "pause":
      return offer.pause_days ? t.pause(offer.pause_days) : null;
    case "extension":
      return offer.extension_days ? t.extension(offer.extension_days) : null;
    case "downgrade":
      return offer.downgrade_plan ? t.downgrade(offer.downgrade_plan) : null;
    case "feature_unlock":
      return offer.feature_name
        ? t.unlock(offer.feature_name, offer.feature_unlock_days ?? 30)
        : null;
    default:
      return null;
  }
}

/** Keeps Tab and Shift+Tab inside the dialog (a radio group counts as one stop). */
function trapTab(event: KeyboardEvent, dialog: HTMLElement): void {
  const checked = dialog.querySelector("input[type=radio]:checked");
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) =>
      !(el as HTMLButtonElement).disabled &&
      !(checked && el instanceof HTMLInputElement && el.type === "radio" && el !== checked),
  );
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = (dialog.getRootNode() as Document | ShadowRoot).activeElement;
  const index = active ? items.indexOf(active as HTMLElement) : -1;
  const inFirstGroup =
    active instanceof HTMLInputElement &&
    first instanceof HTMLInputElement &&
    active.type === "radio" &&
    active.name === first.name;
  if (event.shiftKey && (index <= 0 || inFirstGroup)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (index === -1 ? !dialog.contains(active) : active === last)) {
    event.preventDefault();
    first.focus();
  }
}

function Spinner() {
  return <span class="wb-spinner" aria-hidden="true" />;
}

interface ButtonProps {
  kind: "primary" | "secondary" | "link";
  busy?: boolean;
  busyLabel?: string;
  onClick(): void;
  children: ComponentChildren;
}

/** Busy buttons stay enabled (a disabled button would drop focus out of the trap); the machine ignores repeats. */
function Button({ kind, busy, busyLabel, onClick, children }: ButtonProps) {
  return (
    <button
      type="button"
      class={`wb-btn wb-${kind}`}
      aria-busy={busy ? "true" : undefined}
      aria-disabled={busy ? "true" : undefined}
      onClick={onClick}
    >
      {busy ? (
        <>
          <Spinner />
          {busyLabel}
        </>
      ) : (
        children
      )}
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
  const rtl = t.dir === "rtl";
  const onKeyDown = (event: KeyboardEvent) => {
    // Handled here rather than left to the browser so wrapping and RTL behave the same everywhere.
    const keys: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      ArrowRight: rtl ? -1 : 1,
      ArrowLeft: rtl ? 1 : -1,
    };
    const step = keys[event.key];
    if (!step) return;
    event.preventDefault();
    const { reasons } = state;
    const current = reasons.findIndex((r) => r.value === state.reason);
    const next = reasons[(current + step + reasons.length) % reasons.length];
    if (!next) return;
    dispatch({ type: "SELECT_REASON", reason: next.value });
    const radios = (event.currentTarget as HTMLElement).querySelectorAll<HTMLInputElement>("input");
    radios[reasons.indexOf(next)]?.focus();
  };
  return (
    <>
      <fieldset class="wb-fieldset" onKeyDown={onKeyDown} aria-describedby="wb-intro">
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
        maxLength={1000}
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

function ErrorScreen({ dispatch, strings: t }: AppProps) {
  return (
    <>
      <Title>{t.errorTitle}</Title>
      <p class="wb-intro" role="alert">
        {t.errorBody}
      </p>
      <div class="wb-actions">
        <Button kind="primary" onClick={() => dispatch({ type: "CONTINUE_AFTER_ERROR" })}>
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
  const dialog = useRef<HTMLDivElement>(null);
  const screen = screenOf(state);
  const Screen = SCREENS[screen] ?? ReasonsScreen;

  // Each new screen moves focus to its heading, so screen readers announce where the user is.
  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>(".wb-title")?.focus();
  }, [screen]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      dispatch({ type: "DISMISS" });
    } else if (event.key === "Tab" && dialog.current) {
      trapTab(event, dialog.current);
    }
  };

  return (
    <div
      class="wb-root"
      data-theme={theme}
      data-position={position}
      data-mode={mode}
      dir={t.dir}
      onKeyDown={onKeyDown}
    >
      {mode === "modal" && (
        <div class="wb-backdrop" onClick={() => dispatch({ type: "DISMISS" })} />
      )}
      <div
        ref={dialog}
        class="wb-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={TITLE_ID}
        aria-busy={IN_FLIGHT.has(state.step) ? "true" : undefined}
      >
        <div class="wb-body">
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
