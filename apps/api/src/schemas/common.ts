import { type TSchema, Type } from "@sinclair/typebox";

export const ErrorResponse = Type.Object(
  { error: Type.String(), code: Type.String() },
  {
    $id: "ErrorResponse",
    description: "Every error: a message for people, a stable code for programs",
  },
);

/** The error responses every authenticated route can produce. */
export const authErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};

export const dataOf = <T extends TSchema>(schema: T) => Type.Object({ data: schema });

export const Email = Type.String({ format: "email", minLength: 3, maxLength: 254 });
export const Timestamp = Type.String({ format: "date-time" });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Slug = Type.String({ pattern: "^[a-z0-9][a-z0-9-]{0,62}$", maxLength: 63 });

export const Pagination = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
});

export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export const User = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  created_at: Timestamp,
});

export const Project = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  support_email: Type.Union([Type.String(), Type.Null()]),
  allowed_origins: Type.Array(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ApiKey = Type.Object({
  id: Type.String(),
  key_type: Type.Union([Type.Literal("public"), Type.Literal("secret")]),
  key_masked: Type.String(),
  created_at: Timestamp,
  last_used_at: NullableTimestamp,
  expires_at: NullableTimestamp,
  revoked_at: NullableTimestamp,
});

export const AllowedOrigins = Type.Object({
  allowed_origins: Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 100 }),
});
