import { type Mock, vi } from "vitest";

export interface FakeApi {
  fetch: Mock<typeof globalThis.fetch>;
  calls(path: string): unknown[];
}

/** A fetch that answers the cancel-flow routes like the API would. */
export function fakeApi(
  routes: Record<string, (body: unknown) => { status: number; body: unknown } | "network">,
): FakeApi {
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(url)).pathname;
    const handler = routes[path];
    if (!handler) return new Response(JSON.stringify({ error: "nope" }), { status: 404 });
    const answer = handler(init?.body ? JSON.parse(init.body as string) : undefined);
    if (answer === "network") throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
  return {
    fetch,
    calls: (path) =>
      fetch.mock.calls
        .filter(([url]) => new URL(url as string).pathname === path)
        .map(([, init]) => JSON.parse((init as RequestInit).body as string)),
  };
}

export const OFFER = {
  offer_type: "discount",
  title: "Stay and save 50%",
  description: "Half price while you decide.",
  cta_button_text: "Claim my discount",
  discount_percent: 50,
  discount_duration_months: 3,
};

/** Lets pending promise callbacks and the resulting re-renders run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

export function key(target: Element, keyName: string, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent("keydown", {
    key: keyName,
    shiftKey,
    bubbles: true,
    cancelable: true,
    composed: true,
  });
  target.dispatchEvent(event);
  return event;
}
