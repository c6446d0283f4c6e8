/**
 * The account's projects: list and create (`GET`/`POST /api/v1/projects`). Creating a project
 * returns its first public and secret keys, shown here once.
 */
import type { CreatedProject } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { Field } from "../components/field";
import { NewKey } from "../components/new-key";
import { Page } from "../components/page";
import { EmptyState, ErrorState, InlineError, Loading } from "../components/states";
import type { ApiFailure } from "../lib/api-client";
import { rememberPublicKey } from "../lib/api-keys";
import { focusFirstInvalid } from "../lib/focus";
import { formatDate } from "../lib/format";
import { paths } from "../lib/paths";

function CreateProject({ onCreated }: { onCreated(created: CreatedProject): void }) {
  const { api, reloadProjects, announce } = useApp();
  const [name, setName] = useState("");
  const [supportEmail, setSupportEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    if (name.trim() === "") {
      setNameError("Enter a name for the project.");
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setNameError(null);
    setBusy(true);
    const result = await api.projects.create({
      name: name.trim(),
      ...(supportEmail.trim() !== "" && { support_email: supportEmail.trim() }),
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    const { project, raw_public_key } = result.data;
    // The answer does not carry the key's id: the Install screen matches it by its last 4.
    rememberPublicKey(project.slug, null, raw_public_key);
    setName("");
    setSupportEmail("");
    announce(`Project ${project.name} created`);
    await reloadProjects();
    onCreated(result.data);
  };

  const fieldError = (field: string) => (error?.field === `body/${field}` ? error.message : null);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      class="card stack"
      aria-labelledby="create-project"
    >
      <h2 id="create-project">Create a project</h2>
      <p class="hint">
        A project has its own keys, allowed origins, offers and events: one per product or per
        environment (staging, production).
      </p>
      <Field
        label="Name"
        name="name"
        required
        maxLength={200}
        value={name}
        onValue={setName}
        error={nameError ?? fieldError("name")}
      />
      <Field
        label="Support email (optional)"
        type="email"
        name="support_email"
        maxLength={320}
        value={supportEmail}
        onValue={setSupportEmail}
        error={fieldError("support_email")}
      />
      <InlineError
        error={error && !fieldError("name") && !fieldError("support_email") ? error : null}
      />
      <button type="submit" class="button button-primary" disabled={busy}>
        {busy ? "Creating…" : "Create project"}
      </button>
    </form>
  );
}

export function ProjectsScreen() {
  const { projects, reloadProjects } = useApp();
  const [created, setCreated] = useState<CreatedProject | null>(null);
  const [secretShown, setSecretShown] = useState(true);

  let list = <Loading label="Loading your projects…" />;
  if (projects.status === "error" && !projects.data) {
    list = (
      <ErrorState
        error={projects.error}
        title="Could not load your projects"
        onRetry={reloadProjects}
      />
    );
  } else if (projects.data && projects.data.length === 0) {
    list = <EmptyState title="No projects yet">Create your first project below.</EmptyState>;
  } else if (projects.data) {
    list = (
      <table class="table">
        <caption>Your projects</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Slug</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="sr-only">Links</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {projects.data.map((project) => (
            <tr key={project.id}>
              <th scope="row">
                <a href={paths.project(project.slug, "analytics")}>{project.name}</a>
              </th>
              <td>
                <code>{project.slug}</code>
              </td>
              <td>{formatDate(project.created_at)}</td>
              <td class="row-links">
                <a href={paths.project(project.slug, "install")}>Install</a>{" "}
                <a href={paths.project(project.slug, "settings")}>Settings</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <Page title="Projects">
      {created && (
        <div class="stack">
          <p class="notice" role="status">
            Project <strong>{created.project.name}</strong> created.{" "}
            <a href={paths.project(created.project.slug, "install")}>Install it</a>
          </p>
          {secretShown && (
            <NewKey
              keyType="secret"
              rawKey={created.raw_secret_key}
              context="Its secret key, for your server (stats, churn events, offers from code)."
              onDone={() => setSecretShown(false)}
            />
          )}
          <NewKey
            keyType="public"
            rawKey={created.raw_public_key}
            context="Its public key, for the widget. The Install screen uses it in this browser tab."
            onDone={() => setCreated(null)}
          />
        </div>
      )}
      {list}
      <CreateProject
        onCreated={(result) => {
          setCreated(result);
          setSecretShown(true);
        }}
      />
    </Page>
  );
}
