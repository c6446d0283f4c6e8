/**
 * Sign up: `POST /api/v1/auth/register` creates the account and its Default project, then
 * `POST /api/v1/auth/session` opens the cookie session (docs/design.md §8). The JWT that
 * register returns is not kept.
 */
import { ERROR_CODES, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useApp } from "../app-state";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { InlineError } from "../components/states";
import type { ApiFailure } from "../lib/api-client";
import { focusFirstInvalid } from "../lib/focus";
import { loginUrl, paths, safeNext } from "../lib/paths";

type SignupField = "name" | "email" | "password";

/** Checks before sending (the server checks again); messages by input. */
function validateSignup(input: Record<SignupField, string>): Partial<Record<SignupField, string>> {
  const errors: Partial<Record<SignupField, string>> = {};
  if (input.name.trim() === "") errors.name = "Enter your name.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) {
    errors.email = "Enter an email address, e.g. jane@example.com.";
  }
  if (input.password.length < PASSWORD_MIN_LENGTH) {
    errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  } else if (input.password.length > PASSWORD_MAX_LENGTH) {
    errors.password = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  return errors;
}

export function SignupScreen() {
  const { api, signedIn } = useApp();
  const { query, route } = useLocation();
  const [input, setInput] = useState<Record<SignupField, string>>({
    name: "",
    email: "",
    password: "",
  });
  const [errors, setErrors] = useState<Partial<Record<SignupField, string>>>({});
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (name: SignupField) => (value: string) => {
    setInput((old) => ({ ...old, [name]: value }));
    setErrors((old) => ({ ...old, [name]: undefined }));
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const local = validateSignup(input);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    const body = { name: input.name.trim(), email: input.email.trim(), password: input.password };
    const registered = await api.auth.register(body);
    if (!registered.ok) {
      setBusy(false);
      const { error } = registered;
      const field = error.field?.replace(/^body\//, "") as SignupField | undefined;
      if (error.code === ERROR_CODES.EMAIL_TAKEN) {
        setErrors({ email: "An account with this email already exists. Log in instead." });
      } else if (field && ["name", "email", "password"].includes(field)) {
        setErrors({ [field]: error.message });
      } else {
        setError(error);
      }
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    const session = await api.auth.openSession({ email: body.email, password: body.password });
    setBusy(false);
    if (!session.ok) {
      // The account exists; only the session failed (rate limit, network): logging in will do.
      route(loginUrl(safeNext(query.next), "account-created"), true);
      return;
    }
    signedIn(session.data.user);
    route(safeNext(query.next), true);
  };

  return (
    <div class="narrow">
      <Page
        title="Create your Windback account"
        lead="Your account starts with one project, Default, ready to install."
      >
        <form ref={formRef} onSubmit={onSubmit} noValidate class="stack">
          <Field
            label="Name"
            name="name"
            autoComplete="name"
            required
            value={input.name}
            onValue={set("name")}
            error={errors.name}
            maxLength={200}
          />
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={input.email}
            onValue={set("email")}
            error={errors.email}
            maxLength={254}
          />
          <Field
            label="Password"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            value={input.password}
            onValue={set("password")}
            error={errors.password}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          />
          <InlineError error={error} />
          <button
            type="submit"
            class="button button-primary"
            disabled={busy}
            aria-busy={busy ? "true" : undefined}
          >
            {busy ? "Creating your account…" : "Sign up"}
          </button>
        </form>
        <p>
          Already have an account? <a href={paths.login}>Log in</a>
        </p>
      </Page>
    </div>
  );
}
