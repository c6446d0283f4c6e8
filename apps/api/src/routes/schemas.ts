export { authErrors } from "@windback/protocol/schemas";

/**
 * A route registered twice, under `/projects/:slug/…` and as an unscoped alias acting on the
 * caller's own project, needs two operation ids.
 */
export function operationId(base: string, scoped: boolean): string {
  return scoped ? base : `${base}ForOwnProject`;
}
