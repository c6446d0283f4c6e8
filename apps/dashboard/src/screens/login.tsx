/** Log in: `POST /api/v1/auth/session` sets the HttpOnly session cookie; no token reaches the app. */
import { ERROR_CODES } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { InlineError } from "../components/states";
import type { ApiFailure } from "../lib/api-client";
import { focusFirstInvalid } from "../lib/focus";
import { loginNotice, paths, safeNext } from "../lib/paths";

/** What to say for a failed login; the same words for an unknown email and a wrong password. */
function loginFailureMessage(error: ApiFailure): string | null {
  if (error.code === ERROR_CODES.INVALID_CREDENTIALS || error.status === 401) {
    return "The email or password is not right.";
  }
  return null;
}

export function LoginScreen() {
  const { api, signedIn } = useApp();
  const { query, route } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const notice = loginNotice(query.notice);
  const next = safeNext(query.next);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api.auth.openSession({ email: email.trim(), password });
    setBusy(false);
    if (result.ok) {
      signedIn(result.data.user);
      route(next, true);
      return;
    }
    setError(result.error);
    setTimeout(() => focusFirstInvalid(formRef.current));
  };

  const credentialsWrong = error ? loginFailureMessage(error) : null;
  const fieldError = (name: string) => (error?.field === `body/${name}` ? error.message : null);
  const signupHref = query.next ? `${paths.signup}?next=${encodeURIComponent(next)}` : paths.signup;

  return (
    <div class="narrow">
      <Page title="Log in to Windback">
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <form ref={formRef} onSubmit={onSubmit} noValidate class="stack">
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onValue={setEmail}
            error={fieldError("email")}
          />
          <Field
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
            error={fieldError("password")}
          />
          <InlineError
            error={
              credentialsWrong ??
              (error && !fieldError("email") && !fieldError("password") ? error : null)
            }
          />
          <button
            type="submit"
            class="button button-primary"
            disabled={busy}
            aria-busy={busy ? "true" : undefined}
          >
            {busy ? "Logging in…" : "Log in"}
          </button>
        </form>
        <p>
          No account yet? <a href={signupHref}>Sign up</a>
        </p>
      </Page>
    </div>
  );
}
