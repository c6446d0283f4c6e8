/**
 * `pnpm start`: runs the built API and the demo page, seeds the demo account, prints how to use it.
 * Ctrl-C stops both. Run from the repository root (paths are relative to it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { waitForHealth } from "@windback/testkit";
import { DEMO_PROJECT, seedDemo } from "./seed.js";
import { startDemoServer } from "./server.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const apiPort = Number(process.env.PORT ?? 8787);
const demoPort = Number(process.env.DEMO_PORT ?? 3000);
const databasePath = resolve(process.env.DATABASE_PATH ?? join(root, "data", "windback.db"));
const apiUrl = process.env.PUBLIC_URL ?? `http://localhost:${apiPort}`;

function startApi(): ChildProcess {
  const serverJs = join(root, "apps/api/dist/server.js");
  if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run pnpm build first`);
  return spawn(process.execPath, [serverJs], {
    env: {
      ...process.env,
      PORT: String(apiPort),
      HOST: process.env.HOST ?? "127.0.0.1",
      DATABASE_PATH: databasePath,
      PUBLIC_URL: apiUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/**
 * Four weeks of realistic history for the demo project, so every dashboard screen has data
 * (skipped once the project has events).
 */
function seedHistory(databasePath: string, email: string): void {
  const cli = join(root, "apps/api/dist/cli/seed-demo-history.js");
  const result = spawnSync(process.execPath, [cli, "--email", email, "--slug", DEMO_PROJECT.slug], {
    env: { ...process.env, DATABASE_PATH: databasePath },
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`Seeding the demo history failed (${cli})`);
}

async function main() {
  const api = startApi();
  let demo: Awaited<ReturnType<typeof startDemoServer>> | undefined;
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    demo?.server.close();
    if (api.exitCode === null) {
      api.once("exit", () => process.exit(code));
      api.kill("SIGTERM");
    } else {
      process.exit(code);
    }
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  api.once("exit", (code) => {
    if (!stopping) {
      console.error(`The API stopped unexpectedly (exit code ${code}).`);
      stop(1);
    }
  });

  const localApi = `http://127.0.0.1:${apiPort}`;
  await waitForHealth(localApi, api);
  const credentials = await seedDemo({
    apiUrl: localApi,
    allowedOrigins: [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`],
    stateFile: join(dirname(databasePath), "demo-account.json"),
  });
  seedHistory(databasePath, credentials.email);
  demo = await startDemoServer({
    apiUrl,
    publicKey: credentials.publicKey,
    customerTokenSecret: credentials.customerTokenSecret,
    port: demoPort,
    host: process.env.HOST ?? "127.0.0.1",
  });

  const line = "─".repeat(64);
  console.log(`
${line}
  Windback is running.

  Dashboard          ${apiUrl}/dashboard/
  Demo SaaS page     ${demo.url}            (script tag)
                     ${demo.url}/iframe.html   (iframe embed)
                     ${demo.url}/hostile.html  (hostile CSS)
  API                ${apiUrl}   (OpenAPI: ${apiUrl}/api/v1/openapi.json)

  Demo account       ${credentials.email}
  Password           ${credentials.password}
  Public key         ${credentials.publicKey}
  Secret key         in ${join(dirname(databasePath), "demo-account.json")}
  Verified customers required: the demo page's server mints each customer's token
                     (${demo.url}/customer-token, signed with the project's secret)

  Sign in to the dashboard with the demo account, or open the demo page and click
  "Cancel subscription". Ctrl-C stops both.
${line}
`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
