/**
 * One churn event (`GET …/churn-events/:id`), and marking it recovered or lost
 * (`POST …/:id/recovered`, `POST …/:id/lost`; both final, docs/design.md §2.7).
 */
import type { ChurnEvent, Project } from "@windback/protocol";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useApp } from "../app-state";
import { ConfirmDialog } from "../components/dialog";
import { Page } from "../components/page";
import { ErrorState, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import type { ApiFailure } from "../lib/api-client";
import { formatDateTime, formatMoney } from "../lib/format";
import { offerTypeLabel, reasonLabel } from "../lib/labels";
import { churnEventsListHref, StatusBadge } from "./churn-events";

type Final = "recovered" | "lost";

const FINAL_TEXT: Record<Final, { title: string; body: string; button: string }> = {
  recovered: {
    title: "Mark this customer recovered?",
    body: "Use this when the customer is paying again (for example after accepting the offer). It is final: the event cannot change status again.",
    button: "Mark recovered",
  },
  lost: {
    title: "Mark this customer lost?",
    body: "Use this when the subscription has ended. It is final: the event cannot change status again.",
    button: "Mark lost",
  },
};

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="dl-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Details({ event }: { event: ChurnEvent }) {
  return (
    <dl class="details">
      <Row label="Status">
        <StatusBadge status={event.status} />
      </Row>
      <Row label="Email">{event.customer_email}</Row>
      <Row label="Name">{event.customer_name ?? "—"}</Row>
      <Row label="Reason">{reasonLabel(event.cancel_reason)}</Row>
      <Row label="In their words">
        {event.cancel_reason_text ? <q>{event.cancel_reason_text}</q> : "—"}
      </Row>
      <Row label="MRR">{formatMoney(event.mrr_cents, event.currency)}</Row>
      <Row label="Plan">{event.plan_name ?? "—"}</Row>
      <Row label="Customer for">
        {event.tenure_days === null ? "—" : `${event.tenure_days} days`}
      </Row>
      <Row label="Offer">
        {event.offer_type === null
          ? "None shown"
          : `${offerTypeLabel(event.offer_type)}${event.offer_accepted_at ? `, accepted ${formatDateTime(event.offer_accepted_at)}` : event.offer_declined ? ", declined" : event.offer_shown ? ", shown" : ""}`}
      </Row>
      <Row label="Source">
        {event.source === "cancel_flow"
          ? "Cancel flow (widget)"
          : event.source === "api"
            ? "API"
            : event.source}
      </Row>
      <Row label="Billing">
        {event.provider}
        {event.provider_subscription_id && (
          <>
            {" "}
            <code>{event.provider_subscription_id}</code>
          </>
        )}
      </Row>
      <Row label="Created">{formatDateTime(event.created_at)}</Row>
      <Row label="Updated">{formatDateTime(event.updated_at)}</Row>
    </dl>
  );
}

export function ChurnEventScreen({ project, id }: { project: Project; id: string }) {
  const { api, announce } = useApp();
  const event = useResource(
    (signal) => api.churnEvents.get(project.slug, id, signal),
    [project.slug, id],
  );
  const [pending, setPending] = useState<Final | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  const mark = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    const result = await api.churnEvents.mark(project.slug, id, pending);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      // Someone else may have finalised it meanwhile: show the server's copy.
      if (result.error.code === "INVALID_TRANSITION") event.reload();
      return;
    }
    setPending(null);
    event.update(() => result.data);
    announce(`Marked ${result.data.status}`);
  };

  const state = event.state;
  const back = (
    <p>
      <a href={churnEventsListHref(project.slug)}>Back to churn events</a>
    </p>
  );
  if (state.status === "loading" && !state.data) {
    return (
      <Page title="Churn event">
        {back}
        <Loading />
      </Page>
    );
  }
  if (state.status === "error" && !state.data) {
    return (
      <Page title={state.error.status === 404 ? "Churn event not found" : "Churn event"}>
        {back}
        <ErrorState
          error={state.error}
          title={
            state.error.status === 404
              ? "This event does not exist in this project"
              : "Could not load the event"
          }
          {...(state.error.status !== 404 && { onRetry: event.reload })}
        />
      </Page>
    );
  }
  const data = state.data as ChurnEvent;
  const open = data.status === "new" || data.status === "offer_accepted";
  return (
    <Page title={`Churn event: ${data.customer_email}`}>
      {back}
      <Details event={data} />
      {open ? (
        <div class="toolbar">
          <button
            type="button"
            class="button"
            onClick={() => {
              setError(null);
              setPending("recovered");
            }}
          >
            Mark recovered…
          </button>
          <button
            type="button"
            class="button button-danger"
            onClick={() => {
              setError(null);
              setPending("lost");
            }}
          >
            Mark lost…
          </button>
        </div>
      ) : (
        <p class="hint">This event is {data.status}, which is final.</p>
      )}
      {pending && (
        <ConfirmDialog
          title={FINAL_TEXT[pending].title}
          confirmLabel={FINAL_TEXT[pending].button}
          danger={pending === "lost"}
          busy={busy}
          error={error}
          onConfirm={mark}
          onCancel={() => setPending(null)}
        >
          <p>{FINAL_TEXT[pending].body}</p>
        </ConfirmDialog>
      )}
    </Page>
  );
}
