import type { CustomerVerification } from "@windback/protocol";
import type { NewApiKey, NewProject, ProjectRecord, ProjectsRepository } from "../types.js";
import { insertApiKey } from "./api-keys-repository.js";
import { cachedStatement, type SqliteDatabase } from "./database.js";

interface ProjectRow {
  id: string;
  user_id: string;
  name: string;
  slug: string;
  support_email: string | null;
  max_claimed_mrr_cents: number;
  customer_verification: CustomerVerification;
  created_at: string;
  updated_at: string;
}

function originsOf(db: SqliteDatabase, projectId: string): string[] {
  return cachedStatement<[string], { origin: string }>(
    db,
    "SELECT origin FROM project_origins WHERE project_id = ? ORDER BY position",
  )
    .all(projectId)
    .map((row) => row.origin);
}

function toProject(db: SqliteDatabase, row: ProjectRow): ProjectRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    slug: row.slug,
    supportEmail: row.support_email,
    allowedOrigins: originsOf(db, row.id),
    maxClaimedMrrCents: row.max_claimed_mrr_cents,
    customerVerification: row.customer_verification,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Inserts a project under the first free slug of the account ("acme", "acme-2", …).
 * Must run inside a transaction so the check and the insert see the same data.
 */
export function insertProjectWithFreeSlug(
  db: SqliteDatabase,
  project: NewProject,
  now: string,
): ProjectRecord {
  const taken = new Set(
    cachedStatement<[string, string, string], { slug: string }>(
      db,
      "SELECT slug FROM projects WHERE user_id = ? AND (slug = ? OR slug LIKE ? ESCAPE '\\')",
    )
      .all(project.userId, project.slug, `${project.slug.replace(/[\\%_]/g, "\\$&")}-%`)
      .map((row) => row.slug),
  );
  let slug = project.slug;
  for (let n = 2; taken.has(slug); n++) slug = `${project.slug}-${n}`;
  cachedStatement(
    db,
    "INSERT INTO projects (id, user_id, name, slug, support_email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(project.id, project.userId, project.name, slug, project.supportEmail, now, now);
  return toProject(
    db,
    cachedStatement<[string], ProjectRow>(db, "SELECT * FROM projects WHERE id = ?").get(
      project.id,
    ) as ProjectRow,
  );
}

export function createProjectsRepository(db: SqliteDatabase): ProjectsRepository {
  const byId = db.prepare<[string], ProjectRow>("SELECT * FROM projects WHERE id = ?");
  const bySlug = db.prepare<[string, string], ProjectRow>(
    "SELECT * FROM projects WHERE user_id = ? AND slug = ?",
  );
  const byUser = db.prepare<[string, number, number], ProjectRow>(
    "SELECT * FROM projects WHERE user_id = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?",
  );
  const countByUser = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM projects WHERE user_id = ?",
  );
  const defaultOfUser = db.prepare<[string], ProjectRow>(
    "SELECT * FROM projects WHERE user_id = ? ORDER BY created_at, rowid LIMIT 1",
  );
  const update = db.prepare<
    [string | null, number, string | null, number | null, string | null, string, string]
  >(
    `UPDATE projects SET name = coalesce(?, name),
       support_email = CASE WHEN ? THEN ? ELSE support_email END,
       max_claimed_mrr_cents = coalesce(?, max_claimed_mrr_cents),
       customer_verification = coalesce(?, customer_verification), updated_at = ?
     WHERE id = ?`,
  );
  const remove = db.prepare<[string]>("DELETE FROM projects WHERE id = ?");
  const clearOrigins = db.prepare<[string]>("DELETE FROM project_origins WHERE project_id = ?");
  const insertOrigin = db.prepare<[string, string, number]>(
    "INSERT INTO project_origins (project_id, origin, position) VALUES (?, ?, ?)",
  );
  const touchProject = db.prepare<[string, string]>(
    "UPDATE projects SET updated_at = ? WHERE id = ?",
  );

  const createTx = db.transaction((project: NewProject, keys: NewApiKey[], now: string) => {
    const created = insertProjectWithFreeSlug(db, project, now);
    for (const key of keys) insertApiKey(db, created.id, key, now);
    return created;
  });

  const setOriginsTx = db.transaction((id: string, origins: string[], now: string) => {
    clearOrigins.run(id);
    origins.forEach((origin, position) => {
      insertOrigin.run(id, origin, position);
    });
    touchProject.run(now, id);
  });

  const read = (row: ProjectRow | undefined) => (row ? toProject(db, row) : null);

  return {
    async create(project, keys, now) {
      return createTx.immediate(project, keys, now);
    },
    async listByUser(userId, { limit, offset }) {
      return {
        items: byUser.all(userId, limit, offset).map((row) => toProject(db, row)),
        total: (countByUser.get(userId) as { n: number }).n,
      };
    },
    async findById(id) {
      return read(byId.get(id));
    },
    async findBySlug(userId, slug) {
      return read(bySlug.get(userId, slug));
    },
    async findDefault(userId) {
      return read(defaultOfUser.get(userId));
    },
    async update(id, changes, now) {
      const hasEmail = changes.supportEmail !== undefined;
      update.run(
        changes.name ?? null,
        hasEmail ? 1 : 0,
        changes.supportEmail ?? null,
        changes.maxClaimedMrrCents ?? null,
        changes.customerVerification ?? null,
        now,
        id,
      );
      return read(byId.get(id));
    },
    async delete(id) {
      return remove.run(id).changes > 0;
    },
    async setAllowedOrigins(id, origins, now) {
      setOriginsTx.immediate(id, origins, now);
      return originsOf(db, id);
    },
    async getAllowedOrigins(id) {
      return originsOf(db, id);
    },
  };
}
