import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { ErrorCode } from "../errors.js";

/**
 * A string enum as plain JSON Schema (`enum`), so a wrong value reads "must be equal to one of the
 * allowed values" and client generators see a union of literals.
 */
export const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({
    type: "string",
    enum: [...values],
    ...(description && { description }),
  });

/** `type: [T, "null"]` rather than anyOf, so a range error reads "must be <= 90" alone. */
export const NullableInteger = (range: { minimum: number; maximum: number }) =>
  Type.Unsafe<number | null>({ type: ["integer", "null"], ...range });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A reference to a named model (one with an `$id`), typed as the model. The API registers every
 * model once (SHARED_SCHEMAS), so the OpenAPI document lists each under components.schemas and
 * generated clients get one named type per model.
 */
export const refTo = <T extends TSchema & { $id?: string }>(model: T) => {
  if (!model.$id) throw new Error("refTo needs a model with an $id");
  return Type.Unsafe<Static<T>>(Type.Ref(model.$id));
};

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: "A message for people; never parse it" }),
    code: Type.Unsafe<ErrorCode>(
      Type.String({ description: "A stable code for programs (see ERROR_CODES)" }),
    ),
  },
  {
    $id: "ErrorResponse",
    description: "Every error: a message for people, a stable code for programs",
  },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Timestamp = Type.String({ format: "date-time", description: "RFC 3339, UTC" });
export const NullableTimestamp = Nullable(Timestamp);
export const Slug = Type.String({ pattern: "^[a-z0-9][a-z0-9-]{0,62}$", maxLength: 63 });
export const Uuid = Type.String({ format: "uuid" });

export const Pagination = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
});
export const PageQuery = Type.Partial(Pagination);

/** `{"data": …}`: every success body of a dashboard resource. */
export const dataOf = <T extends TSchema>(schema: T) => Type.Object({ data: schema });

/** The error responses every authenticated route can produce. */
export const authErrors = {
  400: refTo(ErrorResponse),
  401: refTo(ErrorResponse),
  403: refTo(ErrorResponse),
  404: refTo(ErrorResponse),
  429: refTo(ErrorResponse),
  503: refTo(ErrorResponse),
};

/** `{"data": […], "total", "limit", "offset"}`: every list. */
export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    total: Type.Integer({ description: "Items matching the query, across all pages" }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

/** The shape of every single-resource response. */
export interface DataResponse<T> {
  data: T;
}

/** The shape of every list response, for clients that page through one. */
export interface List<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}
