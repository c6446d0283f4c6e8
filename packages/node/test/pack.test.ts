/**
 * The package as merchants get it: built, packed (`pnpm pack`, as it would be published),
 * installed from the tarball into an empty project with npm, then loaded with `import` and with
 * `require` in a child node process, and type-checked as ESM and as CommonJS, so a missing file,
 * a wrong `exports` map or a declaration that names a workspace package fails here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(packageDir, "node_modules/.bin/tsc");
let work: string;
let consumer: string;
let tarball: string;

const SCRIPT = `
const token = await createCustomerToken({
  secretId: "cts_1",
  secret: "wbct_${"k".repeat(43)}",
  customer: { email: "ada@example.com", id: "cus_1", subscriptionId: "sub_1", plan: "Pro", mrr: 4900 },
  expiresIn: "1h",
});
const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString());
const secret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
const body = JSON.stringify({ type: "webhook.test", timestamp: new Date().toISOString(), livemode: true, data: {} });
const now = new Date();
const headers = {
  "webhook-id": "msg_1",
  "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
  "webhook-signature": new Webhook(secret).sign("msg_1", now, body),
};
const message = verifyWebhook(body, headers, secret);
let refused = null;
try { verifyWebhook(body + " ", headers, secret); } catch (error) { refused = error instanceof WindbackError ? error.code : String(error); }
new Windback({ secretKey: "sk_x", baseUrl: "https://windback.example.com" });
console.log(JSON.stringify({ kid: header.kid, alg: header.alg, type: message.type, refused }));
`;

const TYPES = `
import { createCustomerToken, verifyWebhook, Windback, WindbackError, type ChurnEvent, type WebhookMessage } from "@windback/node";
const windback = new Windback({ secretKey: "sk_x", baseUrl: "https://windback.example.com" });
export async function run(): Promise<string> {
  const events: ChurnEvent[] = [];
  for await (const event of windback.churnEvents.list({ status: "offer_accepted" })) events.push(event);
  const stats = await windback.stats.get({ from: "2026-11-01" });
  const message: WebhookMessage = verifyWebhook("{}", {}, "whsec_x");
  const error = new WindbackError("x", { status: 429, code: "RATE_LIMITED" });
  const token: string = await createCustomerToken({ secretId: "a", secret: "b", customer: { email: "e", id: "i", subscriptionId: "s", plan: "p", mrr: 1 }, expiresIn: "1h" });
  // @ts-expect-error: a status the API does not have
  await windback.churnEvents.list({ status: "cancelled" }).next();
  return [events.length, stats.recovery_rate, message.type, error.code, token].join();
}
`;

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: packageDir, stdio: "pipe" });
  work = mkdtempSync(join(tmpdir(), "windback-node-pack-"));
  execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: packageDir, stdio: "pipe" });
  const name = readdirSync(work).find((n) => n.endsWith(".tgz"));
  if (!name) throw new Error("pnpm pack made no tarball");
  tarball = join(work, name);
  consumer = join(work, "consumer");
  execFileSync("mkdir", [consumer]);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true }),
  );
  execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: consumer,
    stdio: "pipe",
    timeout: 240_000,
  });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  test("is small, and depends on jose and standardwebhooks only", () => {
    const bytes = statSync(tarball).size;
    console.log(`@windback/node packed: ${bytes} B (${(bytes / 1024).toFixed(1)} KB)`);
    // A sanity bound (about 35 KB today: code, declarations, README, examples), not a budget.
    expect(bytes).toBeLessThan(64 * 1024);
    const manifest = JSON.parse(
      execFileSync("node", ["-p", "JSON.stringify(require('@windback/node/package.json'))"], {
        cwd: consumer,
        encoding: "utf8",
      }),
    );
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["jose", "standardwebhooks"]);
    const installed = readdirSync(join(consumer, "node_modules/@windback"));
    expect(installed).toEqual(["node"]);
  });

  test("runs with import", () => {
    const file = join(consumer, "check.mjs");
    writeFileSync(
      file,
      `import { createCustomerToken, verifyWebhook, Windback, WindbackError } from "@windback/node";\nimport { Webhook } from "standardwebhooks";\n${SCRIPT}`,
    );
    const out = JSON.parse(execFileSync("node", [file], { cwd: consumer, encoding: "utf8" }));
    expect(out).toEqual({
      kid: "cts_1",
      alg: "HS256",
      type: "webhook.test",
      refused: "WEBHOOK_VERIFICATION_FAILED",
    });
  });

  test("runs with require", () => {
    const file = join(consumer, "check.cjs");
    writeFileSync(
      file,
      `const { createCustomerToken, verifyWebhook, Windback, WindbackError } = require("@windback/node");\nconst { Webhook } = require("standardwebhooks");\n(async () => {${SCRIPT}})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const out = JSON.parse(execFileSync("node", [file], { cwd: consumer, encoding: "utf8" }));
    expect(out).toEqual({
      kid: "cts_1",
      alg: "HS256",
      type: "webhook.test",
      refused: "WEBHOOK_VERIFICATION_FAILED",
    });
  });

  test("type-checks as ES module and as CommonJS, with nothing from the workspace", () => {
    writeFileSync(join(consumer, "esm.mts"), TYPES);
    writeFileSync(join(consumer, "cjs.cts"), TYPES);
    // A wrong use must be an error there too, so the check is not vacuous.
    writeFileSync(
      join(consumer, "wrong.mts"),
      `import { Windback } from "@windback/node";\nnew Windback({ baseUrl: "x" });\n`,
    );
    // skipLibCheck keeps this fast on a loaded machine; a declaration that lost its types would
    // turn them into any, and the @ts-expect-error in TYPES would then be unused: an error.
    const args = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext"];
    const typeRoots = ["--typeRoots", join(packageDir, "node_modules/@types"), "--types", "node"];
    let output = "";
    try {
      execFileSync(tsc, [...args, ...typeRoots, "esm.mts", "cjs.cts", "wrong.mts"], {
        cwd: consumer,
        encoding: "utf8",
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    const files = output.split("\n").filter((line) => /^\S+\(\d+,\d+\): error/.test(line));
    expect(files).toEqual([expect.stringMatching(/^wrong\.mts\(2,14\): error TS2345/)]);
  }, 240_000);
});
