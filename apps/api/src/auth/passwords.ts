import { hash, verify } from "@node-rs/argon2";
import type { PasswordHashingParams } from "../config.js";
import { badRequest } from "../lib/errors.js";
import { COMMON_PASSWORDS } from "./common-passwords.js";

/**
 * The rules a new password must meet beyond its length (checked by the schema): at least one
 * character that is not a space, and not one of the most common passwords.
 */
export function requireAcceptablePassword(password: string, field: string): void {
  if (!/\S/.test(password))
    throw badRequest(`${field} must contain a character that is not a space`);
  if (COMMON_PASSWORDS.has(password.trim().toLowerCase())) {
    throw badRequest(`${field} is one of the most common passwords; choose another`);
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time by construction (argon2 recomputes the hash); false on a malformed hash. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification without a real account, so "no such email" and
   * "wrong password" take the same time.
   */
  verifyDummy(password: string): Promise<void>;
}

export function createPasswordHasher(params: PasswordHashingParams): PasswordHasher {
  // 2 = Algorithm.Argon2id (a const enum, which isolated modules cannot read).
  const options = { algorithm: 2 as const, ...params };
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummyHash ??= hash("windback-dummy-password", options);
      await verify(await dummyHash, password).catch(() => false);
    },
  };
}
