import { describe, expect, it } from "vitest";
import {
  type ChurnFilters,
  EMPTY_FILTERS,
  filtersFromQuery,
  filtersToApiQuery,
  filtersToSearch,
  hasFilters,
  PAGE_SIZE,
  pageInfo,
  reduceFilters,
  throughOf,
} from "../src/lib/churn-filters";
import { churnEventsCsvHref } from "../src/lib/endpoints";

const filtered: ChurnFilters = {
  status: "lost",
  reason: "too_expensive",
  from: "2026-03-01",
  to: "2026-04-01",
  q: "ada@",
  limit: PAGE_SIZE,
  offset: 40,
  mode: "live",
};

describe("filters ↔ query string", () => {
  it("round-trips every filter and the page", () => {
    const search = filtersToSearch(filtered);
    expect(search).toBe(
      "?status=lost&reason=too_expensive&from=2026-03-01&to=2026-04-01&q=ada%40&offset=40",
    );
    expect(filtersFromQuery(new URLSearchParams(search))).toEqual(filtered);
  });

  it("writes nothing for the defaults", () => {
    expect(filtersToSearch(EMPTY_FILTERS)).toBe("");
    expect(filtersFromQuery({})).toEqual(EMPTY_FILTERS);
  });

  it("drops what the API would refuse instead of sending it", () => {
    expect(
      filtersFromQuery({
        status: "deleted",
        reason: "bored",
        from: "2026-02-30",
        to: "tomorrow",
        limit: "1000",
        offset: "-5",
      }),
    ).toEqual(EMPTY_FILTERS);
    expect(filtersFromQuery({ limit: "50", offset: "abc" })).toMatchObject({
      limit: 50,
      offset: 0,
    });
  });

  it("drops a `to` that is not after `from`", () => {
    expect(filtersFromQuery({ from: "2026-03-05", to: "2026-03-05" })).toMatchObject({
      from: "2026-03-05",
      to: "",
    });
  });

  it("cuts an over-long search", () => {
    expect(filtersFromQuery({ q: `  ${"x".repeat(400)}  ` }).q).toHaveLength(254);
  });
});

describe("what the API gets", () => {
  it("sends only the filters that are set, with paging", () => {
    expect(filtersToApiQuery(filtered)).toEqual({
      status: "lost",
      reason: "too_expensive",
      from: "2026-03-01",
      to: "2026-04-01",
      q: "ada@",
      limit: 20,
      offset: 40,
    });
    expect(filtersToApiQuery(EMPTY_FILTERS)).toEqual({ limit: 20, offset: 0 });
  });

  it("the CSV export has the same filters and no paging", () => {
    expect(churnEventsCsvHref("acme", filtersToApiQuery(filtered))).toBe(
      "/api/v1/projects/acme/churn-events.csv?status=lost&reason=too_expensive&from=2026-03-01&to=2026-04-01&q=ada%40",
    );
    expect(churnEventsCsvHref("a b", filtersToApiQuery(EMPTY_FILTERS))).toBe(
      "/api/v1/projects/a%20b/churn-events.csv",
    );
  });
});

describe("live or test data", () => {
  it("keeps test mode in the URL, the API query and the CSV link; live is never written", () => {
    const test = filtersFromQuery(new URLSearchParams("mode=test&status=lost"));
    expect(test.mode).toBe("test");
    expect(filtersToSearch(test)).toBe("?status=lost&mode=test");
    expect(filtersToApiQuery(test)).toMatchObject({ status: "lost", mode: "test" });
    expect(churnEventsCsvHref("acme", filtersToApiQuery(test))).toBe(
      "/api/v1/projects/acme/churn-events.csv?status=lost&mode=test",
    );
    expect(filtersFromQuery(new URLSearchParams("mode=TEST")).mode).toBe("live");
    expect(filtersFromQuery(new URLSearchParams("mode=")).mode).toBe("live");
    expect(filtersToApiQuery(filtered)).not.toHaveProperty("mode");
    expect(filtersToSearch(filtered)).not.toContain("mode");
  });

  it("clearing the filters stays in test mode (the switch is not a filter)", () => {
    const test = filtersFromQuery(new URLSearchParams("mode=test&status=lost&offset=20"));
    expect(reduceFilters(test, { type: "CLEAR" })).toEqual({ ...EMPTY_FILTERS, mode: "test" });
  });
});

describe("the filters reducer", () => {
  it("every filter change goes back to the first page", () => {
    for (const event of [
      { type: "SET_STATUS", status: "new" },
      { type: "SET_REASON", reason: "other" },
      { type: "SET_FROM", from: "2026-03-02" },
      { type: "SET_THROUGH", through: "2026-03-20" },
      { type: "SET_QUERY", q: "bob" },
    ] as const) {
      expect(reduceFilters(filtered, event).offset).toBe(0);
    }
  });

  it("unknown values clear the filter", () => {
    expect(reduceFilters(filtered, { type: "SET_STATUS", status: "" }).status).toBe("");
    expect(reduceFilters(filtered, { type: "SET_REASON", reason: "nope" }).reason).toBe("");
  });

  it("the through day picked is stored as the day after, as the API's [from, to)", () => {
    const next = reduceFilters(EMPTY_FILTERS, { type: "SET_THROUGH", through: "2026-03-31" });
    expect(next.to).toBe("2026-04-01");
    expect(throughOf(next.to)).toBe("2026-03-31");
    expect(reduceFilters(next, { type: "SET_THROUGH", through: "" }).to).toBe("");
  });

  it("a first day after the last one drops the last one (and the other way round)", () => {
    const ranged = { ...EMPTY_FILTERS, from: "2026-03-01", to: "2026-03-10" };
    expect(reduceFilters(ranged, { type: "SET_FROM", from: "2026-03-15" })).toMatchObject({
      from: "2026-03-15",
      to: "",
    });
    expect(reduceFilters(ranged, { type: "SET_THROUGH", through: "2026-02-01" })).toMatchObject({
      from: "",
      to: "2026-02-02",
    });
    expect(reduceFilters(ranged, { type: "SET_FROM", from: "2026-03-09" })).toMatchObject({
      from: "2026-03-09",
      to: "2026-03-10",
    });
  });

  it("pages forward only while there is more, back never below 0", () => {
    const first = { ...EMPTY_FILTERS };
    const second = reduceFilters(first, { type: "NEXT_PAGE", total: 45 });
    const third = reduceFilters(second, { type: "NEXT_PAGE", total: 45 });
    expect([second.offset, third.offset]).toEqual([20, 40]);
    expect(reduceFilters(third, { type: "NEXT_PAGE", total: 45 })).toBe(third);
    expect(reduceFilters(first, { type: "PREVIOUS_PAGE" }).offset).toBe(0);
    expect(reduceFilters(third, { type: "PREVIOUS_PAGE" }).offset).toBe(20);
  });

  it("clear keeps only the page size", () => {
    expect(reduceFilters({ ...filtered, limit: 50 }, { type: "CLEAR" })).toEqual({
      ...EMPTY_FILTERS,
      limit: 50,
    });
    expect(hasFilters(filtered)).toBe(true);
    expect(hasFilters({ ...EMPTY_FILTERS, offset: 20 })).toBe(false);
  });
});

describe("pageInfo", () => {
  it("says which rows are shown", () => {
    expect(pageInfo({ ...EMPTY_FILTERS, offset: 40 }, 45, 5)).toEqual({
      first: 41,
      last: 45,
      total: 45,
      hasPrevious: true,
      hasNext: false,
    });
    expect(pageInfo(EMPTY_FILTERS, 45, 20)).toMatchObject({
      first: 1,
      last: 20,
      hasPrevious: false,
      hasNext: true,
    });
    expect(pageInfo(EMPTY_FILTERS, 0, 0)).toMatchObject({ first: 0, last: 0, hasNext: false });
  });
});
