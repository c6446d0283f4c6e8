/**
 * Starts the API (built), the allowed demo page and a disallowed copy once for the whole run,
 * and hands their URLs and keys to the workers through WINDBACK_E2E (workers inherit the env).
 * The cancel-flow budget is raised here; the test of the real limit starts its own API.
 */
import { startStack } from "./support/stack";

export default async function globalSetup() {
  const stack = await startStack({ cancelFlowLimit: 100_000 });
  process.env.WINDBACK_E2E = JSON.stringify({
    apiUrl: stack.apiUrl,
    demoUrl: stack.demoUrl,
    otherUrl: stack.otherUrl,
    publicKey: stack.credentials.publicKey,
    secretKey: stack.credentials.secretKey,
    accountEmail: stack.credentials.email,
    accountPassword: stack.credentials.password,
  });
  return async () => {
    await stack.stop();
  };
}
