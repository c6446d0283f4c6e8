import { ERROR_CODES, type ErrorCode } from "@windback/protocol";

/** An error whose status, code and message are safe to show to the caller. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, code: ErrorCode = ERROR_CODES.VALIDATION_FAILED) =>
  new AppError(400, code, message);
export const unauthenticated = (message: string, code: ErrorCode = ERROR_CODES.UNAUTHENTICATED) =>
  new AppError(401, code, message);
export const forbidden = (message: string, code: ErrorCode = ERROR_CODES.FORBIDDEN) =>
  new AppError(403, code, message);
export const notFound = (what: string) =>
  new AppError(404, ERROR_CODES.NOT_FOUND, `${what} not found`);
export const conflict = (message: string, code: ErrorCode = ERROR_CODES.CONFLICT) =>
  new AppError(409, code, message);
