/** Stable error codes: callers switch on these, never on the human message. */
export const ERROR_CODES = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  INVALID_JSON: "INVALID_JSON",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  INVALID_TOKEN: "INVALID_TOKEN",
  INVALID_API_KEY: "INVALID_API_KEY",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  FORBIDDEN: "FORBIDDEN",
  /** A cookie-authenticated change from another origin or without a JSON body (dashboard). */
  CSRF_REJECTED: "CSRF_REJECTED",
  /** This server does not take new accounts (`REGISTRATION=closed`). */
  REGISTRATION_CLOSED: "REGISTRATION_CLOSED",
  /** A customer token that is missing (when required), expired, tampered or not this project's. */
  CUSTOMER_TOKEN_INVALID: "CUSTOMER_TOKEN_INVALID",
  ORIGIN_NOT_ALLOWED: "ORIGIN_NOT_ALLOWED",
  NOT_FOUND: "NOT_FOUND",
  EMAIL_TAKEN: "EMAIL_TAKEN",
  CONFLICT: "CONFLICT",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  /** A billing provider's webhook whose signature does not verify (or is too old). */
  WEBHOOK_SIGNATURE_INVALID: "WEBHOOK_SIGNATURE_INVALID",
  /** A billing provider's webhook for a project without that integration's secret. */
  INTEGRATION_NOT_CONFIGURED: "INTEGRATION_NOT_CONFIGURED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  RATE_LIMITED: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_ERROR: "INTERNAL_ERROR",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
