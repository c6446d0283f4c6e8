/**
 * Collects each test file's headline numbers into bench/results/reliability.json (merged across
 * files, which run one after another), so the summary can be quoted after a run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RESULTS_DIR } from "../src/lib/paths.js";

const FILE = join(RESULTS_DIR, "reliability.json");

export function record(section: string, values: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let all: Record<string, unknown> = {};
  if (existsSync(FILE)) {
    try {
      all = JSON.parse(readFileSync(FILE, "utf8"));
    } catch {
      all = {};
    }
  }
  all[section] = { ...values, at: new Date().toISOString() };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
