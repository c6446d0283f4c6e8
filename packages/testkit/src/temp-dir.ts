import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  path: string;
  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): void;
}

/** A new directory under the OS temp dir, named `${prefix}XXXXXX` (as `mkdtemp` names it). */
export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
