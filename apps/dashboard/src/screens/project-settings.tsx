/**
 * A project's settings: rename and support email (`PUT /api/v1/projects/:slug`, only the fields
 * given change), and deletion with a typed confirmation (`DELETE /api/v1/projects/:slug`).
 */
import type { Project } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { CustomerTokens } from "../components/customer-tokens";
import { ConfirmDialog } from "../components/dialog";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { InlineError } from "../components/states";
import type { ApiFailure } from "../lib/api-client";
import { focusFirstInvalid } from "../lib/focus";
import { paths } from "../lib/paths";

function DetailsForm({ project }: { project: Project }) {
  const { api, reloadProjects, announce } = useApp();
  const [name, setName] = useState(project.name);
  const [supportEmail, setSupportEmail] = useState(project.support_email ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const localNameError = name.trim() === "" ? "Enter a name for the project." : null;
  const [showLocal, setShowLocal] = useState(false);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    if (localNameError) {
      setShowLocal(true);
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    const email = supportEmail.trim();
    const result = await api.projects.update(project.slug, {
      name: name.trim(),
      support_email: email === "" ? null : email,
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setSaved(true);
    announce("Project settings saved");
    await reloadProjects();
  };

  const fieldError = (field: string) => (error?.field === `body/${field}` ? error.message : null);
  return (
    <form
      ref={formRef}
      class="card stack"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="details-title"
    >
      <h2 id="details-title">Details</h2>
      <Field
        label="Name"
        name="name"
        required
        maxLength={200}
        value={name}
        onValue={(v) => {
          setName(v);
          setSaved(false);
        }}
        error={(showLocal ? localNameError : null) ?? fieldError("name")}
      />
      <Field
        label="Support email (optional)"
        type="email"
        name="support_email"
        maxLength={320}
        value={supportEmail}
        onValue={(v) => {
          setSupportEmail(v);
          setSaved(false);
        }}
        error={fieldError("support_email")}
        hint="Where customers can write to you; leave empty for none."
      />
      <p class="hint">
        The slug <code>{project.slug}</code> stays the same when you rename the project, so links
        and API paths keep working.
      </p>
      <InlineError
        error={error && !fieldError("name") && !fieldError("support_email") ? error : null}
      />
      {saved && (
        <p class="notice" role="status">
          Saved.
        </p>
      )}
      <button type="submit" class="button button-primary" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </button>
    </form>
  );
}

/** Deleting asks for the project's slug to be typed: the deletion takes its keys, offers and events. */
function DeleteProject({ project }: { project: Project }) {
  const { api, reloadProjects, announce } = useApp();
  const { route } = useLocation();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const matches = typed.trim() === project.slug;

  const onConfirm = async () => {
    if (!matches) return;
    setBusy(true);
    setError(null);
    const result = await api.projects.remove(project.slug);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setOpen(false);
    announce(`Project ${project.name} deleted`);
    // Leave the deleted project's screen first, so it never shows "Project not found".
    route(paths.projects);
    await reloadProjects();
  };

  return (
    <section class="card danger-zone stack" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this project</h2>
      <p>
        Deleting <strong>{project.name}</strong> removes its keys (the widget stops working on your
        pages at once), allowed origins, offers and every churn event. This cannot be undone.
      </p>
      <button
        type="button"
        class="button button-danger"
        onClick={() => {
          setTyped("");
          setError(null);
          setOpen(true);
        }}
      >
        Delete project…
      </button>
      {open && (
        <ConfirmDialog
          title={`Delete ${project.name}?`}
          confirmLabel="Delete the project"
          danger
          busy={busy}
          confirmDisabled={!matches}
          error={error}
          onConfirm={onConfirm}
          onCancel={() => setOpen(false)}
        >
          <p>Its keys, allowed origins, offers and churn events are deleted with it.</p>
          <Field
            label={
              <>
                Type <code>{project.slug}</code> to confirm
              </>
            }
            name="confirm"
            autoComplete="off"
            spellcheck={false}
            value={typed}
            onValue={setTyped}
          />
        </ConfirmDialog>
      )}
    </section>
  );
}

export function ProjectSettingsScreen({ project }: { project: Project }) {
  return (
    <Page title="Settings" lead={`Project ${project.name}`}>
      <DetailsForm key={project.id} project={project} />
      <CustomerTokens key={`tokens-${project.id}`} project={project} />
      <DeleteProject key={`delete-${project.id}`} project={project} />
    </Page>
  );
}
