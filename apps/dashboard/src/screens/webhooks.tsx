/**
 * Webhooks (docs/design.md §9): the project's endpoints; create and rotate show the `whsec_`
 * secret once; edit (re-enable), delete and rotate with a confirmation; "Send test"; and each
 * endpoint's delivery log with Redeliver. The rules live in lib/webhooks.ts.
 */
import {
  type Project,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@windback/protocol";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { ConfirmDialog } from "../components/dialog";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { ScrollRegion } from "../components/scroll-region";
import { ShownOnce } from "../components/shown-once";
import { EmptyState, ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import type { ApiFailure } from "../lib/api-client";
import { focusFirstInvalid } from "../lib/focus";
import { formatDateTime, formatRelative } from "../lib/format";
import {
  canRedeliver,
  createEndpointBody,
  DELIVERY_STATUS_LABELS,
  deliveryResponse,
  type EndpointField,
  type EndpointForm,
  EVENT_TYPE_HINTS,
  endpointFieldOf,
  endpointForm,
  endpointFormProblems,
  endpointState,
  fieldMessage,
  formatDuration,
  shouldPoll,
  toggleEventType,
  updateEndpointBody,
} from "../lib/webhooks";

/** How often an open log asks again while an attempt is due. */
const POLL_MS = 1500;

type Pending =
  | { kind: "rotate"; endpoint: WebhookEndpoint }
  | { kind: "delete"; endpoint: WebhookEndpoint };

/** A signing secret, shown the one time the server returns it. */
function NewSecret(props: { secret: string; url: string; rotated: boolean; onDone(): void }) {
  return (
    <ShownOnce
      title={props.rotated ? "New signing secret" : "Endpoint created"}
      context={
        props.rotated
          ? `The new secret signs messages to ${props.url} from now on. For 24 hours the previous secret signs too (two signatures per message), so update your receiver before then.`
          : `Messages to ${props.url} are signed with this secret (Standard Webhooks).`
      }
      advice="Keep it on your server (an environment variable or secret store) and verify every message with it."
      value={props.secret}
      what="the signing secret"
      valueMarker="data-webhook-secret"
      onDone={props.onDone}
    />
  );
}

function EndpointEditor(props: {
  project: Project;
  endpoint?: WebhookEndpoint;
  onSaved(result: { endpoint?: WebhookEndpoint; secret?: string; url: string }): void;
  onCancel(): void;
}) {
  const { api } = useApp();
  const { endpoint } = props;
  const [form, setForm] = useState<EndpointForm>(() => endpointForm(endpoint));
  const [errors, setErrors] = useState<Partial<Record<EndpointField, string>>>({});
  const [formError, setFormError] = useState<ApiFailure | string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const typesId = useId();
  const titleId = useId();
  const enabledId = useId();

  const failed = (next: Partial<Record<EndpointField, string>>) => {
    setErrors(next);
    setTimeout(() => {
      if (!focusFirstInvalid(formRef.current)) {
        formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(typesId)} input`)?.focus();
      }
    });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    const problems = endpointFormProblems(form);
    if (Object.keys(problems).length > 0) return failed(problems);
    setErrors({});
    setBusy(true);
    if (endpoint) {
      const body = updateEndpointBody(endpoint, form);
      if (!body) {
        setBusy(false);
        return setFormError("Nothing changed.");
      }
      const result = await api.webhookEndpoints.update(props.project.slug, endpoint.id, body);
      setBusy(false);
      if (result.ok) return props.onSaved({ endpoint: result.data, url: result.data.url });
      const field = endpointFieldOf(result.error);
      return field ? failed({ [field]: fieldMessage(result.error) }) : setFormError(result.error);
    }
    const result = await api.webhookEndpoints.create(props.project.slug, createEndpointBody(form));
    setBusy(false);
    if (result.ok) return props.onSaved({ secret: result.data.secret, url: result.data.url });
    const field = endpointFieldOf(result.error);
    return field ? failed({ [field]: fieldMessage(result.error) }) : setFormError(result.error);
  };

  return (
    <form ref={formRef} class="card stack" noValidate onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>{endpoint ? "Edit the endpoint" : "Add an endpoint"}</h2>
      <Field
        label="URL"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        placeholder="https://api.example.com/windback-webhooks"
        maxLength={2048}
        required
        value={form.url}
        onValue={(url) => setForm((f) => ({ ...f, url }))}
        hint="Your server's address that receives the messages (https:)."
        error={errors.url}
      />
      <Field
        label="Description (optional)"
        maxLength={500}
        value={form.description}
        onValue={(description) => setForm((f) => ({ ...f, description }))}
        error={errors.description}
      />
      <fieldset
        class={`field event-types${errors.event_types ? " field-invalid" : ""}`}
        id={typesId}
        aria-describedby={errors.event_types ? `${typesId}-error` : undefined}
      >
        <legend>Event types</legend>
        <p class="hint">
          All of them by default; an endpoint with all also gets types added later.
        </p>
        {WEBHOOK_EVENT_TYPES.map((type) => {
          const id = `${typesId}-${type}`;
          return (
            <div class="check" key={type}>
              <input
                type="checkbox"
                id={id}
                checked={form.eventTypes.includes(type)}
                onChange={(e) => {
                  const { checked } = e.currentTarget;
                  setForm((f) => toggleEventType(f, type, checked));
                }}
              />
              <label for={id}>
                <code>{type}</code> <span class="sub">{EVENT_TYPE_HINTS[type]}</span>
              </label>
            </div>
          );
        })}
        {errors.event_types && (
          <p class="field-error" id={`${typesId}-error`}>
            {errors.event_types}
          </p>
        )}
      </fieldset>
      {endpoint && (
        <div class="field">
          <div class="check">
            <input
              type="checkbox"
              id={enabledId}
              checked={form.enabled}
              aria-describedby={
                !endpoint.enabled && endpoint.disabled_reason ? `${enabledId}-hint` : undefined
              }
              onChange={(e) => {
                const { checked } = e.currentTarget;
                setForm((f) => ({ ...f, enabled: checked }));
              }}
            />
            <label for={enabledId}>Enabled (messages are sent)</label>
          </div>
          {!endpoint.enabled && endpoint.disabled_reason && (
            <p class="hint" id={`${enabledId}-hint`}>
              Disabled: {endpoint.disabled_reason}. Enable it to resume its pending messages.
            </p>
          )}
        </div>
      )}
      <InlineError error={formError} />
      <div class="toolbar">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? "Saving…" : endpoint ? "Save the endpoint" : "Add the endpoint"}
        </button>
        <button type="button" class="button" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeliveryRow(props: {
  delivery: WebhookDelivery;
  now: number;
  onRedeliver(delivery: WebhookDelivery): Promise<ApiFailure | null>;
}) {
  const { delivery: d, now } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const tone = d.status === "succeeded" ? "badge-ok" : d.status === "failed" ? "badge-bad" : "";
  return (
    <tr data-delivery-attempt={d.attempt} data-delivery-status={d.status}>
      <th scope="row">
        <code>{d.event_type}</code>
        <span class="sub message-id">
          <code>{d.message_id}</code>
        </span>
      </th>
      <td class="num">{d.attempt}</td>
      <td>
        <span class={`badge ${tone}`}>{DELIVERY_STATUS_LABELS[d.status]}</span>
      </td>
      <td>{deliveryResponse(d)}</td>
      <td class="num">{formatDuration(d.duration_ms)}</td>
      <td title={formatDateTime(d.created_at)}>{formatRelative(d.created_at, now)}</td>
      <td title={d.next_attempt_at ? formatDateTime(d.next_attempt_at) : undefined}>
        {d.status === "pending" && d.next_attempt_at ? formatRelative(d.next_attempt_at, now) : "—"}
      </td>
      <td>
        {canRedeliver(d) && (
          <button
            type="button"
            class="button button-small"
            disabled={busy}
            aria-label={`Redeliver ${d.event_type} message ${d.message_id} (attempt ${d.attempt})`}
            onClick={async () => {
              setBusy(true);
              setError(null);
              setError(await props.onRedeliver(d));
              setBusy(false);
            }}
          >
            {busy ? "Sending…" : "Redeliver"}
          </button>
        )}
        <InlineError error={error} />
      </td>
    </tr>
  );
}

function DeliveryLog(props: {
  project: Project;
  endpoint: WebhookEndpoint;
  generation: number;
  /** An attempt finished: the endpoint's last success or failure has changed. */
  onSettled(): void;
}) {
  const { api, announce } = useApp();
  const { project, endpoint } = props;
  const log = useResource(
    (signal) => api.webhookEndpoints.deliveries(project.slug, endpoint.id, signal),
    [project.slug, endpoint.id, props.generation],
  );
  const list = log.state.data?.data ?? [];
  const now = Date.now();
  const polling = log.state.status === "ok" && shouldPoll(list, now);

  // While an attempt is due, ask again, so the outcome appears without a click.
  useEffect(() => {
    if (!polling) return;
    const timer = setTimeout(log.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [polling, log.state]);
  const settled = useRef(props.onSettled);
  settled.current = props.onSettled;
  const finished = list.filter((d) => d.status !== "pending").length;
  const seen = useRef<number | null>(null);
  useEffect(() => {
    if (log.state.status !== "ok") return;
    // Also on the first answer: an attempt may have finished before the log opened.
    if (finished !== seen.current) settled.current();
    seen.current = finished;
  }, [finished, log.state.status]);

  const redeliver = async (delivery: WebhookDelivery) => {
    const result = await api.webhookEndpoints.redeliver(project.slug, endpoint.id, delivery.id);
    if (!result.ok) return result.error;
    announce(`Message ${delivery.message_id} sent again (attempt ${result.data.attempt})`);
    log.reload();
    return null;
  };

  let body = <Loading label="Loading the delivery log…" />;
  if (log.state.status === "error" && !log.state.data) {
    body = (
      <ErrorState
        error={log.state.error}
        title="Could not load the delivery log"
        onRetry={log.reload}
      />
    );
  } else if (log.state.data && list.length === 0) {
    body = (
      <EmptyState title="No deliveries yet">
        <p>Press “Send test” to send a test message, or wait for a customer's cancel flow.</p>
      </EmptyState>
    );
  } else if (log.state.data) {
    body = (
      <ScrollRegion label={`Delivery log of ${endpoint.url}`}>
        <table class="table">
          <caption>
            Attempts, newest first
            {log.state.data.total > list.length &&
              ` (the newest ${list.length} of ${log.state.data.total})`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Duration</th>
              <th scope="col">Time</th>
              <th scope="col">Next attempt</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <DeliveryRow key={d.id} delivery={d} now={now} onRedeliver={redeliver} />
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    );
  }
  return (
    <div class="stack">
      <div class="toolbar">
        <button
          type="button"
          class="button button-small"
          onClick={log.reload}
          disabled={log.state.status === "loading"}
        >
          Refresh the log
        </button>
        {polling && <span class="hint">Refreshing while a delivery is due…</span>}
      </div>
      {log.state.status === "error" && log.state.data && <InlineError error={log.state.error} />}
      {body}
    </div>
  );
}

function EndpointCard(props: {
  project: Project;
  endpoint: WebhookEndpoint;
  onEdit(): void;
  onAsk(pending: Pending): void;
  /** Something the endpoint list shows (last success or failure) may have changed. */
  onChanged(): void;
}) {
  const { api, announce } = useApp();
  const { project, endpoint } = props;
  const [logOpen, setLogOpen] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [queued, setQueued] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const titleId = useId();
  const logId = useId();
  const state = endpointState(endpoint);
  const now = Date.now();

  const sendTest = async () => {
    setBusy(true);
    setError(null);
    const result = await api.webhookEndpoints.sendTest(project.slug, endpoint.id);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setQueued(result.data.message_id);
    announce(`Test message ${result.data.message_id} queued`);
    // The log opens (or reloads) to show the attempt as it happens.
    setLogOpen(true);
    setGeneration((n) => n + 1);
  };

  return (
    <article class="card stack" aria-labelledby={titleId} data-endpoint-id={endpoint.id}>
      <div class="offer-card-head">
        <h2 id={titleId}>
          <code>{endpoint.url}</code>
        </h2>
        <span class={`badge badge-${state.tone}`}>{state.label}</span>
      </div>
      {endpoint.description && <p>{endpoint.description}</p>}
      <dl class="details">
        <div class="dl-row">
          <dt>Event types</dt>
          <dd>
            {endpoint.event_types.length === WEBHOOK_EVENT_TYPES.length
              ? "All"
              : endpoint.event_types.map((t, i) => (
                  <span key={t}>
                    {i > 0 && ", "}
                    <code>{t}</code>
                  </span>
                ))}
          </dd>
        </div>
        <div class="dl-row">
          <dt>Signing secret</dt>
          <dd>
            <code>{endpoint.secret_hint}</code>
          </dd>
        </div>
        <div class="dl-row">
          <dt>Last success</dt>
          <dd title={endpoint.last_success_at ? formatDateTime(endpoint.last_success_at) : ""}>
            {endpoint.last_success_at ? formatRelative(endpoint.last_success_at, now) : "Never"}
          </dd>
        </div>
        <div class="dl-row">
          <dt>Last failure</dt>
          <dd title={endpoint.last_failure_at ? formatDateTime(endpoint.last_failure_at) : ""}>
            {endpoint.last_failure_at ? formatRelative(endpoint.last_failure_at, now) : "Never"}
          </dd>
        </div>
      </dl>
      <div class="toolbar">
        <button
          type="button"
          class="button button-small"
          onClick={sendTest}
          disabled={busy}
          aria-label={`Send test to ${endpoint.url}`}
        >
          {busy ? "Sending…" : "Send test"}
        </button>
        <button
          type="button"
          class="button button-small"
          aria-expanded={logOpen ? "true" : "false"}
          aria-controls={logId}
          onClick={() => setLogOpen(!logOpen)}
        >
          {logOpen ? "Hide the delivery log" : "Show the delivery log"}
        </button>
        <button
          type="button"
          class="button button-small"
          onClick={props.onEdit}
          aria-label={`Edit ${endpoint.url}`}
        >
          Edit
        </button>
        <button
          type="button"
          class="button button-small"
          onClick={() => props.onAsk({ kind: "rotate", endpoint })}
          aria-label={`Rotate secret of ${endpoint.url}`}
        >
          Rotate secret…
        </button>
        <button
          type="button"
          class="button button-small button-danger"
          onClick={() => props.onAsk({ kind: "delete", endpoint })}
          aria-label={`Delete ${endpoint.url}`}
        >
          Delete…
        </button>
      </div>
      <InlineError error={error} />
      {queued && (
        <p class="notice" role="status">
          Test message queued: <code class="message-id">{queued}</code> (the <code>webhook-id</code>{" "}
          your server receives).
        </p>
      )}
      <section id={logId} hidden={!logOpen} aria-label={`Delivery log of ${endpoint.url}`}>
        {logOpen && (
          <DeliveryLog
            project={project}
            endpoint={endpoint}
            generation={generation}
            onSettled={props.onChanged}
          />
        )}
      </section>
    </article>
  );
}

export function WebhooksScreen({ project }: { project: Project }) {
  const { api, announce } = useApp();
  const endpoints = useResource(
    (signal) => api.webhookEndpoints.list(project.slug, signal),
    [project.slug],
  );
  const [editing, setEditing] = useState<"new" | string | null>(null);
  const [fresh, setFresh] = useState<{ secret: string; url: string; rotated: boolean } | null>(
    null,
  );
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<ApiFailure | null>(null);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setDialogError(null);
    const { endpoint } = pending;
    if (pending.kind === "rotate") {
      const result = await api.webhookEndpoints.rotateSecret(project.slug, endpoint.id);
      setBusy(false);
      if (!result.ok) return setDialogError(result.error);
      setPending(null);
      setFresh({ secret: result.data.secret, url: endpoint.url, rotated: true });
      endpoints.reload();
    } else {
      const result = await api.webhookEndpoints.remove(project.slug, endpoint.id);
      setBusy(false);
      if (!result.ok) return setDialogError(result.error);
      setPending(null);
      if (editing === endpoint.id) setEditing(null);
      announce(`Endpoint ${endpoint.url} deleted`);
      endpoints.update((list) => ({
        ...list,
        data: list.data.filter((e) => e.id !== endpoint.id),
        total: list.total - 1,
      }));
    }
  };

  const state = endpoints.state;
  let body = <Loading label="Loading the endpoints…" />;
  if (state.status === "error" && !state.data) {
    body = (
      <ErrorState
        error={state.error}
        title="Could not load the endpoints"
        onRetry={endpoints.reload}
      />
    );
  } else if (state.data && state.data.data.length === 0 && editing !== "new") {
    body = (
      <EmptyState title="No webhook endpoints yet">
        <p>
          Add your server's URL to be told when a customer submits the cancel flow, accepts or
          declines an offer, is recovered or is lost.
        </p>
      </EmptyState>
    );
  } else if (state.data) {
    body = (
      <div>
        {state.data.data.map((endpoint) =>
          editing === endpoint.id ? (
            <EndpointEditor
              key={endpoint.id}
              project={project}
              endpoint={endpoint}
              onCancel={() => setEditing(null)}
              onSaved={({ endpoint: saved }) => {
                setEditing(null);
                announce("Endpoint saved");
                if (saved) {
                  endpoints.update((list) => ({
                    ...list,
                    data: list.data.map((e) => (e.id === saved.id ? saved : e)),
                  }));
                }
              }}
            />
          ) : (
            <EndpointCard
              key={endpoint.id}
              project={project}
              endpoint={endpoint}
              onEdit={() => setEditing(endpoint.id)}
              onChanged={endpoints.reload}
              onAsk={(next) => {
                setDialogError(null);
                setPending(next);
              }}
            />
          ),
        )}
      </div>
    );
  }

  return (
    <Page
      title="Webhooks"
      lead="Windback tells your server what happened, signed per Standard Webhooks: verify each message with the endpoint's secret (docs/webhooks.md)."
    >
      {fresh && (
        <NewSecret
          secret={fresh.secret}
          url={fresh.url}
          rotated={fresh.rotated}
          onDone={() => setFresh(null)}
        />
      )}
      {editing === "new" ? (
        <EndpointEditor
          project={project}
          onCancel={() => setEditing(null)}
          onSaved={({ secret, url }) => {
            setEditing(null);
            if (secret) setFresh({ secret, url, rotated: false });
            endpoints.reload();
          }}
        />
      ) : (
        <div class="toolbar">
          <button
            type="button"
            class="button button-primary"
            onClick={() => {
              setFresh(null);
              setEditing("new");
            }}
          >
            Add an endpoint
          </button>
        </div>
      )}
      {body}
      {pending?.kind === "rotate" && (
        <ConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Create a new secret"
          busy={busy}
          error={dialogError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            A new secret is created and shown once. For 24 hours messages to{" "}
            <code>{pending.endpoint.url}</code> carry two signatures, one with each secret, so your
            server keeps verifying while you replace the secret; then only the new one signs.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === "delete" && (
        <ConfirmDialog
          title="Delete this endpoint?"
          confirmLabel="Delete the endpoint"
          danger
          busy={busy}
          error={dialogError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            <code>{pending.endpoint.url}</code> gets no more messages; its pending messages and its
            delivery log are deleted with it.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}
