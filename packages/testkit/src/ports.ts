import { createServer } from "node:net";

/**
 * A port nobody listens on right now on 127.0.0.1: the OS picks it and we release it at once.
 * Another process could take it before the caller binds it; callers that cannot afford that
 * listen on port 0 themselves.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
