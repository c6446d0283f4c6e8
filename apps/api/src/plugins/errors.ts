import { ERROR_CODES, type ErrorCode } from "@windback/protocol";
import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../lib/errors.js";
import { StorageUnavailableError } from "../storage/errors.js";

/** Fastify's own client errors, mapped to our stable codes and messages a person can act on. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ERROR_CODES.PAYLOAD_TOO_LARGE },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
    message: "Unsupported Content-Type: send JSON with 'Content-Type: application/json'",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ERROR_CODES.VALIDATION_FAILED },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: ERROR_CODES.INVALID_JSON,
    message: "The body is empty but Content-Type is application/json: send a JSON body",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ERROR_CODES.INVALID_JSON },
};

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(
      (error: FastifyError | AppError | StorageUnavailableError, request, reply) => {
        if (error instanceof AppError) {
          if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
          return reply
            .status(error.statusCode)
            .headers(error.headers)
            .send({ error: error.message, code: error.code });
        }
        if ("validation" in error && error.validation) {
          return reply
            .status(400)
            .send({ error: error.message, code: ERROR_CODES.VALIDATION_FAILED });
        }
        if (error instanceof StorageUnavailableError) {
          request.log.warn({ err: error }, "database unavailable");
          return reply.status(503).header("retry-after", "1").send({
            error: "The service is temporarily unable to store data; retry shortly",
            code: ERROR_CODES.SERVICE_UNAVAILABLE,
          });
        }
        const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
        if (known) {
          return reply
            .status(known.status)
            .send({ error: known.message ?? error.message, code: known.code });
        }
        // A JSON syntax error or prototype-poisoning attempt from the body parser.
        if (error.statusCode === 400) {
          return reply.status(400).send({ error: error.message, code: ERROR_CODES.INVALID_JSON });
        }
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          return reply
            .status(error.statusCode)
            .send({ error: error.message, code: ERROR_CODES.VALIDATION_FAILED });
        }
        request.log.error({ err: error }, "unhandled error");
        return reply
          .status(500)
          .send({ error: "Internal server error", code: ERROR_CODES.INTERNAL_ERROR });
      },
    );

    app.setNotFoundHandler(
      // An attacker could probe for valid URLs if 404 handling were not rate limited.
      { preHandler: app.rateLimit() },
      (request, reply) =>
        reply.status(404).send({
          error: `Route ${request.method} ${request.url.split("?")[0]} not found`,
          code: ERROR_CODES.NOT_FOUND,
        }),
    );
  },
  { name: "windback-errors", dependencies: ["windback-rate-limit"] },
);
