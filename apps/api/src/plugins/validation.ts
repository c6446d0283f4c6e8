import { Ajv, type AnySchema, type Options } from "ajv";
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
export function createValidatorCompiler(
  models: readonly AnySchema[] = [],
): FastifySchemaCompiler<unknown> {
  const coercing = new Ajv({ ...shared, coerceTypes: "array" });
  const strictTypes = new Ajv({ ...shared, coerceTypes: false });
  for (const ajv of [coercing, strictTypes]) {
    addFormats(ajv);
    // The named models schemas may refer to by $id.
    for (const model of models) ajv.addSchema(model);
  }
  return ({ schema, httpPart }) =>
    (httpPart === "body" ? strictTypes : coercing).compile(schema as object);
}
