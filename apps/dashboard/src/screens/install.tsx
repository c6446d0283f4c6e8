/**
 * Install: the embed snippets with this server's origin and the project's public key.
 *
 * Windback keeps only a hash of each key, so the raw public key is known to the browser only
 * when it was created in this tab (lib/api-keys.ts). Otherwise the snippets show a placeholder
 * and the screen offers to create a public key (existing keys keep working). The SRI-pinned
 * variant reads the widget build's file name and integrity from `/dashboard/widget-manifest.json`.
 */
import type { Project } from "@windback/protocol";
import { useState } from "preact/hooks";
import { useApp } from "../app-state";
import { CodeBlock } from "../components/code-block";
import { Page } from "../components/page";
import { ErrorState, InlineError, Loading } from "../components/states";
import { useResource } from "../hooks/use-resource";
import type { ApiFailure } from "../lib/api-client";
import { countUsable, knownPublicKey, rememberPublicKey } from "../lib/api-keys";
import { newestActiveSecretId } from "../lib/customer-tokens";
import { paths } from "../lib/paths";
import {
  customerTokenSnippet,
  frameHostSnippet,
  iframeSnippet,
  KEY_PLACEHOLDER,
  pinnedScriptTagSnippet,
  scriptTagSnippet,
} from "../lib/snippets";

function PublicKeyStatus(props: {
  project: Project;
  publicKey: string | null;
  usablePublicKeys: number;
  onCreated(raw: string): void;
}) {
  const { api, announce } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    const result = await api.apiKeys.create(props.project.slug, "public");
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    rememberPublicKey(props.project.slug, result.data.id, result.data.key);
    announce("Public key created and filled into the snippets");
    props.onCreated(result.data.key);
  };

  if (props.publicKey) {
    return (
      <p class="notice">
        The snippets below contain this project's public key, created in this browser tab. Public
        keys are meant to be published in your pages.
      </p>
    );
  }
  return (
    <section class="card stack" aria-labelledby="key-needed">
      <h2 id="key-needed">A public key for the snippets</h2>
      <p>
        Windback stores only a fingerprint (hash) of each key, so a key's full text is shown once,
        when it is created.{" "}
        {props.usablePublicKeys > 0
          ? `This project has ${props.usablePublicKeys} working public key${props.usablePublicKeys === 1 ? "" : "s"}: if you saved one, put it in place of ${KEY_PLACEHOLDER} below. Or create a new one here: the existing keys keep working.`
          : "This project has no working public key yet: create one to fill in the snippets."}
      </p>
      <InlineError error={error} />
      <div>
        <button type="button" class="button button-primary" onClick={create} disabled={busy}>
          {busy ? "Creating…" : "Create a public key"}
        </button>
      </div>
    </section>
  );
}

export function InstallScreen({ project }: { project: Project }) {
  const { api } = useApp();
  const [createdKey, setCreatedKey] = useState<string | null>(null);
  const keys = useResource((signal) => api.apiKeys.list(project.slug, signal), [project.slug]);
  const manifest = useResource((signal) => api.widgetManifest(signal), []);
  // Only for the snippet's `kid`: when the list cannot be read, the placeholder stays.
  const secrets = useResource(
    (signal) => api.customerTokenSecrets.list(project.slug, signal),
    [project.slug],
  );
  const origin = location.origin;
  const now = Date.now();

  if (keys.state.status === "loading" && !keys.state.data) {
    return (
      <Page title="Install">
        <Loading label="Loading the project's keys…" />
      </Page>
    );
  }
  if (keys.state.status === "error" && !keys.state.data) {
    return (
      <Page title="Install">
        <ErrorState
          error={keys.state.error}
          title="Could not load the project's keys"
          onRetry={keys.reload}
        />
      </Page>
    );
  }
  const list = keys.state.data?.data ?? [];
  const publicKey = createdKey ?? knownPublicKey(project.slug, list, now);
  const input = { origin, publicKey };
  const origins = project.allowed_origins;
  const activeSecretId = newestActiveSecretId(secrets.state.data?.data ?? []);

  return (
    <Page
      title="Install"
      lead="Put the cancel flow on your cancel page: pick one of the ways below. Each one fails open: if Windback cannot be reached, your customers can still cancel."
    >
      <PublicKeyStatus
        project={project}
        publicKey={publicKey}
        usablePublicKeys={countUsable(list, "public", now)}
        onCreated={(raw) => {
          setCreatedKey(raw);
          keys.reload();
        }}
      />
      <p class="hint">
        {origins.length === 0 ? (
          <>
            Any website may use this project's public key while the{" "}
            <a href={paths.project(project.slug, "origins")}>allowed origins</a> list is empty. Add
            your site's origin before going live.
          </>
        ) : (
          <>
            Only {origins.join(", ")} may use this project's public key (
            <a href={paths.project(project.slug, "origins")}>allowed origins</a>).
          </>
        )}
      </p>

      <section class="card stack" aria-labelledby="script-tag">
        <h2 id="script-tag">Script tag</h2>
        <p>
          Add this to the page with your cancel button. <code>Windback.show()</code> opens the flow
          and resolves with the outcome; cancel as usual on <code>cancelled</code> and{" "}
          <code>error</code>.
        </p>
        <CodeBlock code={scriptTagSnippet(input)} what="the script tag snippet" />
      </section>

      <section class="card stack" aria-labelledby="pinned">
        <h2 id="pinned">Script tag pinned with Subresource Integrity</h2>
        <p>
          The same, pinned to this exact build of the widget: the browser refuses any other bytes.
          The server keeps only its current build, so update this snippet whenever you upgrade
          Windback (until you do, the widget fails open and customers cancel as usual).
        </p>
        {manifest.state.status === "loading" && (
          <Loading label="Loading the widget's build manifest…" />
        )}
        {manifest.state.status === "error" && (
          <ErrorState
            error={manifest.state.error}
            title="The pinned snippet needs the widget's build manifest (/dashboard/widget-manifest.json), which this server did not provide"
            onRetry={manifest.reload}
          />
        )}
        {manifest.state.status === "ok" &&
          (manifest.state.data?.widget?.hashedFile && manifest.state.data.widget.integrity ? (
            <CodeBlock
              code={pinnedScriptTagSnippet(input, manifest.state.data.widget)}
              what="the pinned script tag snippet"
            />
          ) : (
            <InlineError error="The widget's build manifest has no hashed file or integrity for widget.js." />
          ))}
      </section>

      <section class="card stack" aria-labelledby="iframe">
        <h2 id="iframe">Iframe</h2>
        <p>
          The flow inside a frame on your page, isolated from your scripts and styles. Your allowed
          origins decide which sites may frame it. Put the customer's email in <code>email=</code>.
        </p>
        <CodeBlock code={iframeSnippet(input)} what="the iframe snippet" />
      </section>

      <section class="card stack" aria-labelledby="frame-host">
        <h2 id="frame-host">Iframe with the frame host</h2>
        <p>
          <code>frame-host.js</code> creates the iframe for you, sizes it, and resolves with the
          same result as <code>Windback.show()</code>, or <code>error</code> when the frame is not
          ready within 3 seconds.
        </p>
        <CodeBlock code={frameHostSnippet(input)} what="the frame host snippet" />
      </section>

      <section class="card stack" aria-labelledby="server-token">
        <h2 id="server-token">Verified customers: a token from your server</h2>
        <p>
          With <a href={paths.project(project.slug, "settings")}>customer verification</a> on, your
          server signs a short-lived token for the customer on the cancel page, so the browser
          cannot record events for anyone else. The widget sends it with every request (iframe: add{" "}
          <code>&amp;token=</code>).{" "}
          {activeSecretId
            ? "The snippet names your newest active secret."
            : "This project has no active secret yet: create one in Settings."}{" "}
          Verification is <strong>{project.customer_verification}</strong>.
        </p>
        <CodeBlock code={customerTokenSnippet(activeSecretId)} what="the customer token snippet" />
      </section>
    </Page>
  );
}
