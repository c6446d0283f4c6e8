/**
 * Account: who is logged in, and changing the password (`POST /api/v1/auth/change-password`).
 * The server then ends every session of the account, this one included, so the app goes to
 * the login screen and says why.
 */
import { ERROR_CODES, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@windback/protocol";
import { useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { Field } from "../components/field";
import { Page } from "../components/page";
import { InlineError } from "../components/states";
import type { ApiFailure } from "../lib/api-client";
import { focusFirstInvalid } from "../lib/focus";
import { formatDate } from "../lib/format";

type PasswordField = "current" | "next" | "repeat";

/** Checks before sending; messages by input. */
function validatePasswordChange(
  input: Record<PasswordField, string>,
): Partial<Record<PasswordField, string>> {
  const errors: Partial<Record<PasswordField, string>> = {};
  if (input.current === "") errors.current = "Enter your current password.";
  if (input.next.length < PASSWORD_MIN_LENGTH)
    errors.next = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  else if (input.next.length > PASSWORD_MAX_LENGTH)
    errors.next = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  else if (input.next === input.current)
    errors.next = "Choose a password different from the current one.";
  if (input.repeat !== input.next) errors.repeat = "The two new passwords are not the same.";
  return errors;
}

export function AccountScreen() {
  const { api, session, signedOut } = useApp();
  const [input, setInput] = useState<Record<PasswordField, string>>({
    current: "",
    next: "",
    repeat: "",
  });
  const [errors, setErrors] = useState<Partial<Record<PasswordField, string>>>({});
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const user = session.status === "authenticated" ? session.user : null;
  const set = (name: PasswordField) => (value: string) => {
    setInput((old) => ({ ...old, [name]: value }));
    setErrors((old) => ({ ...old, [name]: undefined }));
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const local = validatePasswordChange(input);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      setTimeout(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    const result = await api.auth.changePassword({
      current_password: input.current,
      new_password: input.next,
    });
    setBusy(false);
    if (result.ok) {
      signedOut("password-changed");
      return;
    }
    if (
      result.error.code === ERROR_CODES.INVALID_CREDENTIALS ||
      result.error.field === "body/current_password"
    ) {
      setErrors({ current: "This is not your current password." });
    } else if (result.error.field === "body/new_password") {
      setErrors({ next: result.error.message });
    } else {
      setError(result.error);
    }
    setTimeout(() => focusFirstInvalid(formRef.current));
  };

  return (
    <Page title="Account">
      {user && (
        <dl class="details">
          <div class="dl-row">
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div class="dl-row">
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div class="dl-row">
            <dt>Member since</dt>
            <dd>{formatDate(user.created_at)}</dd>
          </div>
        </dl>
      )}
      <form
        ref={formRef}
        class="card stack narrow"
        onSubmit={onSubmit}
        noValidate
        aria-labelledby="password-title"
      >
        <h2 id="password-title">Change your password</h2>
        <p class="hint">
          Every session of your account ends, this one too: you will log in again with the new
          password.
        </p>
        {/* The account's email helps password managers file the new password under it. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={user?.email ?? ""}
          hidden
          readOnly
        />
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={input.current}
          onValue={set("current")}
          error={errors.current}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={input.next}
          onValue={set("next")}
          error={errors.next}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        />
        <Field
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
          value={input.repeat}
          onValue={set("repeat")}
          error={errors.repeat}
        />
        <InlineError error={error} />
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </form>
    </Page>
  );
}
