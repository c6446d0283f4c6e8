/**
 * Stripe (docs/design.md §10): the URL to give Stripe, the events to select there, and the
 * endpoint's signing secret (`whsec_…`) pasted here, replaced or removed. Windback shows only a
 * hint of a saved secret.
 */
import type { Project, StripeIntegration } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { CodeBlock } from "../components/code-block";
import { ConfirmDialog } from "../components/dialog";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import { type ApiFailure, describeFailure } from "../lib/api-client";
import { knownPublicKey } from "../lib/api-keys";
import { focusFirstInvalid } from "../lib/focus";
import { formatDateTime } from "../lib/format";
import { paths } from "../lib/paths";
import { STRIPE_EVENT_TYPES, stripeSecretProblem, stripeWebhookUrl } from "../lib/webhooks";

function SecretForm(props: {
  project: Project;
  integration: StripeIntegration;
  onSaved(integration: StripeIntegration): void;
  /** Asks to remove the saved secret (shown when one is set). */
  onRemove(): void;
}) {
  const { api, announce } = useApp();
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { configured } = props.integration;

  const submit = async (event: Event) => {
    event.preventDefault();
    setFormError(null);
    const problem = stripeSecretProblem(secret);
    if (problem) {
      setError(problem);
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setError(null);
    setBusy(true);
    const result = await api.stripeIntegration.set(props.project.slug, secret.trim());
    setBusy(false);
    if (!result.ok) {
      if (result.error.field === "body/webhook_secret") {
        setError(
          result.error.code === "VALIDATION_FAILED"
            ? "This is not a Stripe signing secret: whsec_ followed by letters and digits."
            : describeFailure(result.error),
        );
        setTimeout(() => focusFirstInvalid(formRef.current));
      } else setFormError(result.error);
      return;
    }
    setSecret("");
    announce("Stripe signing secret saved");
    props.onSaved(result.data);
  };

  return (
    <form ref={formRef} class="stack" noValidate onSubmit={submit}>
      <Field
        label={configured ? "New signing secret" : "Signing secret"}
        type="password"
        autoComplete="off"
        spellcheck={false}
        placeholder="whsec_…"
        maxLength={220}
        value={secret}
        onValue={setSecret}
        hint="In Stripe: Developers → Webhooks → your endpoint → Signing secret → Reveal."
        error={error}
      />
      <InlineError error={formError} />
      <div class="toolbar">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? "Saving…" : configured ? "Replace the secret" : "Save the secret"}
        </button>
        {configured && (
          <button type="button" class="button button-danger" onClick={props.onRemove}>
            Remove the secret…
          </button>
        )}
      </div>
    </form>
  );
}

export function StripeIntegrationScreen({ project }: { project: Project }) {
  const { api, announce } = useApp();
  const integration = useResource(
    (signal) => api.stripeIntegration.get(project.slug, signal),
    [project.slug],
  );
  // Only to fill the URL with a raw public key this tab knows; the template works without.
  const keys = useResource((signal) => api.apiKeys.list(project.slug, signal), [project.slug]);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<ApiFailure | null>(null);

  const remove = async () => {
    setBusy(true);
    setDialogError(null);
    const result = await api.stripeIntegration.remove(project.slug);
    setBusy(false);
    if (!result.ok) return setDialogError(result.error);
    setConfirming(false);
    announce("Stripe signing secret removed");
    integration.update((data) => ({
      ...data,
      configured: false,
      webhook_secret_hint: null,
      updated_at: null,
    }));
  };

  const state = integration.state;
  if (state.status === "error" && !state.data) {
    return (
      <Page title="Stripe">
        <ErrorState
          error={state.error}
          title="Could not load the Stripe integration"
          onRetry={integration.reload}
        />
      </Page>
    );
  }
  if (!state.data) {
    return (
      <Page title="Stripe">
        <Loading label="Loading the Stripe integration…" />
      </Page>
    );
  }
  const data = state.data;
  const publicKey = knownPublicKey(project.slug, keys.state.data?.data ?? [], Date.now());
  const url = stripeWebhookUrl(data.webhook_url, publicKey);

  return (
    <Page
      title="Stripe"
      lead="Stripe tells Windback what happened after the cancel flow: a subscription set to cancel, ended, or paid again by a saved customer."
    >
      <section class="card stack" aria-labelledby="stripe-url">
        <h2 id="stripe-url">1. Add an endpoint in Stripe</h2>
        <p>In Stripe, Developers → Webhooks → Add endpoint, with this URL:</p>
        <CodeBlock code={url} what="the URL to give Stripe" />
        {publicKey ? (
          <p class="hint">
            The URL holds this project's public key, created in this browser tab. A test public key
            works the same: each event's own <code>livemode</code> decides live or test data.
          </p>
        ) : (
          <p class="hint">
            Put one of this project's public keys (<code>pub_…</code>) in place of{" "}
            <code>{"{public_key}"}</code>. Windback shows a key's full text only when it is created:
            create one on <a href={paths.project(project.slug, "keys")}>API keys</a> and come back
            to have it filled in.
          </p>
        )}
        <p>Select these events:</p>
        <ul>
          {STRIPE_EVENT_TYPES.map((type) => (
            <li key={type}>
              <code>{type}</code>
            </li>
          ))}
        </ul>
      </section>

      <section class="card stack" aria-labelledby="stripe-secret">
        <h2 id="stripe-secret">2. Paste the endpoint's signing secret</h2>
        {data.configured ? (
          <p class="notice" role="status">
            A signing secret is set: <code>{data.webhook_secret_hint}</code>
            {data.updated_at && `, saved ${formatDateTime(data.updated_at)}`}. Stripe's events to
            the URL above are verified with it.
          </p>
        ) : (
          <p class="warning">
            No signing secret is set: Windback answers Stripe's events with 400 until you paste one.
          </p>
        )}
        <SecretForm
          project={project}
          integration={data}
          onSaved={(saved) => integration.update(() => saved)}
          onRemove={() => {
            setDialogError(null);
            setConfirming(true);
          }}
        />
      </section>
      {confirming && (
        <ConfirmDialog
          title="Remove the Stripe signing secret?"
          confirmLabel="Remove the secret"
          danger
          busy={busy}
          error={dialogError}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Windback answers Stripe's events with 400 until a secret is set again; Stripe shows the
            failures and retries them for a few days.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}
