import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, test } from "vitest";

const apiDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const serverJs = join(apiDir, "dist", "server.js");

beforeAll(() => {
  // `pnpm test` builds first; building here keeps this file runnable on its own.
  if (!existsSync(serverJs) || !existsSync(join(apiDir, "../../packages/protocol/dist/index.js"))) {
    execFileSync("pnpm", ["--filter", "@windback/protocol", "--filter", "@windback/api", "build"], {
      cwd: apiDir,
      stdio: "inherit",
    });
  }
}, 120_000);

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = undefined;
  dir = undefined;
});

function start(env: Record<string, string>) {
  dir ??= mkdtempSync(join(tmpdir(), "windback-server-"));
  child = spawn(process.execPath, [serverJs], {
    env: { PATH: process.env.PATH, DATABASE_PATH: join(dir, "windback.db"), PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const proc = child;
  return {
    proc,
    output: () => output,
    waitFor: (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const match = output.match(pattern);
        if (match) return resolve(match);
        waiters.push({ pattern, resolve });
        proc.once("exit", () => reject(new Error(`exited before ${pattern}: ${output}`)));
      }),
    exited: () =>
      new Promise<number | null>((resolve) =>
        proc.exitCode !== null ? resolve(proc.exitCode) : proc.once("exit", resolve),
      ),
  };
}

function post(port: number, path: string, body: unknown) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let data = "";
        res.on("data", (c) => {
          data += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("server.ts", () => {
  test("an invalid environment stops the start with a message naming the variable", async () => {
    const server = start({ PORT: "eighty", NODE_ENV: "production" });
    expect(await server.exited()).toBe(1);
    expect(server.output()).toMatch(/PORT must be a whole number/);
    expect(server.output()).toMatch(/JWT_SECRET is required when NODE_ENV=production/);
  });

  test("SIGTERM lets an in-flight request finish, then closes the database and exits 0", async () => {
    // debug: the line on a request's arrival tells the test it is in flight.
    const server = start({ LOG_LEVEL: "debug" });
    const [, port] = await server.waitFor(/listening at http:\/\/127\.0\.0\.1:(\d+)/);
    // Registration hashes with production argon2 parameters: slow enough to be in flight.
    const pending = post(Number(port), "/api/v1/auth/register", {
      name: "Jane",
      email: "jane@example.com",
      password: "long enough password",
    });
    await server.waitFor(/incoming request/);
    server.proc.kill("SIGTERM");
    const response = await pending;
    expect(response.status).toBe(201);
    expect(await server.exited()).toBe(0);
    expect(server.output()).toMatch(/shutting down/);
    // A cleanly closed WAL database leaves no -wal file behind.
    expect(existsSync(join(dir as string, "windback.db-wal"))).toBe(false);

    // The account survived the restart.
    const again = start({ LOG_LEVEL: "info", DATABASE_PATH: join(dir as string, "windback.db") });
    const [, port2] = await again.waitFor(/listening at http:\/\/127\.0\.0\.1:(\d+)/);
    const login = await post(Number(port2), "/api/v1/auth/login", {
      email: "jane@example.com",
      password: "long enough password",
    });
    expect(login.status).toBe(200);
    again.proc.kill("SIGINT");
    expect(await again.exited()).toBe(0);
  });
});
