/**
 * Verified customers (docs/design.md §11): the project's customer-token secrets and its
 * `customer_verification` setting, as the settings screen shows them. Pure helpers.
 */
import type { CustomerTokenSecret, CustomerVerification } from "@windback/protocol";

/** The API keeps at most this many active secrets: one in use and one being rotated in. */
export const MAX_ACTIVE_SECRETS = 2;

export const VERIFICATION_CHOICES: ReadonlyArray<{
  value: CustomerVerification;
  label: string;
  hint: string;
}> = [
  {
    value: "off",
    label: "Off",
    hint: "Tokens are ignored. Anyone with your public key can record events for any email.",
  },
  {
    value: "optional",
    label: "Optional",
    hint: "A token, when sent, must be valid and its claims win; requests without one still work.",
  },
  {
    value: "required",
    label: "Required",
    hint: "Every cancel-flow request needs a valid token (else 401 CUSTOMER_TOKEN_INVALID; the widget lets the customer cancel as usual).",
  },
];

export const isActiveSecret = (secret: CustomerTokenSecret): boolean => secret.revoked_at === null;

/** Active first (newest first within each group), then revoked. */
export function sortSecrets(secrets: readonly CustomerTokenSecret[]): CustomerTokenSecret[] {
  return [...secrets].sort((a, b) => {
    const active = Number(isActiveSecret(b)) - Number(isActiveSecret(a));
    return active !== 0 ? active : b.created_at.localeCompare(a.created_at);
  });
}

/** Why a new secret cannot be created now, or null when it can. */
export function createBlockedReason(secrets: readonly CustomerTokenSecret[]): string | null {
  const active = secrets.filter(isActiveSecret).length;
  return active >= MAX_ACTIVE_SECRETS
    ? `A project has at most ${MAX_ACTIVE_SECRETS} active secrets: revoke the older one first.`
    : null;
}

/**
 * What turning `required` on would break: with no active secret, no server can mint a valid
 * token, so every cancel-flow request would be refused.
 */
export function verificationWarning(
  choice: CustomerVerification,
  secrets: readonly CustomerTokenSecret[] | null,
): string | null {
  if (choice !== "required" || secrets === null) return null;
  return secrets.some(isActiveSecret)
    ? null
    : "No active secret: with Required, every cancel-flow request is refused until your server sends tokens signed with one. Create a secret first.";
}

/** The id (`kid`) a new token should name: the newest active secret's, or null when none. */
export function newestActiveSecretId(secrets: readonly CustomerTokenSecret[]): string | null {
  return sortSecrets(secrets).find(isActiveSecret)?.id ?? null;
}
