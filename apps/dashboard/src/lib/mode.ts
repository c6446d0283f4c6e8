/**
 * Live or test data (docs/design.md §11): what a test key (`pub_test_…`, `sk_test_…`) writes is
 * kept apart, and the API shows it with `?mode=test`. The dashboard keeps the choice in the URL
 * (`?mode=test`), so a test-data view can be bookmarked and reloaded; live is the default and is
 * never written out.
 */
import { MODES, type Mode } from "@windback/protocol";

export const MODE_LABELS: Record<Mode, string> = { live: "Live data", test: "Test data" };

/** The mode a query names; anything else is live. */
export function modeFromQuery(
  query: URLSearchParams | Readonly<Record<string, string | undefined>>,
): Mode {
  const raw = query instanceof URLSearchParams ? query.get("mode") : query.mode;
  return (MODES as readonly string[]).includes(raw ?? "") ? (raw as Mode) : "live";
}

/** The API's query for a mode: `{mode: "test"}` or nothing (live is the API's default). */
export function modeQuery(mode: Mode): { mode?: "test" } {
  return mode === "test" ? { mode: "test" } : {};
}

/**
 * The same URL showing another mode: `mode=test` set or removed, every other parameter kept,
 * and paging reset (offset 40 of live rows means nothing for test rows).
 */
export function urlWithMode(path: string, search: string, mode: Mode): string {
  const params = new URLSearchParams(search);
  params.delete("offset");
  if (mode === "test") params.set("mode", "test");
  else params.delete("mode");
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}
