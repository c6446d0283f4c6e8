import type { ErrorCode } from "./protocol-types.js";

/**
 * Codes the SDK itself produces, for failures that never reached the API or that the API did not
 * explain: no answer, a timeout, an answer that is not Windback's JSON, a webhook that fails
 * verification.
 */
export type SdkErrorCode =
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "INVALID_RESPONSE"
  | "WEBHOOK_VERIFICATION_FAILED";

/**
 * Every failure of the SDK: the API's answer (`status`, and `code` from the API's stable codes)
 * or one of the SDK's own codes (`status` 0).
 *
 * @example
 * ```ts
 * try {
 *   await windback.churnEvents.markRecovered(id);
 * } catch (error) {
 *   if (error instanceof WindbackError && error.code === "INVALID_TRANSITION") {
 *     // already recovered or lost
 *   } else throw error;
 * }
 * ```
 */
export class WindbackError extends Error {
  override readonly name: string = "WindbackError";
  /** The HTTP status of the API's answer; 0 when there was none. */
  readonly status: number;
  /** The API's stable code (switch on this, never on the message) or the SDK's own. */
  readonly code: ErrorCode | SdkErrorCode;
  /** Seconds to wait before trying again, from the answer's `Retry-After` (429, 503); else null. */
  readonly retryAfter: number | null;

  constructor(
    message: string,
    init: {
      status: number;
      code: ErrorCode | SdkErrorCode;
      retryAfter?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfter = init.retryAfter ?? null;
  }
}

/** A webhook whose signature, timestamp or headers do not verify: answer it with a 400. */
export class WebhookVerificationError extends WindbackError {
  override readonly name: string = "WebhookVerificationError";

  constructor(message: string, cause?: unknown) {
    super(message, { status: 0, code: "WEBHOOK_VERIFICATION_FAILED", cause });
  }
}
