/**
 * API keys: the list (masked, with last use), create and rotate (the raw key shown once), and
 * revoke with a confirmation (docs/design.md §2.4).
 */
import type { ApiKey, CreatedApiKey, KeyType, Mode, Project } from "@windback/protocol";
import { useId, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { ConfirmDialog } from "../components/dialog";
import { NewKey } from "../components/new-key";
import { Page } from "../components/page";
import { ScrollRegion } from "../components/scroll-region";
import { EmptyState, ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import type { ApiFailure } from "../lib/api-client";
import { keyState, rememberPublicKey, sortKeys } from "../lib/api-keys";
import { formatDateTime, formatRelative } from "../lib/format";
import { KEY_TYPE_LABELS } from "../lib/labels";

type Pending = { kind: "rotate"; keyType: KeyType } | { kind: "revoke"; key: ApiKey };

function StateCell({ apiKey, now }: { apiKey: ApiKey; now: number }) {
  const state = keyState(apiKey, now);
  switch (state) {
    case "active":
      return <span class="badge badge-ok">Active</span>;
    case "expiring":
      return (
        <span class="badge badge-warn" title={formatDateTime(apiKey.expires_at)}>
          Expires {formatRelative(apiKey.expires_at, now)}
        </span>
      );
    case "expired":
      return <span class="badge">Expired {formatRelative(apiKey.expires_at, now)}</span>;
    case "revoked":
      return <span class="badge">Revoked {formatRelative(apiKey.revoked_at, now)}</span>;
  }
}

export function ApiKeysScreen({ project }: { project: Project }) {
  const { api, announce } = useApp();
  const keys = useResource((signal) => api.apiKeys.list(project.slug, signal), [project.slug]);
  const [fresh, setFresh] = useState<{ key: CreatedApiKey; rotated: boolean } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [dialogError, setDialogError] = useState<ApiFailure | null>(null);
  // New keys are live unless the merchant asks for test keys (docs/design.md §11).
  const [mode, setMode] = useState<Mode>("live");
  const modeId = useId();
  const now = Date.now();

  const created = (key: CreatedApiKey, rotated: boolean) => {
    // Install fills its snippets with a live public key only: a test key in production pages
    // would record nothing real.
    if (key.key_type === "public" && key.mode === "live") {
      rememberPublicKey(project.slug, key.id, key.key);
    }
    setFresh({ key, rotated });
    keys.reload();
  };

  const create = async (keyType: KeyType) => {
    setBusy(`create-${keyType}`);
    setError(null);
    const result = await api.apiKeys.create(project.slug, keyType, mode);
    setBusy(null);
    if (!result.ok) return setError(result.error);
    created(result.data, false);
  };

  const confirm = async () => {
    if (!pending) return;
    setBusy("dialog");
    setDialogError(null);
    if (pending.kind === "rotate") {
      const result = await api.apiKeys.rotate(project.slug, pending.keyType, mode);
      setBusy(null);
      if (!result.ok) return setDialogError(result.error);
      setPending(null);
      created(result.data, true);
    } else {
      const result = await api.apiKeys.revoke(project.slug, pending.key.id);
      setBusy(null);
      if (!result.ok) return setDialogError(result.error);
      setPending(null);
      announce(`Key ${pending.key.key_masked} revoked`);
      keys.update((list) => ({
        ...list,
        data: list.data.map((k) => (k.id === result.data.id ? result.data : k)),
      }));
    }
  };

  const state = keys.state;
  let body = <Loading label="Loading the keys…" />;
  if (state.status === "error" && !state.data) {
    body = <ErrorState error={state.error} title="Could not load the keys" onRetry={keys.reload} />;
  } else if (state.data && state.data.data.length === 0) {
    body = (
      <EmptyState title="This project has no keys yet">
        <p>
          Create a public key for the widget, and a secret key if your server talks to Windback.
        </p>
      </EmptyState>
    );
  } else if (state.data) {
    const list = sortKeys(state.data.data, now);
    body = (
      <>
        <ScrollRegion label="API keys">
          <table class="table">
            <caption>
              Keys of {project.name}
              {state.data.total > list.length &&
                ` (the newest ${list.length} of ${state.data.total})`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Mode</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((k) => {
                const usable = keyState(k, now) === "active" || keyState(k, now) === "expiring";
                return (
                  <tr key={k.id}>
                    <th scope="row">
                      <code>{k.key_masked}</code>
                    </th>
                    <td>{KEY_TYPE_LABELS[k.key_type]}</td>
                    <td>
                      {k.mode === "test" ? <span class="badge badge-warn">Test</span> : "Live"}
                    </td>
                    <td>
                      <StateCell apiKey={k} now={now} />
                    </td>
                    <td>{formatDateTime(k.created_at)}</td>
                    <td title={k.last_used_at ? formatDateTime(k.last_used_at) : undefined}>
                      {k.last_used_at ? formatRelative(k.last_used_at, now) : "Never"}
                    </td>
                    <td>
                      {usable && (
                        <button
                          type="button"
                          class="button button-small button-danger"
                          aria-label={`Revoke ${k.key_type} key ${k.key_masked}`}
                          onClick={() => {
                            setDialogError(null);
                            setPending({ kind: "revoke", key: k });
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
        <p class="hint">“Last used” is updated at most once a minute per key.</p>
      </>
    );
  }

  return (
    <Page
      title="API keys"
      lead="Public keys (pub_…) go in your pages and only work for the cancel flow. Secret keys (sk_…) stay on your server."
    >
      {fresh && (
        <NewKey
          keyType={fresh.key.key_type}
          rawKey={fresh.key.key}
          context={
            fresh.rotated
              ? `The new key works now; the previous ${fresh.key.key_type} keys keep working for 24 hours, then stop.`
              : "The new key works now."
          }
          onDone={() => setFresh(null)}
        />
      )}
      <div class="field field-inline">
        <label for={modeId}>New keys are</label>
        <select
          id={modeId}
          value={mode}
          onChange={(e) => setMode(e.currentTarget.value === "test" ? "test" : "live")}
          aria-describedby={`${modeId}-hint`}
        >
          <option value="live">Live keys</option>
          <option value="test">Test keys</option>
        </select>
        <p class="hint" id={`${modeId}-hint`}>
          Test keys (<code>pub_test_…</code>, <code>sk_test_…</code>) record test data, kept apart
          from live numbers; see it with the Test data switch on Analytics and Churn events.
        </p>
      </div>
      <div class="toolbar">
        {(["public", "secret"] as const).map((type) => (
          <button
            key={`create-${type}`}
            type="button"
            class="button"
            disabled={busy !== null}
            onClick={() => create(type)}
          >
            {busy === `create-${type}`
              ? "Creating…"
              : `Create ${mode === "test" ? "test " : ""}${type} key`}
          </button>
        ))}
        {(["public", "secret"] as const).map((type) => (
          <button
            key={`rotate-${type}`}
            type="button"
            class="button"
            disabled={busy !== null}
            onClick={() => {
              setDialogError(null);
              setPending({ kind: "rotate", keyType: type });
            }}
          >
            Rotate {mode === "test" ? "test " : ""}
            {type} keys…
          </button>
        ))}
      </div>
      <InlineError error={error} />
      {body}
      {pending?.kind === "rotate" && (
        <ConfirmDialog
          title={`Rotate the ${pending.keyType} keys?`}
          confirmLabel={`Create a new ${pending.keyType} key`}
          busy={busy === "dialog"}
          error={dialogError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            A new {pending.keyType} key is created and works at once. Every current{" "}
            {pending.keyType} key keeps working for 24 hours, then stops: replace it{" "}
            {pending.keyType === "public" ? "in your pages" : "on your servers"} before then.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === "revoke" && (
        <ConfirmDialog
          title={`Revoke ${pending.key.key_masked}?`}
          confirmLabel="Revoke the key"
          danger
          busy={busy === "dialog"}
          error={dialogError}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>
            The key stops working with the next request.{" "}
            {pending.key.key_type === "public"
              ? "Pages that still use it will show the widget's error screen, and customers will go on to cancel as usual."
              : "Servers that still use it will get 401 answers."}
          </p>
        </ConfirmDialog>
      )}
    </Page>
  );
}
