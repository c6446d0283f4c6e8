/**
 * Allowed origins: the sites that may use the project's public key (docs/design.md §2.4). The
 * server normalises and judges each entry; its message appears next to the entry it is about.
 */
import type { Project } from "@windback/protocol";
import { useEffect, useReducer, useRef } from "preact/hooks";
import { useApp } from "../app-state";
import { Page } from "../components/page";
import { ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import { focusFirstInvalid } from "../lib/focus";
import {
  initialOriginsState,
  isOriginsDirty,
  MAX_ORIGINS,
  originsToSend,
  reduceOrigins,
} from "../lib/origins-editor";

function Editor({ project, origins }: { project: Project; origins: string[] }) {
  const { api, announce, reloadProjects } = useApp();
  const [state, dispatch] = useReducer(reduceOrigins, origins, initialOriginsState);
  const formRef = useRef<HTMLFormElement>(null);
  const addedRef = useRef(false);

  // The effect of entering "saving": send the list, report the outcome to the machine.
  useEffect(() => {
    if (state.status !== "saving") return;
    void api.allowedOrigins.set(project.slug, originsToSend(state)).then((result) => {
      if (result.ok) {
        dispatch({ type: "SAVE_OK", origins: result.data.allowed_origins });
        announce("Allowed origins saved");
        void reloadProjects();
      } else {
        dispatch({ type: "SAVE_FAILED", error: result.error });
        setTimeout(() => focusFirstInvalid(formRef.current));
      }
    });
  }, [state.status]);

  // A new row gets focus, so typing can start at once.
  useEffect(() => {
    if (!addedRef.current) return;
    addedRef.current = false;
    const inputs = formRef.current?.querySelectorAll<HTMLInputElement>("input[type=url]");
    inputs?.[inputs.length - 1]?.focus();
  }, [state.rows.length]);

  const dirty = isOriginsDirty(state);
  return (
    <form
      ref={formRef}
      class="card stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        dispatch({ type: "SAVE" });
      }}
      aria-labelledby="origins-title"
    >
      <h2 id="origins-title">Origins</h2>
      {state.rows.length === 0 ? (
        <p class="warning">
          The list is empty: <strong>any website</strong> may use this project's public key. Add the
          origin of the site that shows your cancel page.
        </p>
      ) : (
        <ul class="origin-list">
          {state.rows.map((row, index) => {
            const id = `origin-${row.key}`;
            const error = state.errors[row.key];
            return (
              <li key={row.key} class={`field${error ? " field-invalid" : ""}`}>
                <label for={id}>Origin {index + 1}</label>
                <div class="input-row">
                  <input
                    id={id}
                    type="url"
                    inputMode="url"
                    autoComplete="off"
                    spellcheck={false}
                    placeholder="https://app.example.com"
                    maxLength={2048}
                    value={row.value}
                    aria-invalid={error ? "true" : undefined}
                    aria-describedby={error ? `${id}-error` : undefined}
                    onInput={(e) =>
                      dispatch({ type: "EDIT", key: row.key, value: e.currentTarget.value })
                    }
                  />
                  <button
                    type="button"
                    class="button button-small"
                    aria-label={`Remove origin ${index + 1}${row.value ? ` (${row.value})` : ""}`}
                    onClick={() => dispatch({ type: "REMOVE", key: row.key })}
                  >
                    Remove
                  </button>
                </div>
                {error && (
                  <p class="field-error" id={`${id}-error`}>
                    {error}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div class="toolbar">
        <button
          type="button"
          class="button"
          disabled={state.rows.length >= MAX_ORIGINS}
          onClick={() => {
            addedRef.current = true;
            dispatch({ type: "ADD" });
          }}
        >
          Add an origin
        </button>
      </div>
      <InlineError error={state.formError} />
      {state.notice === "saved" && (
        <p class="notice" role="status">
          Saved. Entries are stored as the server normalised them (scheme and host, no path).
        </p>
      )}
      <div class="toolbar">
        <button
          type="submit"
          class="button button-primary"
          disabled={state.status === "saving" || !dirty}
        >
          {state.status === "saving" ? "Saving…" : "Save origins"}
        </button>
        {dirty && (
          <button
            type="button"
            class="button"
            onClick={() => dispatch({ type: "DISCARD" })}
            disabled={state.status === "saving"}
          >
            Discard changes
          </button>
        )}
      </div>
    </form>
  );
}

export function AllowedOriginsScreen({ project }: { project: Project }) {
  const { api } = useApp();
  const origins = useResource(
    (signal) => api.allowedOrigins.get(project.slug, signal),
    [project.slug],
  );
  return (
    <Page
      title="Allowed origins"
      lead="Only pages on these origins may use this project's public key: the script tag's API calls and the iframe's frame-ancestors both follow this list."
    >
      <ul class="hint-list">
        <li>
          An origin is a scheme and a host, with a port if it is not the default:{" "}
          <code>https://app.example.com</code>, <code>http://localhost:3000</code>.
        </li>
        <li>
          No paths and no wildcards; <code>http:</code> only for <code>localhost</code> and{" "}
          <code>127.0.0.1</code>.
        </li>
        <li>Changes apply to the next request.</li>
      </ul>
      {origins.state.status === "loading" && !origins.state.data && (
        <Loading label="Loading the origins…" />
      )}
      {origins.state.status === "error" && !origins.state.data && (
        <ErrorState
          error={origins.state.error}
          title="Could not load the allowed origins"
          onRetry={origins.reload}
        />
      )}
      {origins.state.status === "ok" && (
        <Editor key={project.slug} project={project} origins={origins.state.data.allowed_origins} />
      )}
    </Page>
  );
}
