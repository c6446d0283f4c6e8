/**
 * The offer editor as a pure machine: `(state, event) → state`, no DOM and no network.
 *
 * One editor per cancel reason. The view dispatches edits; when the state enters `saving`,
 * `deleting` or `toggling` the view performs that API call and dispatches its outcome. Fields and
 * ranges come from `OFFER_TYPE_FIELDS` and `OFFER_TEXT_LIMITS` in `@windback/protocol`, the table
 * the API validates with (docs/design.md §2.5), so the editor refuses what the server would.
 */
import {
  type CancelReason,
  OFFER_TEXT_LIMITS,
  OFFER_TYPE_FIELDS,
  OFFER_TYPES,
  type OfferBody,
  type OfferFieldName,
  type OfferType,
  type OfferTypeField,
  type PublicOffer,
  type RetentionOffer,
} from "@windback/protocol";
import type { ApiFailure } from "./api-client";
import { OFFER_FIELD_LABELS, OFFER_TYPE_LABELS } from "./labels";

type TextField = "title" | "description" | "cta_button_text" | "cta_url";
export type DraftField = "offer_type" | "enabled" | TextField | OfferFieldName;

export interface OfferDraft {
  offer_type: OfferType;
  title: string;
  description: string;
  cta_button_text: string;
  /** Only sent for `custom` offers (docs/design.md §2.5). */
  cta_url: string;
  enabled: boolean;
  /** The type fields as typed, kept across type switches so switching back restores them. */
  values: Readonly<Record<OfferFieldName, string>>;
}

export type DraftErrors = Partial<Record<DraftField, string>>;

type EditorStatus = "idle" | "saving" | "deleting" | "toggling";
type EditorNotice = "saved" | "deleted" | "enabled" | "disabled";

export interface OfferEditorState {
  reason: CancelReason;
  /** The offer as the server has it; null when the reason has none. */
  saved: RetentionOffer | null;
  draft: OfferDraft;
  /** Messages by input: from local validation, or from the server's 400 naming the input. */
  errors: DraftErrors;
  /** A failure not tied to an input (network, 404, 5xx), shown beside the buttons. */
  formError: ApiFailure | null;
  status: EditorStatus;
  /** What the last finished action did, for the live announcement. */
  notice: EditorNotice | null;
  /** Errors show once a save was tried, then follow every edit. */
  submitted: boolean;
}

export type OfferEditorEvent =
  | { type: "EDIT"; field: TextField | OfferFieldName; value: string }
  | { type: "SET_TYPE"; offerType: OfferType }
  | { type: "SET_ENABLED"; enabled: boolean }
  | { type: "SAVE" }
  | { type: "SAVE_OK"; offer: RetentionOffer }
  | { type: "SAVE_FAILED"; error: ApiFailure }
  /** Flip `enabled` of the saved offer straight away (the card's switch). */
  | { type: "TOGGLE" }
  | { type: "DELETE" }
  | { type: "DELETE_OK" }
  | { type: "DELETE_FAILED"; error: ApiFailure }
  | { type: "DISCARD" }
  /** The server's copy changed (reloaded list). */
  | { type: "LOADED"; offer: RetentionOffer | null };

const BLANK_VALUES: Record<OfferFieldName, string> = {
  discount_percent: "",
  discount_duration_months: "",
  pause_days: "",
  extension_days: "",
  downgrade_plan: "",
  feature_name: "",
  feature_unlock_days: "",
};

interface Template {
  title: string;
  description: string;
  cta_button_text: string;
  values: Partial<Record<OfferFieldName, string>>;
}

/** A reasonable first offer of each type, which the merchant then edits. */
const OFFER_TEMPLATES: Readonly<Record<OfferType, Template>> = {
  discount: {
    title: "Stay and save",
    description: "Keep your plan at a lower price while you decide.",
    cta_button_text: "Apply the discount",
    values: { discount_percent: "20", discount_duration_months: "3" },
  },
  pause: {
    title: "Take a break instead",
    description: "Pause your subscription and pick up where you left off. No charges while paused.",
    cta_button_text: "Pause my subscription",
    values: { pause_days: "30" },
  },
  extension: {
    title: "Have some time on us",
    description: "We'll add free days to your subscription while we make things right.",
    cta_button_text: "Add the free days",
    values: { extension_days: "14" },
  },
  downgrade: {
    title: "Switch to a smaller plan",
    description: "Keep your data and the essentials for less.",
    cta_button_text: "Switch plans",
    values: {},
  },
  feature_unlock: {
    title: "Try a feature on us",
    description: "Unlock a feature for free and see if it changes your mind.",
    cta_button_text: "Unlock it",
    values: { feature_unlock_days: "30" },
  },
  custom: {
    title: "Before you go",
    description: "Talk to us: we may be able to help.",
    cta_button_text: "Contact us",
    values: {},
  },
};

/** The offer type suggested for a reason that has no offer yet. */
const SUGGESTED_TYPE: Readonly<Record<CancelReason, OfferType>> = {
  too_expensive: "discount",
  missing_features: "feature_unlock",
  not_using_enough: "pause",
  switching_competitor: "discount",
  technical_issues: "extension",
  poor_support: "extension",
  dont_need_anymore: "pause",
  other: "custom",
};

export function blankDraft(reason: CancelReason, offerType = SUGGESTED_TYPE[reason]): OfferDraft {
  const template = OFFER_TEMPLATES[offerType];
  return {
    offer_type: offerType,
    title: template.title,
    description: template.description,
    cta_button_text: template.cta_button_text,
    cta_url: "",
    enabled: true,
    values: { ...BLANK_VALUES, ...template.values },
  };
}

export function draftFromOffer(offer: RetentionOffer): OfferDraft {
  const values = { ...BLANK_VALUES };
  for (const rule of OFFER_TYPE_FIELDS[offer.offer_type] ?? []) {
    const value = offer[rule.name];
    if (value !== undefined && value !== null) values[rule.name] = String(value);
  }
  return {
    offer_type: offer.offer_type,
    title: offer.title,
    description: offer.description ?? "",
    cta_button_text: offer.cta_button_text ?? offer.cta_text ?? "",
    cta_url: offer.cta_url ?? "",
    enabled: offer.enabled ?? offer.is_active ?? true,
    values,
  };
}

export function initialEditorState(
  reason: CancelReason,
  saved: RetentionOffer | null,
): OfferEditorState {
  return {
    reason,
    saved,
    draft: saved ? draftFromOffer(saved) : blankDraft(reason),
    errors: {},
    formError: null,
    status: "idle",
    notice: null,
    submitted: false,
  };
}

const INTEGER = /^\s*\d{1,9}\s*$/;

function fieldError(rule: OfferTypeField, offerType: OfferType, raw: string): string | null {
  const value = raw.trim();
  const label = OFFER_TYPE_LABELS[offerType].toLowerCase();
  if (rule.kind === "integer") {
    if (value === "")
      return `Required for a ${label} offer: a whole number from ${rule.min} to ${rule.max}.`;
    const n = INTEGER.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
      return `Enter a whole number from ${rule.min} to ${rule.max}.`;
    }
    return null;
  }
  if (value === "") return `Required for a ${label} offer.`;
  if (value.length > rule.max) return `At most ${rule.max} characters (now ${value.length}).`;
  return null;
}

function ctaUrlError(raw: string): string | null {
  const value = raw.trim();
  if (value === "") return null;
  if (value.length > OFFER_TEXT_LIMITS.cta_url) {
    return `At most ${OFFER_TEXT_LIMITS.cta_url} characters.`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full address starting with https://, e.g. https://example.com/plans.";
  }
  return url.protocol === "https:" || url.protocol === "http:"
    ? null
    : "The link must start with https:// or http://.";
}

function lengthError(value: string, max: number, required: boolean): string | null {
  const trimmed = value.trim();
  if (required && trimmed === "") return "Required.";
  if (trimmed.length > max) return `At most ${max} characters (now ${trimmed.length}).`;
  return null;
}

/** Every problem of the draft, by input, as the API would report it. Empty when it can be saved. */
export function validateDraft(draft: OfferDraft): DraftErrors {
  const errors: DraftErrors = {};
  const set = (field: DraftField, message: string | null) => {
    if (message) errors[field] = message;
  };
  if (!(OFFER_TYPES as readonly string[]).includes(draft.offer_type)) {
    set("offer_type", "Choose an offer type.");
    return errors;
  }
  set("title", lengthError(draft.title, OFFER_TEXT_LIMITS.title, true));
  set("description", lengthError(draft.description, OFFER_TEXT_LIMITS.description, false));
  set(
    "cta_button_text",
    lengthError(draft.cta_button_text, OFFER_TEXT_LIMITS.cta_button_text, true),
  );
  if (draft.offer_type === "custom") set("cta_url", ctaUrlError(draft.cta_url));
  for (const rule of OFFER_TYPE_FIELDS[draft.offer_type]) {
    set(rule.name, fieldError(rule, draft.offer_type, draft.values[rule.name]));
  }
  return errors;
}

export const isValidDraft = (draft: OfferDraft): boolean =>
  Object.keys(validateDraft(draft)).length === 0;

function typeFieldValues(draft: OfferDraft, validOnly: boolean): Partial<PublicOffer> {
  const out: Partial<Record<OfferFieldName, string | number>> = {};
  for (const rule of OFFER_TYPE_FIELDS[draft.offer_type]) {
    const raw = draft.values[rule.name].trim();
    if (validOnly && fieldError(rule, draft.offer_type, raw) !== null) continue;
    out[rule.name] = rule.kind === "integer" ? Number(raw) : raw;
  }
  return out as Partial<PublicOffer>;
}

/** The `PUT …/retention-offers/:reason` body: only the fields of the draft's type. */
export function draftToInput(draft: OfferDraft): OfferBody {
  const ctaUrl = draft.cta_url.trim();
  return {
    offer_type: draft.offer_type,
    title: draft.title.trim(),
    description: draft.description.trim(),
    cta_button_text: draft.cta_button_text.trim(),
    enabled: draft.enabled,
    ...typeFieldValues(draft, false),
    // A link only belongs to custom offers; null removes one left from an earlier type.
    cta_url: draft.offer_type === "custom" && ctaUrl !== "" ? ctaUrl : null,
  };
}

/**
 * The offer as the widget would receive it, from the unsaved draft (for the preview): invalid
 * type fields are left out rather than shown wrong.
 */
export function draftToPreview(draft: OfferDraft): PublicOffer {
  const ctaUrl = draft.cta_url.trim();
  return {
    offer_type: draft.offer_type,
    title: draft.title.trim(),
    description: draft.description.trim(),
    cta_button_text: draft.cta_button_text.trim(),
    ...typeFieldValues(draft, true),
    ...(draft.offer_type === "custom" && ctaUrl !== "" && ctaUrlError(ctaUrl) === null
      ? { cta_url: ctaUrl }
      : {}),
  };
}

function sameDraft(a: OfferDraft, b: OfferDraft): boolean {
  const input = (d: OfferDraft) => JSON.stringify(draftToInput(d));
  return input(a) === input(b);
}

/** Whether the draft differs from what is saved (a reason without an offer is always "new"). */
export function isDirty(state: OfferEditorState): boolean {
  return state.saved === null || !sameDraft(state.draft, draftFromOffer(state.saved));
}

/** Whether the draft is still what the editor started from (nothing typed yet). */
function isUntouched(state: OfferEditorState): boolean {
  const start = state.saved ? draftFromOffer(state.saved) : blankDraft(state.reason);
  return sameDraft(state.draft, start) && state.draft.offer_type === start.offer_type;
}

const SERVER_FIELD_ALIASES: Readonly<Record<string, DraftField>> = {
  cta_text: "cta_button_text",
  is_active: "enabled",
};
const DRAFT_FIELDS = new Set<string>([
  "offer_type",
  "enabled",
  "title",
  "description",
  "cta_button_text",
  "cta_url",
  ...Object.keys(BLANK_VALUES),
]);

/** The editor input a server error names (`body/discount_percent` → `discount_percent`), if any. */
export function draftFieldOf(error: ApiFailure): DraftField | null {
  const match = error.field?.match(/^body\/([a-z_]+)$/);
  if (!match?.[1]) return null;
  const name = SERVER_FIELD_ALIASES[match[1]] ?? match[1];
  return DRAFT_FIELDS.has(name) ? (name as DraftField) : null;
}

function edited(state: OfferEditorState, draft: OfferDraft): OfferEditorState {
  return {
    ...state,
    draft,
    // Once a save was tried, errors follow the edits; before, the user is left to type in peace.
    errors: state.submitted ? validateDraft(draft) : {},
    formError: null,
    notice: null,
  };
}

const BUSY: ReadonlySet<EditorStatus> = new Set(["saving", "deleting", "toggling"]);

export function reduceOfferEditor(
  state: OfferEditorState,
  event: OfferEditorEvent,
): OfferEditorState {
  // While a request runs, the draft is what is being sent: edits and new actions wait.
  if (BUSY.has(state.status)) {
    switch (event.type) {
      case "SAVE_OK":
        if (state.status === "deleting") return state;
        return {
          ...initialEditorState(state.reason, event.offer),
          notice:
            state.status === "toggling" ? (event.offer.enabled ? "enabled" : "disabled") : "saved",
        };
      case "SAVE_FAILED":
      case "DELETE_FAILED": {
        const field = draftFieldOf(event.error);
        if (field && state.status === "saving") {
          return {
            ...state,
            status: "idle",
            errors: { ...state.errors, [field]: event.error.message },
          };
        }
        // A failed switch leaves the offer as it was, so the draft goes back to the saved state.
        const draft =
          state.status === "toggling" && state.saved
            ? { ...state.draft, enabled: state.saved.enabled }
            : state.draft;
        return { ...state, draft, status: "idle", formError: event.error };
      }
      case "DELETE_OK":
        if (state.status !== "deleting") return state;
        return { ...initialEditorState(state.reason, null), notice: "deleted" };
      default:
        return state;
    }
  }

  switch (event.type) {
    case "EDIT":
      if (event.field in BLANK_VALUES) {
        const name = event.field as OfferFieldName;
        return edited(state, {
          ...state.draft,
          values: { ...state.draft.values, [name]: event.value },
        });
      }
      return edited(state, { ...state.draft, [event.field]: event.value });
    case "SET_TYPE": {
      if (event.offerType === state.draft.offer_type) return state;
      const old = OFFER_TEMPLATES[state.draft.offer_type];
      const next = OFFER_TEMPLATES[event.offerType];
      const draft = state.draft;
      // Texts still as the old type's template follow the new type; the merchant's own stay.
      const swap = (field: "title" | "description" | "cta_button_text") =>
        draft[field].trim() === "" || draft[field] === old[field] ? next[field] : draft[field];
      const values = { ...draft.values };
      for (const [name, value] of Object.entries(next.values) as [OfferFieldName, string][]) {
        if (values[name].trim() === "") values[name] = value;
      }
      return edited(state, {
        ...draft,
        offer_type: event.offerType,
        title: swap("title"),
        description: swap("description"),
        cta_button_text: swap("cta_button_text"),
        values,
      });
    }
    case "SET_ENABLED":
      return edited(state, { ...state.draft, enabled: event.enabled });
    case "SAVE": {
      const errors = validateDraft(state.draft);
      if (Object.keys(errors).length > 0) {
        return { ...state, submitted: true, errors, formError: null, notice: null };
      }
      return {
        ...state,
        submitted: true,
        errors: {},
        formError: null,
        notice: null,
        status: "saving",
      };
    }
    case "TOGGLE":
      // Only a saved offer without pending edits: the switch must not save half-typed changes.
      if (!state.saved || isDirty(state)) return state;
      return {
        ...state,
        draft: { ...state.draft, enabled: !state.saved.enabled },
        formError: null,
        notice: null,
        status: "toggling",
      };
    case "DELETE":
      if (!state.saved) return state;
      return { ...state, formError: null, notice: null, status: "deleting" };
    case "DISCARD":
      return initialEditorState(state.reason, state.saved);
    case "LOADED":
      // A fresh copy from the server replaces the draft only when nothing is being edited.
      if (isUntouched(state)) {
        return { ...initialEditorState(state.reason, event.offer), notice: state.notice };
      }
      return { ...state, saved: event.offer };
    default:
      return state;
  }
}

/** One line that says what the offer gives, e.g. "20% off for 3 months". */
export function offerTerms(offer: Partial<PublicOffer> & { offer_type: OfferType }): string {
  switch (offer.offer_type) {
    case "discount":
      return offer.discount_percent && offer.discount_duration_months
        ? `${offer.discount_percent}% off for ${offer.discount_duration_months} month${offer.discount_duration_months === 1 ? "" : "s"}`
        : "Discount";
    case "pause":
      return offer.pause_days ? `Pause for ${offer.pause_days} days` : "Pause";
    case "extension":
      return offer.extension_days ? `${offer.extension_days} free days` : "Free extension";
    case "downgrade":
      return offer.downgrade_plan ? `Downgrade to ${offer.downgrade_plan}` : "Downgrade";
    case "feature_unlock":
      return offer.feature_name && offer.feature_unlock_days
        ? `${offer.feature_name} free for ${offer.feature_unlock_days} days`
        : "Feature unlock";
    case "custom":
      return "Custom offer";
  }
}

/** Input labels for the type fields, re-exported for the view. */
export const fieldLabel = (name: OfferFieldName): string => OFFER_FIELD_LABELS[name];
