/**
 * Offers: one card per cancel reason (docs/design.md §2.5). Each card has its own editor, a pure
 * machine (lib/offer-draft.ts) whose `saving`, `deleting` and `toggling` states are carried out
 * here: `PUT` and `DELETE …/retention-offers/:reason`.
 */
import {
  CANCEL_REASONS,
  type CancelReason,
  OFFER_TEXT_LIMITS,
  OFFER_TYPE_FIELDS,
  OFFER_TYPES,
  type OfferType,
  type Project,
  type RetentionOffer,
} from "@windback/protocol";
import { useEffect, useId, useReducer, useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { ConfirmDialog } from "../components/dialog";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { ErrorState, InlineError, Loading } from "../components/states";
import { WidgetPreviewSlot } from "../components/widget-preview-slot";
import { useResource } from "../hooks/use-resource";
import { focusFirstInvalid } from "../lib/focus";
import { OFFER_TYPE_HINTS, OFFER_TYPE_LABELS, REASON_LABELS } from "../lib/labels";
import {
  draftToInput,
  draftToPreview,
  fieldLabel,
  initialEditorState,
  isDirty,
  type OfferEditorState,
  offerTerms,
  reduceOfferEditor,
} from "../lib/offer-draft";
import { paths } from "../lib/paths";

const NOTICES = {
  saved: "Offer saved.",
  deleted: "Offer deleted.",
  enabled: "Offer enabled.",
  disabled: "Offer disabled.",
} as const;

function Editor({
  state,
  dispatch,
  onClose,
}: {
  state: OfferEditorState;
  dispatch: (event: Parameters<typeof reduceOfferEditor>[1]) => void;
  onClose(): void;
}) {
  const { draft, errors } = state;
  const typeId = useId();
  const enabledId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const busy = state.status !== "idle";

  // After a refused save, focus the first input with a message.
  useEffect(() => {
    if (state.submitted && Object.keys(errors).length > 0 && state.status === "idle") {
      focusFirstInvalid(formRef.current);
    }
  }, [errors, state.submitted, state.status]);

  return (
    <form
      ref={formRef}
      class="offer-editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        dispatch({ type: "SAVE" });
      }}
    >
      <div class="stack">
        <div class="field">
          <label for={typeId}>Offer type</label>
          <p class="hint" id={`${typeId}-hint`}>
            {OFFER_TYPE_HINTS[draft.offer_type]}
          </p>
          <select
            id={typeId}
            value={draft.offer_type}
            aria-describedby={`${typeId}-hint`}
            onChange={(e) =>
              dispatch({ type: "SET_TYPE", offerType: e.currentTarget.value as OfferType })
            }
          >
            {OFFER_TYPES.map((type) => (
              <option key={type} value={type}>
                {OFFER_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        </div>
        {OFFER_TYPE_FIELDS[draft.offer_type].map((rule) => (
          <Field
            key={rule.name}
            label={fieldLabel(rule.name)}
            name={rule.name}
            required
            {...(rule.kind === "integer"
              ? {
                  type: "number",
                  inputMode: "numeric" as const,
                  min: rule.min,
                  max: rule.max,
                  step: 1,
                }
              : { maxLength: rule.max })}
            hint={rule.kind === "integer" ? `${rule.min} to ${rule.max}` : undefined}
            value={draft.values[rule.name]}
            onValue={(value) => dispatch({ type: "EDIT", field: rule.name, value })}
            error={errors[rule.name]}
          />
        ))}
        <Field
          label="Title"
          name="title"
          required
          maxLength={OFFER_TEXT_LIMITS.title}
          value={draft.title}
          onValue={(value) => dispatch({ type: "EDIT", field: "title", value })}
          error={errors.title}
        />
        <Field
          label="Description"
          name="description"
          multiline
          maxLength={OFFER_TEXT_LIMITS.description}
          value={draft.description}
          onValue={(value) => dispatch({ type: "EDIT", field: "description", value })}
          error={errors.description}
        />
        <Field
          label="Button text"
          name="cta_button_text"
          required
          maxLength={OFFER_TEXT_LIMITS.cta_button_text}
          value={draft.cta_button_text}
          onValue={(value) => dispatch({ type: "EDIT", field: "cta_button_text", value })}
          error={errors.cta_button_text}
        />
        {draft.offer_type === "custom" && (
          <Field
            label="Button link (optional)"
            name="cta_url"
            type="url"
            inputMode="url"
            maxLength={OFFER_TEXT_LIMITS.cta_url}
            hint="Handed to your page with the result as selectedOffer.cta_url."
            value={draft.cta_url}
            onValue={(value) => dispatch({ type: "EDIT", field: "cta_url", value })}
            error={errors.cta_url}
          />
        )}
        <div class="check">
          <input
            id={enabledId}
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => dispatch({ type: "SET_ENABLED", enabled: e.currentTarget.checked })}
          />
          <label for={enabledId}>Show this offer to customers (enabled)</label>
        </div>
        <InlineError error={state.status === "saving" ? null : state.formError} />
        <div class="toolbar">
          <button type="submit" class="button button-primary" disabled={busy}>
            {state.status === "saving" ? "Saving…" : "Save offer"}
          </button>
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() => {
              dispatch({ type: "DISCARD" });
              onClose();
            }}
          >
            {isDirty(state) && state.saved ? "Discard changes" : "Close"}
          </button>
        </div>
      </div>
      <WidgetPreviewSlot
        reason={state.reason}
        offer={draftToPreview(draft)}
        enabled={draft.enabled}
      />
    </form>
  );
}

function OfferCard({
  project,
  reason,
  saved,
}: {
  project: Project;
  reason: CancelReason;
  saved: RetentionOffer | null;
}) {
  const { api, announce } = useApp();
  const [state, dispatch] = useReducer(reduceOfferEditor, null, () =>
    initialEditorState(reason, saved),
  );
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const headingId = useId();
  const editButton = useRef<HTMLButtonElement>(null);

  // Dependencies on purpose: a new server copy arrives only through `saved`.
  useEffect(() => dispatch({ type: "LOADED", offer: saved }), [saved]);

  // Carry out what the machine asked for; its outcome goes back in as an event.
  // Dependencies on purpose: runs once per entry into a busy state.
  useEffect(() => {
    if (state.status === "saving" || state.status === "toggling") {
      void api.offers
        .save(project.slug, reason, draftToInput(state.draft))
        .then((result) =>
          dispatch(
            result.ok
              ? { type: "SAVE_OK", offer: result.data }
              : { type: "SAVE_FAILED", error: result.error },
          ),
        );
    } else if (state.status === "deleting") {
      void api.offers.remove(project.slug, reason).then((result) => {
        dispatch(
          result.ok ? { type: "DELETE_OK" } : { type: "DELETE_FAILED", error: result.error },
        );
      });
    }
  }, [state.status]);

  useEffect(() => {
    if (!state.notice) return;
    announce(`${REASON_LABELS[reason]}: ${NOTICES[state.notice]}`);
    if (state.notice === "saved" || state.notice === "deleted") {
      setEditing(false);
      setConfirmDelete(false);
      editButton.current?.focus();
    }
  }, [state.notice]);

  const offer = state.saved;
  const busy = state.status !== "idle";
  return (
    <li class="card offer-card" aria-labelledby={headingId}>
      <div class="offer-card-head">
        <div>
          <h2 id={headingId}>{REASON_LABELS[reason]}</h2>
          {offer ? (
            <p>
              <span class={`badge ${offer.enabled ? "badge-ok" : ""}`}>
                {offer.enabled ? "Enabled" : "Disabled"}
              </span>{" "}
              {OFFER_TYPE_LABELS[offer.offer_type]} · {offerTerms(offer)} · “{offer.title}”
            </p>
          ) : (
            <p class="hint">No offer: customers who pick this reason go straight to confirming.</p>
          )}
        </div>
        <div class="toolbar">
          {/* The reason is in each name for screen readers, after the visible words (WCAG 2.5.3). */}
          {!editing && (
            <button ref={editButton} type="button" class="button" onClick={() => setEditing(true)}>
              {offer ? (
                <>
                  Edit<span class="sr-only"> the offer</span>
                </>
              ) : (
                "Add an offer"
              )}
              <span class="sr-only"> for “{REASON_LABELS[reason]}”</span>
            </button>
          )}
          {offer && !editing && (
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => dispatch({ type: "TOGGLE" })}
            >
              {state.status === "toggling" ? "Saving…" : offer.enabled ? "Disable" : "Enable"}
              <span class="sr-only"> the offer for “{REASON_LABELS[reason]}”</span>
            </button>
          )}
          {offer && (
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              onClick={() => setConfirmDelete(true)}
            >
              Delete<span class="sr-only"> the offer for “{REASON_LABELS[reason]}”</span>
            </button>
          )}
        </div>
      </div>
      {!editing && <InlineError error={state.formError} />}
      {editing && (
        <Editor
          state={state}
          dispatch={dispatch}
          onClose={() => {
            setEditing(false);
            setTimeout(() => editButton.current?.focus());
          }}
        />
      )}
      {confirmDelete && offer && (
        <ConfirmDialog
          title={`Delete the offer for “${REASON_LABELS[reason]}”?`}
          confirmLabel="Delete the offer"
          danger
          busy={state.status === "deleting"}
          error={state.status === "idle" ? state.formError : null}
          onConfirm={() => dispatch({ type: "DELETE" })}
          onCancel={() => setConfirmDelete(false)}
        >
          <p>Customers who pick this reason will go straight to confirming their cancellation.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

export function OffersScreen({ project }: { project: Project }) {
  const { api } = useApp();
  const offers = useResource((signal) => api.offers.list(project.slug, signal), [project.slug]);
  const state = offers.state;

  return (
    <Page
      title="Offers"
      lead="When a customer gives a reason, the widget shows the enabled offer for that reason, if any. Changes apply to the next customer."
    >
      {state.status === "loading" && !state.data && <Loading label="Loading the offers…" />}
      {state.status === "error" && !state.data && (
        <ErrorState error={state.error} title="Could not load the offers" onRetry={offers.reload} />
      )}
      {state.data && (
        <>
          {state.data.data.length === 0 && (
            <p class="notice">
              No offers yet: every customer goes straight to confirming. Add an offer to the reasons
              you can do something about, starting with the most common ones (see{" "}
              <a href={paths.project(project.slug, "analytics")}>Analytics</a>
              ).
            </p>
          )}
          <ul class="offer-list">
            {CANCEL_REASONS.map((reason) => (
              <OfferCard
                key={`${project.slug}:${reason}`}
                project={project}
                reason={reason}
                saved={state.data?.data.find((o) => o.cancel_reason === reason) ?? null}
              />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
