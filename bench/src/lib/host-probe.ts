/**
 * An independent witness of the machine during a latency test: a separate Node process, sharing
 * nothing with the API or the load generator, that (1) asks for a 10 ms timer over and over and
 * notes when it fires late (the host did not run it: CPU steal, a saturated run queue) and (2)
 * writes 4 KB and fsyncs a file in a given directory every 100 ms and notes slow syncs (the disk
 * stalled). A latency spike that this witness saw too is the host's; one it did not see is the
 * API's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface HostStall {
  kind: "timer" | "fsync";
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

export interface HostProbe {
  stalls(): HostStall[];
  /** Timer ticks and fsyncs observed (to show the witness was running). */
  samples(): { timer: number; fsync: number };
  stop(): Promise<void>;
}

const PROBE_SOURCE = `
const { openSync, write, fsync, closeSync, rmSync } = require("node:fs");
const { join } = require("node:path");
const [dir, thresholdMs] = [process.argv[1], Number(process.argv[2])];
const file = join(dir, "host-probe-" + process.pid);
const fd = openSync(file, "w");
const block = Buffer.alloc(4096, 1);
let last = Date.now();
setInterval(() => {
  const now = Date.now();
  const late = now - last - 10;
  if (late > thresholdMs) console.log(JSON.stringify({ kind: "timer", start: now - late, end: now }));
  else console.log("t");
  last = now;
}, 10);
// On the thread pool, so a slow disk does not also make the timer late; one at a time.
let syncing = false;
setInterval(() => {
  if (syncing) return;
  syncing = true;
  const start = Date.now();
  write(fd, block, 0, block.length, 0, () => fsync(fd, () => {
    const end = Date.now();
    syncing = false;
    if (end - start > thresholdMs) console.log(JSON.stringify({ kind: "fsync", start, end }));
    else console.log("f");
  }));
}, 100);
process.on("SIGTERM", () => { closeSync(fd); rmSync(file, { force: true }); process.exit(0); });
`;

/**
 * Starts the witness. `directory` should be on the same filesystem as the database; a timer late
 * by more than `thresholdMs`, or an fsync slower than it, is a stall.
 */
export function startHostProbe(directory: string, thresholdMs = 50): HostProbe {
  const child: ChildProcess = spawn(
    process.execPath,
    ["-e", PROBE_SOURCE, directory, String(thresholdMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const stalls: HostStall[] = [];
  let timer = 0;
  let fsync = 0;
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  lines.on("line", (line) => {
    if (line === "t") timer += 1;
    else if (line === "f") fsync += 1;
    else {
      const stall = JSON.parse(line) as HostStall;
      stalls.push(stall);
      if (stall.kind === "timer") timer += 1;
      else fsync += 1;
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    stalls: () => [...stalls],
    samples: () => ({ timer, fsync }),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Whether [start, end] (epoch ms) overlaps a stall, widened by `marginMs` on each side. */
export function overlapsStall(
  stalls: readonly HostStall[],
  start: number,
  end: number,
  marginMs = 20,
): boolean {
  return stalls.some((s) => start <= s.end + marginMs && end >= s.start - marginMs);
}
