import { describe, expect, it } from "vitest";
import type { ApiFailure } from "../src/lib/api-client";
import {
  initialOriginsState,
  isOriginsDirty,
  MAX_ORIGINS,
  type OriginsEvent,
  type OriginsState,
  originsToSend,
  reduceOrigins,
  rowOfError,
} from "../src/lib/origins-editor";

const run = (state: OriginsState, ...events: OriginsEvent[]) => events.reduce(reduceOrigins, state);
const bad = (message: string, field?: string): ApiFailure => ({
  status: 400,
  code: "VALIDATION_FAILED",
  message,
  ...(field && { field }),
});

describe("editing", () => {
  const start = initialOriginsState(["https://a.example.com"]);

  it("adds, edits and removes rows; blank rows are not sent", () => {
    const state = run(
      start,
      { type: "ADD" },
      { type: "EDIT", key: 1, value: "  https://b.example.com  " },
      { type: "ADD" },
    );
    expect(state.rows).toHaveLength(3);
    expect(originsToSend(state)).toEqual(["https://a.example.com", "https://b.example.com"]);
    expect(isOriginsDirty(state)).toBe(true);
    const removed = run(state, { type: "REMOVE", key: 1 }, { type: "REMOVE", key: 2 });
    expect(isOriginsDirty(removed)).toBe(false);
  });

  it("stops adding at the API's maximum", () => {
    const full = initialOriginsState(
      Array.from({ length: MAX_ORIGINS }, (_, i) => `https://s${i}.test`),
    );
    expect(run(full, { type: "ADD" })).toBe(full);
  });
});

describe("server errors land next to the entry they are about", () => {
  const typed = run(
    initialOriginsState([]),
    { type: "ADD" },
    { type: "EDIT", key: 0, value: "https://ok.example.com" },
    { type: "ADD" },
    { type: "ADD" },
    { type: "EDIT", key: 2, value: "ftp://files.example.com" },
  );
  // Row 1 is blank, so row 2 is sent as index 1.
  const saving = run(typed, { type: "SAVE" });

  it("sends trimmed, non-blank entries and remembers which row each index was", () => {
    expect(saving.status).toBe("saving");
    expect(saving.sent).toEqual([0, 2]);
  });

  it("by the index in body/allowed_origins/<n>", () => {
    const failed = run(saving, {
      type: "SAVE_FAILED",
      error: bad(
        "body/allowed_origins/1 must NOT have more than 2048 characters",
        "body/allowed_origins/1",
      ),
    });
    expect(failed.status).toBe("idle");
    expect(failed.errors).toEqual({
      2: "body/allowed_origins/1 must NOT have more than 2048 characters",
    });
    expect(failed.formError).toBeNull();
  });

  it("by the entry the message quotes", () => {
    const message =
      'Invalid allowed origin "ftp://files.example.com": only http and https origins are allowed';
    expect(rowOfError(saving, bad(message))).toBe(2);
    expect(run(saving, { type: "SAVE_FAILED", error: bad(message) }).errors).toEqual({
      2: message,
    });
  });

  it("an error about no entry is shown for the whole list", () => {
    const failed = run(saving, {
      type: "SAVE_FAILED",
      error: bad("body/allowed_origins must NOT have more than 100 items", "body/allowed_origins"),
    });
    expect(failed.errors).toEqual({});
    expect(failed.formError?.message).toMatch(/100 items/);
  });

  it("editing the entry clears its message", () => {
    const failed = run(saving, { type: "SAVE_FAILED", error: bad("x", "body/allowed_origins/1") });
    expect(
      run(failed, { type: "EDIT", key: 2, value: "https://files.example.com" }).errors,
    ).toEqual({});
  });

  it("while saving, edits wait; SAVE_OK keeps the server's normalised list", () => {
    expect(run(saving, { type: "EDIT", key: 0, value: "x" })).toBe(saving);
    const ok = run(saving, { type: "SAVE_OK", origins: ["https://ok.example.com"] });
    expect(ok.notice).toBe("saved");
    expect(ok.rows.map((r) => r.value)).toEqual(["https://ok.example.com"]);
    expect(isOriginsDirty(ok)).toBe(false);
  });
});
