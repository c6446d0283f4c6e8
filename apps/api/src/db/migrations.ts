/**
 * Forward-only, numbered migrations. A released migration is never edited: add the next one.
 * `PRAGMA user_version` records the last one applied.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, projects, api keys, allowed origins",
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        -- Bumped on password change; a JWT carrying an older value is refused.
        token_version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX users_email_unique ON users (email);

      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        support_email TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX projects_user_slug_unique ON projects (user_id, slug);
      CREATE INDEX projects_user_created ON projects (user_id, created_at);

      CREATE TABLE project_origins (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        origin TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (project_id, origin)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        key_type TEXT NOT NULL CHECK (key_type IN ('public', 'secret')),
        -- SHA-256 of the raw key, hex. The raw key is never stored.
        key_hash TEXT NOT NULL,
        key_hint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        expires_at TEXT,
        revoked_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX api_keys_hash_unique ON api_keys (key_hash);
      CREATE INDEX api_keys_project ON api_keys (project_id, key_type, created_at);
    `,
  },
];
