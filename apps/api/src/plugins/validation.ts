import { Ajv, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const shared: Options = {
  useDefaults: true,
  removeAdditional: true,
  // One error at a time: allErrors lets a crafted body make validation expensive.
  allErrors: false,
  strict: false,
};

/**
 * Query strings and path parameters arrive as text, so they are coerced ("20" → 20). JSON bodies
 * are not: `{"name": 42}` is a client bug to report, not a value to quietly turn into "42".
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const coercing = new Ajv({ ...shared, coerceTypes: "array" });
  const strictTypes = new Ajv({ ...shared, coerceTypes: false });
  addFormats(coercing);
  addFormats(strictTypes);
  return ({ schema, httpPart }) =>
    (httpPart === "body" ? strictTypes : coercing).compile(schema as object);
}
