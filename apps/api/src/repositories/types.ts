/**
 * Repository interfaces. Routes depend on these only, never on SQL, so another store
 * (PostgreSQL) can sit behind the same promises later.
 */

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectRecord {
  id: string;
  userId: string;
  name: string;
  slug: string;
  supportEmail: string | null;
  allowedOrigins: string[];
  createdAt: string;
  updatedAt: string;
}

export type KeyType = "public" | "secret";

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  keyType: KeyType;
  keyHint: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A key about to be stored: only its hash and hint, never the raw value. */
export interface NewApiKey {
  id: string;
  keyType: KeyType;
  keyHash: string;
  keyHint: string;
}

export interface NewProject {
  id: string;
  userId: string;
  name: string;
  /** Wanted slug; a numeric suffix is added when the account already uses it. */
  slug: string;
  supportEmail: string | null;
}

/** A valid key with what authentication needs to know about its owner. */
export interface AuthenticatedKey {
  key: ApiKeyRecord;
  userId: string;
  keyHash: string;
}

export interface UsersRepository {
  /** Creates the account and its first project in one transaction. Throws UniqueViolationError on a taken email. */
  createWithProject(
    user: { id: string; name: string; email: string; passwordHash: string },
    project: NewProject,
    now: string,
  ): Promise<{ user: UserRecord; project: ProjectRecord }>;
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Stores the new hash and bumps token_version so earlier JWTs stop working. */
  changePassword(id: string, passwordHash: string, now: string): Promise<UserRecord>;
}

export interface ProjectsRepository {
  create(project: NewProject, keys: NewApiKey[], now: string): Promise<ProjectRecord>;
  listByUser(userId: string): Promise<ProjectRecord[]>;
  findById(id: string): Promise<ProjectRecord | null>;
  findBySlug(userId: string, slug: string): Promise<ProjectRecord | null>;
  /** The account's oldest project: the target of the unscoped aliases. */
  findDefault(userId: string): Promise<ProjectRecord | null>;
  update(
    id: string,
    changes: { name?: string; supportEmail?: string | null },
    now: string,
  ): Promise<ProjectRecord | null>;
  delete(id: string): Promise<boolean>;
  setAllowedOrigins(id: string, origins: string[], now: string): Promise<string[]>;
  getAllowedOrigins(id: string): Promise<string[]>;
}

export interface ApiKeysRepository {
  create(projectId: string, key: NewApiKey, now: string): Promise<ApiKeyRecord>;
  /** Inserts the new key and makes the project's other live keys of that type expire at `oldKeysExpireAt`. */
  rotate(
    projectId: string,
    key: NewApiKey,
    now: string,
    oldKeysExpireAt: string,
  ): Promise<ApiKeyRecord>;
  listByProject(projectId: string): Promise<ApiKeyRecord[]>;
  /** The key with this hash if it is neither revoked nor expired at `now`. */
  findUsableByHash(keyHash: string, now: string): Promise<AuthenticatedKey | null>;
  revoke(projectId: string, id: string, now: string): Promise<ApiKeyRecord | null>;
  /** Records use; skips the write unless last_used_at is older than `staleBefore`, keeping the hot path cheap. */
  touch(id: string, now: string, staleBefore: string): Promise<void>;
}

export interface Repositories {
  users: UsersRepository;
  projects: ProjectsRepository;
  apiKeys: ApiKeysRepository;
}
