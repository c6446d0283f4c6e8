import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { expect, test } from "vitest";
import { freePort } from "../src/ports.js";
import { tempDir } from "../src/temp-dir.js";

function listen(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve(() => new Promise<void>((done) => server.close(() => done()))),
    );
  });
}

test("freePort returns a port that can be bound on 127.0.0.1", async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  expect(port).toBeLessThan(65_536);
  const close = await listen(port);
  // While it is taken, a second bind fails: the probe really tested that address.
  await expect(listen(port)).rejects.toMatchObject({ code: "EADDRINUSE" });
  await close();
});

test("tempDir makes a fresh directory with the prefix and removes it with its content", () => {
  const first = tempDir("windback-testkit-");
  const second = tempDir("windback-testkit-");
  expect(first.path).not.toBe(second.path);
  expect(first.path).toMatch(/windback-testkit-[^/]+$/);
  writeFileSync(join(first.path, "file.db"), "x");
  first.remove();
  second.remove();
  expect(existsSync(first.path)).toBe(false);
  expect(existsSync(second.path)).toBe(false);
  expect(() => first.remove()).not.toThrow();
});
