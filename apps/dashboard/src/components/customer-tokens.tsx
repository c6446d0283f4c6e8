/**
 * Verified customers on the project settings screen (docs/design.md §11): the
 * `customer_verification` setting (`PATCH /projects/:slug`) and the customer-token secrets
 * (`POST`/`GET`/`DELETE /projects/:slug/customer-token-secrets`): a new secret is shown once,
 * the list is masked, revoking asks first, and at most two are active.
 */
import type {
  CreatedCustomerTokenSecret,
  CustomerTokenSecret,
  CustomerVerification,
  Project,
} from "@windback/protocol";
import { useId, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { useResource } from "../hooks/use-resource";
import type { ApiFailure } from "../lib/api-client";
import {
  createBlockedReason,
  isActiveSecret,
  sortSecrets,
  VERIFICATION_CHOICES,
  verificationWarning,
} from "../lib/customer-tokens";
import { formatDateTime } from "../lib/format";
import { paths } from "../lib/paths";
import { ConfirmDialog } from "./dialog";
import { ScrollRegion } from "./scroll-region";
import { ShownOnce } from "./shown-once";
import { EmptyState, ErrorState, InlineError, Loading } from "./states";

function VerificationForm({
  project,
  secrets,
}: {
  project: Project;
  secrets: readonly CustomerTokenSecret[] | null;
}) {
  const { api, reloadProjects, announce } = useApp();
  const [choice, setChoice] = useState<CustomerVerification>(project.customer_verification);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState(false);
  const name = useId();
  const warning = verificationWarning(choice, secrets);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const result = await api.projects.patch(project.slug, { customer_verification: choice });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setSaved(true);
    announce(`Customer verification: ${choice}`);
    await reloadProjects();
  };

  return (
    <form class="stack" onSubmit={onSubmit} noValidate>
      <fieldset class="stack">
        <legend>Customer verification</legend>
        {VERIFICATION_CHOICES.map((c) => (
          <div class="choice" key={c.value}>
            <input
              type="radio"
              id={`${name}-${c.value}`}
              name={name}
              value={c.value}
              checked={choice === c.value}
              aria-describedby={`${name}-${c.value}-hint`}
              onChange={() => {
                setChoice(c.value);
                setSaved(false);
              }}
            />
            <label for={`${name}-${c.value}`}>{c.label}</label>
            <p class="hint" id={`${name}-${c.value}-hint`}>
              {c.hint}
            </p>
          </div>
        ))}
      </fieldset>
      {warning && <p class="warning">{warning}</p>}
      <InlineError error={error} />
      {saved && (
        <p class="notice" role="status">
          Saved.
        </p>
      )}
      <div class="toolbar">
        <button
          type="submit"
          class="button button-primary"
          disabled={busy || choice === project.customer_verification}
        >
          {busy ? "Saving…" : "Save verification"}
        </button>
      </div>
    </form>
  );
}

function NewSecret({ secret, onDone }: { secret: CreatedCustomerTokenSecret; onDone(): void }) {
  return (
    <ShownOnce
      title="New customer-token secret"
      level={3}
      advice={
        <>
          Keep it on your server (an environment variable); it signs tokens with <code>kid</code>{" "}
          <code>{secret.id}</code>.
        </>
      }
      value={secret.secret}
      what="the secret"
      onDone={onDone}
    />
  );
}

export function CustomerTokens({ project }: { project: Project }) {
  const { api, announce } = useApp();
  const secrets = useResource(
    (signal) => api.customerTokenSecrets.list(project.slug, signal),
    [project.slug],
  );
  const [fresh, setFresh] = useState<CreatedCustomerTokenSecret | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [revoking, setRevoking] = useState<CustomerTokenSecret | null>(null);
  const [dialogError, setDialogError] = useState<ApiFailure | null>(null);
  const list = secrets.state.data ? sortSecrets(secrets.state.data.data) : null;
  const blocked = list ? createBlockedReason(list) : null;

  const create = async () => {
    setBusy(true);
    setError(null);
    const result = await api.customerTokenSecrets.create(project.slug);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setFresh(result.data);
    secrets.reload();
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setDialogError(null);
    const result = await api.customerTokenSecrets.revoke(project.slug, revoking.id);
    setBusy(false);
    if (!result.ok) return setDialogError(result.error);
    announce(`Secret ${revoking.secret_masked} revoked`);
    setRevoking(null);
    secrets.reload();
  };

  let table = <Loading label="Loading the secrets…" />;
  if (secrets.state.status === "error" && !list) {
    table = (
      <ErrorState
        error={secrets.state.error}
        title="Could not load the customer-token secrets"
        onRetry={secrets.reload}
      />
    );
  } else if (list && list.length === 0) {
    table = (
      <EmptyState title="No secrets yet">
        <p>Create one, then mint tokens on your server (the Install screen shows how).</p>
      </EmptyState>
    );
  } else if (list) {
    table = (
      <ScrollRegion label="Customer-token secrets">
        <table class="table">
          <caption>Customer-token secrets</caption>
          <thead>
            <tr>
              <th scope="col">Secret</th>
              <th scope="col">Key id (kid)</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <code>{s.secret_masked}</code>
                </th>
                <td>
                  <code>{s.id}</code>
                </td>
                <td>
                  {isActiveSecret(s) ? (
                    <span class="badge badge-ok">Active</span>
                  ) : (
                    <span class="badge">Revoked {formatDateTime(s.revoked_at)}</span>
                  )}
                </td>
                <td>{formatDateTime(s.created_at)}</td>
                <td>
                  {isActiveSecret(s) && (
                    <button
                      type="button"
                      class="button button-small button-danger"
                      aria-label={`Revoke secret ${s.secret_masked}`}
                      onClick={() => {
                        setDialogError(null);
                        setRevoking(s);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    );
  }

  return (
    <section class="card stack" aria-labelledby="customer-tokens-title">
      <h2 id="customer-tokens-title">Verified customers</h2>
      <p>
        Your server signs a short-lived <em>customer token</em> (HS256, at most 24 hours) for the
        customer on your cancel page, so the browser cannot speak for anyone else.{" "}
        <a href={paths.project(project.slug, "install")}>The Install screen</a> shows the code.
      </p>
      <VerificationForm key={project.customer_verification} project={project} secrets={list} />
      <h3>Secrets</h3>
      {fresh && <NewSecret secret={fresh} onDone={() => setFresh(null)} />}
      {table}
      <div class="toolbar">
        <button
          type="button"
          class="button"
          disabled={busy || blocked !== null || list === null}
          aria-describedby={blocked ? "secret-blocked" : undefined}
          onClick={create}
        >
          {busy && !revoking ? "Creating…" : "Create a secret"}
        </button>
      </div>
      {blocked && (
        <p class="hint" id="secret-blocked">
          {blocked}
        </p>
      )}
      <InlineError error={error} />
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.secret_masked}?`}
          confirmLabel="Revoke the secret"
          danger
          busy={busy}
          error={dialogError}
          onConfirm={revoke}
          onCancel={() => setRevoking(null)}
        >
          <p>
            Tokens signed with it stop verifying at once. With verification Required, customers
            whose page still uses it can only cancel without the flow.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
