import { maskedFromHint } from "../auth/api-keys.js";
import type { ApiKeyRecord, ProjectRecord, UserRecord } from "../repositories/types.js";

export const serializeUser = (user: UserRecord) => ({
  id: user.id,
  name: user.name,
  email: user.email,
  created_at: user.createdAt,
});

export const serializeProject = (project: ProjectRecord) => ({
  id: project.id,
  name: project.name,
  slug: project.slug,
  support_email: project.supportEmail,
  allowed_origins: project.allowedOrigins,
  created_at: project.createdAt,
  updated_at: project.updatedAt,
});

export const serializeApiKey = (key: ApiKeyRecord) => ({
  id: key.id,
  key_type: key.keyType,
  key_masked: maskedFromHint(key.keyHint),
  created_at: key.createdAt,
  last_used_at: key.lastUsedAt,
  expires_at: key.expiresAt,
  revoked_at: key.revokedAt,
});
