/**
 * Checkpoints on a worker thread. The main connection commits without syncing and never
 * checkpoints (`wal_autocheckpoint=0`, ./wal-sync.ts); this worker's own connection, with
 * `synchronous=FULL`, copies the WAL back into the database file now and then. With FULL, SQLite
 * fsyncs the WAL before the copy and the database file after it, and only then marks the frames
 * as copied — so the main connection can reuse the WAL from its start only once the database file
 * holds them on disk. Its fsyncs block this thread, not the event loop.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface Checkpointer {
  /** Runs a checkpoint now and reports it (tests, diagnostics). */
  checkpoint(): Promise<CheckpointReport>;
  /** Stops the worker and closes its connection. */
  close(): Promise<void>;
}

export interface CheckpointReport {
  /** Frames in the WAL, and how many of them the database file now holds. */
  walFrames: number;
  checkpointedFrames: number;
  /** Another connection was checkpointing: nothing was done. */
  busy: boolean;
  /** The worker connection's `synchronous` setting (2 = FULL). */
  synchronous: number;
}

/** The worker's code, as CommonJS: it runs from the built app and from the sources in tests alike. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 5000");
const { openSync, readSync } = require("node:fs");
const { endianness } = require("node:os");
function checkpoint() {
  // PASSIVE: copies what it can without waiting for the writer or readers. busy: another
  // connection held the checkpoint lock, nothing was done.
  const [row] = db.pragma("wal_checkpoint(PASSIVE)");
  return { walFrames: row.log, checkpointedFrames: row.checkpointed, busy: row.busy === 1 };
}
// The WAL-index header in the -shm file (SQLite's file format, section 2.3, native byte order):
// mxFrame, the frames in the WAL, at byte 16; nBackfill, those already copied back, at byte 96.
// Read without a lock, as a hint of when a checkpoint is worth running.
let shmFd = -1;
const header = Buffer.alloc(100);
const read = endianness() === "LE" ? "readUInt32LE" : "readUInt32BE";
function framesNotCopied() {
  try {
    if (shmFd < 0) shmFd = openSync(workerData.path + "-shm", "r");
    if (readSync(shmFd, header, 0, 100, 0) < 100) return undefined;
    return { walFrames: header[read](16), pending: header[read](16) - header[read](96) };
  } catch {
    return undefined;
  }
}
let lastError = "";
let lastErrorAt = 0;
let lastFrames = -1;
function tick() {
  try {
    // A checkpoint that completes lets the next write reuse the WAL from its start, and SQLite
    // syncs the WAL header on the writer's thread when it does: so checkpoint only once enough
    // frames wait (one such sync per that many frames), not whenever writes pause.
    const seen = framesNotCopied();
    const report =
      seen && seen.pending < workerData.minFrames
        ? { walFrames: seen.walFrames, checkpointedFrames: seen.walFrames - seen.pending, busy: false }
        : checkpoint();
    // The writer needs the WAL's size to decide when to let a checkpoint catch up.
    if (report.walFrames !== lastFrames) {
      lastFrames = report.walFrames;
      parentPort.postMessage({ type: "progress", report });
    }
  } catch (error) {
    const message = String(error && error.message);
    const code = String((error && error.code) || "");
    // The same failure every 250 ms is reported once a minute.
    if (message !== lastError || Date.now() - lastErrorAt > 60000) {
      lastError = message;
      lastErrorAt = Date.now();
      parentPort.postMessage({ type: "error", message, code });
    }
  }
}
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message.type === "checkpoint") {
    try {
      const report = checkpoint();
      report.synchronous = db.pragma("synchronous", { simple: true });
      parentPort.postMessage({ type: "report", id: message.id, report });
    } catch (error) {
      parentPort.postMessage({ type: "report", id: message.id, error: String(error && error.message), code: String((error && error.code) || "") });
    }
  } else if (message.type === "close") {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Frames not yet copied back below which the periodic checkpoint waits (default 1000, ~4 MB). */
  minFrames?: number;
  /** A checkpoint failed; `code` is SQLite's extended result code (e.g. SQLITE_IOERR_FSYNC). */
  onError?: (message: string, code: string) => void;
  /** The WAL's size after a background checkpoint, when it changed. */
  onProgress?: (report: Omit<CheckpointReport, "synchronous">) => void;
  /** The worker stopped without being asked to. */
  onStopped?: () => void;
}

export function startCheckpointer(path: string, options: CheckpointerOptions = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      path,
      intervalMs: options.intervalMs ?? 250,
      minFrames: options.minFrames ?? 1000,
    },
  });
  // The worker never keeps the process alive; close() stops it on shutdown.
  worker.unref();
  const waiting = new Map<
    number,
    { resolve: (r: CheckpointReport) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let closed: Promise<void> | undefined;
  let exited = false;
  worker.once("exit", () => {
    exited = true;
    if (!closed) options.onStopped?.();
    for (const pending of waiting.values()) pending.reject(new Error("the checkpointer stopped"));
    waiting.clear();
  });
  worker.on(
    "message",
    (message: {
      type: string;
      id?: number;
      report?: CheckpointReport;
      error?: string;
      message?: string;
      code?: string;
    }) => {
      if (message.type === "progress" && message.report) options.onProgress?.(message.report);
      if (message.type === "error")
        options.onError?.(message.message ?? "checkpoint failed", message.code ?? "");
      if (message.type !== "report" || message.id === undefined) return;
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) {
        options.onError?.(message.error, message.code ?? "");
        pending?.reject(Object.assign(new Error(message.error), { code: message.code }));
      } else if (message.report) pending?.resolve(message.report);
    },
  );
  worker.on("error", (error) => {
    options.onError?.(String(error.message), "");
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  });
  return {
    checkpoint() {
      return new Promise<CheckpointReport>((resolve, reject) => {
        if (exited) return reject(new Error("the checkpointer stopped"));
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: "checkpoint", id });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once("exit", () => resolve());
        worker.postMessage({ type: "close" });
      });
      return closed;
    },
  };
}
