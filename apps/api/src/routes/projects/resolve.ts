import type { FastifyInstance, FastifyRequest } from "fastify";
import { principalOf } from "../../auth/principal.js";
import { forbidden, notFound } from "../../lib/errors.js";
import type { ProjectRecord } from "../../storage/types.js";

/**
 * The project a request acts on: the named one (`/projects/:slug/…`) or, on the unscoped aliases,
 * the key's project or the account's default project. Another tenant's project is a 404, never a
 * 403, so slugs and ids cannot be probed.
 */
export async function resolveProject(
  app: FastifyInstance,
  request: FastifyRequest,
  slug: string | undefined,
): Promise<ProjectRecord> {
  const principal = principalOf(request);
  let project: ProjectRecord | null;
  if (principal.kind === "user") {
    project =
      slug === undefined
        ? await app.repos.projects.findDefault(principal.userId)
        : await app.repos.projects.findBySlug(principal.userId, slug);
  } else {
    project = await app.repos.projects.findById(principal.projectId);
    if (project && slug !== undefined && project.slug !== slug) project = null;
  }
  if (!project) throw notFound("Project");
  return project;
}

/** The `:slug` route parameter when the route has one. */
export function slugParam(request: FastifyRequest): string | undefined {
  return (request.params as { slug?: string } | undefined)?.slug;
}

/**
 * Whether a read sees live or test data (docs/design.md §11): `?mode=test` shows test data; a
 * test key sees test data only (asking it for live data is a 403).
 */
export function livemodeOf(
  request: FastifyRequest,
  requested: "live" | "test" | undefined,
): boolean {
  const principal = principalOf(request);
  if (principal.kind === "key" && !principal.livemode) {
    if (requested === "live") {
      throw forbidden("A test key sees test data only: use a live key or a session for live data");
    }
    return false;
  }
  return requested !== "test";
}
