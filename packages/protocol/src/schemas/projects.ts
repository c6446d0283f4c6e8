import { type Static, Type } from "@sinclair/typebox";
import { MRR_MAX_CENTS } from "../customer-fields.js";
import { CUSTOMER_VERIFICATION, KEY_TYPES, MODES } from "../index.js";
import { NullableTimestamp, refTo, StringEnum, Timestamp } from "./common.js";

export const AllowedOrigins = Type.Object({
  allowed_origins: Type.Array(Type.String({ maxLength: 2048 }), {
    maxItems: 100,
    description:
      "Origins (scheme://host[:port]) that may use the project's public key; empty: any origin",
  }),
});
export type AllowedOrigins = Static<typeof AllowedOrigins>;
export const AllowedOriginsBody = Type.Object(AllowedOrigins.properties, {
  additionalProperties: false,
});

export const Project = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    slug: Type.String(),
    support_email: Type.Union([Type.String(), Type.Null()]),
    allowed_origins: Type.Array(Type.String()),
    max_claimed_mrr: Type.Integer({
      description:
        "The largest MRR (cents) the cancel flow accepts from a browser for one customer; larger claims get 400",
    }),
    customer_verification: StringEnum(
      CUSTOMER_VERIFICATION,
      "off: customer tokens are ignored; optional: one sent must be valid; required: every cancel-flow request needs a valid one (else 401 CUSTOMER_TOKEN_INVALID)",
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: "Project" },
);
export type Project = Static<typeof Project>;

const ProjectName = Type.String({ minLength: 1, maxLength: 200 });
const SupportEmail = Type.Union([Type.String({ maxLength: 320 }), Type.Null()]);

export const CreateProjectBody = Type.Object(
  { name: ProjectName, support_email: Type.Optional(SupportEmail) },
  { additionalProperties: false },
);
export type CreateProjectBody = Static<typeof CreateProjectBody>;

const MaxClaimedMrr = Type.Integer({ minimum: 0, maximum: MRR_MAX_CENTS });

/** PUT replaces the name and support email; PATCH changes only the fields given. */
export const UpdateProjectBody = Type.Object(
  {
    name: Type.Optional(ProjectName),
    support_email: Type.Optional(SupportEmail),
    max_claimed_mrr: Type.Optional(MaxClaimedMrr),
    customer_verification: Type.Optional(StringEnum(CUSTOMER_VERIFICATION)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProjectBody = Static<typeof UpdateProjectBody>;

export const CreatedProject = Type.Object({
  project: refTo(Project),
  raw_public_key: Type.String({ description: "Shown once" }),
  raw_secret_key: Type.String({ description: "Shown once" }),
});
export type CreatedProject = Static<typeof CreatedProject>;

const apiKeyFields = {
  id: Type.String(),
  key_type: StringEnum(KEY_TYPES),
  mode: StringEnum(MODES, "test keys (pub_test_…, sk_test_…) write test data"),
  key_masked: Type.String({ description: "The prefix, dots and the key's last 4 characters" }),
  created_at: Timestamp,
  last_used_at: NullableTimestamp,
  expires_at: NullableTimestamp,
  revoked_at: NullableTimestamp,
};
export const ApiKey = Type.Object(apiKeyFields, { $id: "ApiKey" });
export type ApiKey = Static<typeof ApiKey>;

export const KeyTypeBody = Type.Object(
  {
    key_type: StringEnum(KEY_TYPES),
    mode: Type.Optional(StringEnum(MODES, "live (default) or test")),
  },
  { additionalProperties: false },
);

/** `?mode=test` shows test data; a test key sees only test data. */
export const ModeQuery = Type.Object({
  mode: Type.Optional(StringEnum(MODES, "live (default; a test key's default is test) or test")),
});

const secretFields = {
  id: Type.String({ description: "The `kid` a customer token's header names" }),
  created_at: Timestamp,
};

/** A customer-token secret as listed: never the secret itself. */
export const CustomerTokenSecret = Type.Object(
  {
    ...secretFields,
    secret_masked: Type.String({ description: "wbct_, dots and the last 4 characters" }),
    revoked_at: NullableTimestamp,
  },
  { $id: "CustomerTokenSecret" },
);
export type CustomerTokenSecret = Static<typeof CustomerTokenSecret>;

/** A new customer-token secret: the only time `secret` is shown. */
export const CreatedCustomerTokenSecret = Type.Object(
  {
    ...secretFields,
    secret: Type.String({ description: "wbct_ + 43 base64url characters; shown once" }),
  },
  { $id: "CreatedCustomerTokenSecret" },
);
export type CreatedCustomerTokenSecret = Static<typeof CreatedCustomerTokenSecret>;
export type KeyTypeBody = Static<typeof KeyTypeBody>;

/** A key as created or rotated: the only time the raw `key` is shown. */
export const CreatedApiKey = Type.Object(
  { ...apiKeyFields, key: Type.String({ description: "The raw key, shown once" }) },
  { $id: "CreatedApiKey" },
);
export type CreatedApiKey = Static<typeof CreatedApiKey>;
