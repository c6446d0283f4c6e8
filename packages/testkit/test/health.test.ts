import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { afterEach, expect, test } from "vitest";
import { waitForHealth } from "../src/health.js";
import { freePort } from "../src/ports.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

function serve(statusFor: (path: string) => number): Promise<string> {
  server = createServer((req, res) => {
    res.writeHead(statusFor(req.url ?? "/"));
    res.end();
  });
  return new Promise((resolve) => {
    server?.listen(0, "127.0.0.1", () => {
      const address = server?.address();
      resolve(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    });
  });
}

test("resolves once the health path answers 2xx, on the path asked for", async () => {
  let calls = 0;
  const url = await serve((path) => {
    calls += 1;
    return path === "/ready" && calls > 2 ? 200 : 503;
  });
  await waitForHealth(url, undefined, 5000, { path: "/ready" });
  expect(calls).toBe(3);
});

test("times out with the last answer when the server never becomes healthy", async () => {
  const url = await serve(() => 503);
  await expect(waitForHealth(url, undefined, 300)).rejects.toThrow(
    /did not answer http:\/\/127\.0\.0\.1:\d+\/health within 0\.3 s \(last: HTTP 503\)/,
  );
});

test("fails fast when the process exits before it is up", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" });
  const timeoutMs = 20_000;
  const started = Date.now();
  await expect(waitForHealth(`http://127.0.0.1:${port}`, child, timeoutMs)).rejects.toThrow(
    "The API exited with 3 before it was up",
  );
  // It did not wait for the deadline.
  expect(Date.now() - started).toBeLessThan(timeoutMs / 2);
});
