/**
 * A simulated power cut for the crash test: the API child runs with fsync-snapshot.c preloaded,
 * which keeps a copy of each database file as of its last fsync; `cutPower()` (after kill -9)
 * puts those copies in place, so every write that was never synced is gone, as after a real
 * power loss. File creation and deletion are taken as durable; file content only as of its last
 * fsync or fdatasync.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const SOURCE = new URL("./fsync-snapshot.c", import.meta.url).pathname;

/**
 * Compiles the shim into `outDir` with the system C compiler and returns the .so path. Throws
 * (the test fails, it does not skip) when there is no compiler.
 */
export function buildFsyncShim(outDir: string): string {
  const out = join(outDir, "fsync-snapshot.so");
  const cc = process.env.CC ?? "cc";
  try {
    execFileSync(cc, ["-shared", "-fPIC", "-O2", "-o", out, SOURCE, "-ldl"], { stdio: "pipe" });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`the power-loss test needs a C compiler (${cc}) to build its shim: ${stderr}`);
  }
  return out;
}

/** The environment that makes the API child keep durable copies of `databasePath`'s files. */
export function durableEnv(shim: string, databasePath: string): Record<string, string> {
  return { LD_PRELOAD: shim, WINDBACK_DURABLE_PREFIX: databasePath };
}

/**
 * Replaces each of the database's files with its state at its last fsync, or deletes it if it was
 * never synced; the -shm index is deleted (SQLite rebuilds it from the WAL). Returns what it did,
 * per file, for the log. Call it only while no process has the files open.
 */
export function cutPower(databasePath: string): Record<string, "restored" | "never synced"> {
  const dir = dirname(databasePath);
  const stem = basename(databasePath);
  const done: Record<string, "restored" | "never synced"> = {};
  const names = readdirSync(dir).filter((name) => name.startsWith(stem));
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith(".durable.tmp")) rmSync(path, { force: true });
    else if (name.endsWith("-shm")) rmSync(path, { force: true });
    else if (name.endsWith(".durable")) {
      // A copy of a file the process deleted since (a rolled-over journal): the deletion stands.
      if (!existsSync(path.slice(0, -".durable".length))) rmSync(path, { force: true });
    } else if (existsSync(`${path}.durable`)) {
      // A copy, not a rename: the synced state stays the durable one until the next fsync.
      copyFileSync(`${path}.durable`, path);
      done[name] = "restored";
    } else {
      rmSync(path, { force: true });
      done[name] = "never synced";
    }
  }
  return done;
}
