import type { CustomerVerification } from "@windback/protocol";
import type pg from "pg";
import type { NewProject, ProjectRecord, ProjectsRepository } from "../types.js";
import { insertApiKey } from "./api-keys-repository.js";
import { lockUser, type Queryable, transaction } from "./database.js";

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

async function originsOf(client: Queryable, projectId: string): Promise<string[]> {
  const { rows } = await client.query<{ origin: string }>(
    "SELECT origin FROM project_origins WHERE project_id = $1 ORDER BY position",
    [projectId],
  );
  return rows.map((row) => row.origin);
}

async function toProject(client: Queryable, row: ProjectRow): Promise<ProjectRecord> {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    slug: row.slug,
    supportEmail: row.support_email,
    allowedOrigins: await originsOf(client, row.id),
    maxClaimedMrrCents: row.max_claimed_mrr_cents,
    customerVerification: row.customer_verification,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Inserts a project under the first free slug of the account ("acme", "acme-2", …). Runs inside
 * a transaction; the account's row lock makes concurrent creations choose one after the other.
 */
export async function insertProjectWithFreeSlug(
  client: Queryable,
  project: NewProject,
  now: string,
): Promise<ProjectRecord> {
  await lockUser(client, project.userId);
  const { rows } = await client.query<{ slug: string }>(
    `SELECT slug FROM projects WHERE user_id = $1 AND (slug = $2 OR slug LIKE $3 ESCAPE '\\')`,
    [project.userId, project.slug, `${project.slug.replace(/[\\%_]/g, "\\$&")}-%`],
  );
  const taken = new Set(rows.map((row) => row.slug));
  let slug = project.slug;
  for (let n = 2; taken.has(slug); n++) slug = `${project.slug}-${n}`;
  const inserted = await client.query<ProjectRow>(
    `INSERT INTO projects (id, user_id, name, slug, support_email, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
    [project.id, project.userId, project.name, slug, project.supportEmail, now],
  );
  return toProject(client, inserted.rows[0] as ProjectRow);
}

export function createProjectsRepository(pool: pg.Pool): ProjectsRepository {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await pool.query<ProjectRow>(sql, params);
    return rows[0] ? toProject(pool, rows[0]) : null;
  };
  return {
    async create(project, keys, now) {
      return transaction(pool, async (client) => {
        const created = await insertProjectWithFreeSlug(client, project, now);
        for (const key of keys) await insertApiKey(client, created.id, key, now);
        return created;
      });
    },
    async listByUser(userId, { limit, offset }) {
      const [items, total] = await Promise.all([
        pool.query<ProjectRow>(
          `SELECT * FROM projects WHERE user_id = $1 ORDER BY created_at, seq
           LIMIT $2 OFFSET $3`,
          [userId, limit, offset],
        ),
        pool.query<{ n: number }>("SELECT count(*) AS n FROM projects WHERE user_id = $1", [
          userId,
        ]),
      ]);
      return {
        items: await Promise.all(items.rows.map((row) => toProject(pool, row))),
        total: total.rows[0]?.n ?? 0,
      };
    },
    async findById(id) {
      return one("SELECT * FROM projects WHERE id = $1", [id]);
    },
    async findBySlug(userId, slug) {
      return one("SELECT * FROM projects WHERE user_id = $1 AND slug = $2", [userId, slug]);
    },
    async findDefault(userId) {
      return one("SELECT * FROM projects WHERE user_id = $1 ORDER BY created_at, seq LIMIT 1", [
        userId,
      ]);
    },
    async update(id, changes, now) {
      return one(
        `UPDATE projects SET name = coalesce($1, name),
           support_email = CASE WHEN $2 THEN $3 ELSE support_email END,
           max_claimed_mrr_cents = coalesce($4, max_claimed_mrr_cents),
           customer_verification = coalesce($5, customer_verification), updated_at = $6
         WHERE id = $7 RETURNING *`,
        [
          changes.name ?? null,
          changes.supportEmail !== undefined,
          changes.supportEmail ?? null,
          changes.maxClaimedMrrCents ?? null,
          changes.customerVerification ?? null,
          now,
          id,
        ],
      );
    },
    async delete(id) {
      const { rowCount } = await pool.query("DELETE FROM projects WHERE id = $1", [id]);
      return (rowCount ?? 0) > 0;
    },
    async setAllowedOrigins(id, origins, now) {
      return transaction(pool, async (client) => {
        await client.query("DELETE FROM project_origins WHERE project_id = $1", [id]);
        if (origins.length > 0) {
          await client.query(
            `INSERT INTO project_origins (project_id, origin, position)
             SELECT $1, origin, position - 1 FROM unnest($2::text[]) WITH ORDINALITY AS o(origin, position)`,
            [id, origins],
          );
        }
        await client.query("UPDATE projects SET updated_at = $1 WHERE id = $2", [now, id]);
        return originsOf(client, id);
      });
    },
    async getAllowedOrigins(id) {
      return originsOf(pool, id);
    },
  };
}
