import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function examples(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? examples(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [relative(packageDir, join(dir, entry.name))]
        : [],
  );
}

test("the README's examples are the type-checked files of examples/, verbatim", () => {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  for (const [, path, code] of blocks) {
    expect(code, path).toBe(readFileSync(join(packageDir, path ?? ""), "utf8"));
  }
  // Every example but the stand-ins for the merchant's own code is shown.
  const shown = new Set(blocks.map(([, path]) => path));
  const files = examples(join(packageDir, "examples")).filter((p) => !p.endsWith("your-app.ts"));
  expect(files.filter((file) => !shown.has(file))).toEqual([]);
});
