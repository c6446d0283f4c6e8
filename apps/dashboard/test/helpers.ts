/** A fake `fetch` answering from a route table, recording every request it saw. */

interface SeenRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  credentials: RequestCredentials | undefined;
  body: unknown;
}

export type Answer = { status: number; body?: unknown; text?: string } | Error;
export type Handler = (request: SeenRequest) => Answer | Promise<Answer>;

export function fakeFetch(routes: Record<string, Answer | Handler>) {
  const seen: SeenRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), "https://dashboard.test");
    const method = init.method ?? "GET";
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const request: SeenRequest = {
      method,
      path: url.pathname,
      search: url.search,
      headers,
      credentials: init.credentials,
      body: typeof init.body === "string" ? JSON.parse(init.body) : init.body,
    };
    seen.push(request);
    if (init.signal?.aborted) throw new DOMException("aborted", "AbortError");
    const route = routes[`${method} ${url.pathname}`];
    if (route === undefined) {
      return new Response(
        JSON.stringify({ error: `no route ${method} ${url.pathname}`, code: "NOT_FOUND" }),
        {
          status: 404,
        },
      );
    }
    const answer = typeof route === "function" ? await route(request) : route;
    if (answer instanceof Error) throw answer;
    const text = answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
    return new Response(answer.status === 204 ? null : text, {
      status: answer.status,
      headers: { "Content-Type": "application/json" },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

/** Lets pending promises and Preact's rendering run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Retries `check` until it stops throwing (or 3 s pass), for what the app does asynchronously. */
export async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
