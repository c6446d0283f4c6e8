import { hash, verify } from "@node-rs/argon2";
import type { PasswordHashingParams } from "../config.js";

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
