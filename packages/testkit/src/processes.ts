import { type ChildProcess, spawn } from "node:child_process";
import { type WaitForHealthOptions, waitForHealth } from "./health.js";

/** How much of a child's stdout and stderr is kept for failure messages. */
const OUTPUT_TAIL_CHARS = 20_000;

const live = new Set<ChildProcess>();
// A runner that crashes or exits early must not leave servers behind.
process.once("exit", () => {
  for (const child of live) signal(child, "SIGKILL");
});

/**
 * `child.kill()` only for a process that was spawned: on one that failed to spawn (no pid yet),
 * Node still calls kill(2) with pid 0, which signals this whole process group (the test runner
 * and pnpm included).
 */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid !== undefined) child.kill(name);
}

export interface ServiceProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  /** The path of its health check (`/health`). */
  healthPath: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it) once the process is gone. */
  exited: Promise<number | null>;
  /** The tail of what the child wrote to stdout and stderr; empty with `output: "inherit"`. */
  output(): string;
  /** Sends `signal` (SIGTERM) and waits for the exit; SIGKILL after `graceMs` (10 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** `kill -9`, and waits until the process is gone. */
  kill9(): Promise<void>;
}

export interface SpawnServiceOptions {
  command: string;
  args: string[];
  /** The whole environment of the child (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  port: number;
  /** Where its stdout and stderr go: kept for `output()` (default), or this process's own. */
  output?: "capture" | "inherit";
  /** How long the server may take to answer its health check (20 s). */
  startTimeoutMs?: number;
  health?: WaitForHealthOptions;
}

/**
 * Spawns a server on 127.0.0.1 and resolves once its health check answers. A server that does
 * not come up is killed and the error carries what it printed.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const capture = (options.output ?? "capture") === "capture";
  const child = spawn(options.command, options.args, {
    env: options.env,
    ...(options.cwd && { cwd: options.cwd }),
    stdio: ["ignore", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
  });
  live.add(child);
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let ended = false;
  const exited = new Promise<number | null>((resolveExit) => {
    const end = (code: number | null) => {
      ended = true;
      live.delete(child);
      resolveExit(code);
    };
    child.once("exit", end);
    // A process that could not be spawned (no such command) emits "error" and never "exit".
    child.once("error", (error) => {
      keep(Buffer.from(`spawn failed: ${error.message}\n`));
      if (child.pid === undefined) end(null);
    });
  });
  const gone = () => ended || child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${options.port}`;
  const service: ServiceProcess = {
    url,
    port: options.port,
    pid: child.pid ?? -1,
    healthPath: options.health?.path ?? "/health",
    child,
    exited,
    output: () => out,
    async stop(name = "SIGTERM", graceMs = 10_000) {
      if (gone()) return;
      signal(child, name);
      const timer = setTimeout(() => signal(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (gone()) return;
      signal(child, "SIGKILL");
      await exited;
    },
  };
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 20_000, options.health);
  } catch (error) {
    await service.kill9();
    const printed = capture && out ? `\n${out}` : "";
    throw new Error(`${error instanceof Error ? error.message : String(error)}${printed}`);
  }
  return service;
}
