/**
 * Loads one thing from the API for a screen: loading, loaded or failed, with a reload. The
 * previous data stays visible while a reload runs, and an answer that arrives after the screen
 * moved on (other project, other filters) is dropped.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ApiFailure, ApiResult } from "../lib/api-client";

type Resource<T> =
  | { status: "loading"; data?: T }
  | { status: "ok"; data: T }
  | { status: "error"; error: ApiFailure; data?: T };

export interface ResourceHandle<T> {
  state: Resource<T>;
  reload(): void;
  /** Replaces the data after a change the screen made itself (no extra request). */
  update(change: (data: T) => T): void;
}

export function useResource<T>(
  load: (signal: AbortSignal) => Promise<ApiResult<T>>,
  deps: readonly unknown[],
): ResourceHandle<T> {
  const [state, setState] = useState<Resource<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // Dependencies on purpose: the caller names what the load depends on.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({
      status: "loading",
      ...(previous.data !== undefined && { data: previous.data }),
    }));
    void loadRef.current(controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setState({ status: "ok", data: result.data });
      else {
        setState((previous) => ({
          status: "error",
          error: result.error,
          ...(previous.data !== undefined && { data: previous.data }),
        }));
      }
    });
    return () => controller.abort();
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => {
    setState((previous) =>
      previous.data === undefined ? previous : { status: "ok", data: change(previous.data) },
    );
  }, []);

  return { state, reload, update };
}
