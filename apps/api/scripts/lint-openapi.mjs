// `pnpm lint` step: Redocly's recommended rules over the committed OpenAPI document, failing on
// any problem, warnings included (redocly itself only fails on errors).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const output = execFileSync(
  "pnpm",
  ["exec", "redocly", "lint", "apps/api/openapi/openapi.json", "--format=json"],
  {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    stdio: ["ignore", "pipe", "ignore"],
  },
);
const report = JSON.parse(output);
for (const problem of report.problems) {
  const where = problem.location?.[0]?.pointer ?? "";
  console.error(`${problem.severity} ${problem.ruleId}: ${problem.message} ${where}`);
}
const { errors, warnings } = report.totals;
console.log(`OpenAPI (Redocly recommended): ${errors} errors, ${warnings} warnings`);
if (errors + warnings > 0) process.exit(1);
