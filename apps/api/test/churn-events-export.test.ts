import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { csvCell, csvRow } from "../src/lib/csv.js";
import {
  apiKey,
  buildTestApp,
  call,
  createTenant,
  type Tenant,
  type TestContext,
} from "./helpers.js";

let ctx: TestContext;
let t: Tenant;
beforeEach(async () => {
  ctx = await buildTestApp();
  t = await createTenant(ctx);
});
afterEach(() => ctx.app.close());

function at(iso: string) {
  ctx.clock.advance(Date.parse(iso) - ctx.clock.now());
}

const create = async (body: Record<string, unknown>) => {
  const res = await call(ctx, "POST", "/api/v1/churn-events", apiKey(t.sk), { mrr: 100, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { id: string };
};

/** RFC 4180 rows of a CSV body (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

describe("filters", () => {
  test("status, reason, period and email search narrow the list, with the matching total", async () => {
    at("2026-03-01T10:00:00.000Z");
    await create({ customer_email: "ada@acme.test", cancel_reason: "too_expensive" });
    at("2026-03-05T10:00:00.000Z");
    const bob = await create({
      customer_email: "bob@acme.test",
      cancel_reason: "switched_to_competitor",
    });
    await create({ customer_email: "carl@other.test", cancel_reason: "too_expensive" });
    await call(ctx, "POST", `/api/v1/churn-events/${bob.id}/lost`, apiKey(t.sk));
    const list = async (query: string) => {
      const res = await call(ctx, "GET", `/api/v1/churn-events${query}`, apiKey(t.sk));
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      return {
        total: body.total,
        emails: body.data.map((e: { customer_email: string }) => e.customer_email),
      };
    };
    expect(await list("?reason=too_expensive")).toEqual({
      total: 2,
      emails: ["carl@other.test", "ada@acme.test"],
    });
    // A reason alias maps to its id.
    expect(await list("?reason=switched_to_competitor")).toEqual({
      total: 1,
      emails: ["bob@acme.test"],
    });
    expect(await list("?from=2026-03-02&to=2026-03-06")).toMatchObject({ total: 2 });
    expect(await list("?q=ACME")).toEqual({ total: 2, emails: ["bob@acme.test", "ada@acme.test"] });
    expect(await list("?q=acme&status=lost")).toEqual({ total: 1, emails: ["bob@acme.test"] });
    expect(await list("?q=nobody")).toEqual({ total: 0, emails: [] });
    expect(await list("?status=lost")).toEqual({ total: 1, emails: ["bob@acme.test"] });
    const bad = await call(ctx, "GET", "/api/v1/churn-events?reason=bored", apiKey(t.sk));
    expect(bad.statusCode).toBe(400);
  });
});

describe("CSV export", () => {
  test("a download of the filtered rows, newest first, with a header row", async () => {
    at("2026-03-01T10:00:00.000Z");
    await create({
      customer_email: "ada@acme.test",
      cancel_reason: "too_expensive",
      customer_name: "Ada",
    });
    at("2026-03-02T10:00:00.000Z");
    await create({
      customer_email: "bob@acme.test",
      cancel_reason: "other",
      cancel_reason_text: "moving",
    });
    await create({ customer_email: "skip@other.test" });
    const res = await ctx.app.inject({
      url: "/api/v1/churn-events.csv?q=acme",
      headers: apiKey(t.sk),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="churn-events-default-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers["cache-control"]).toBe("no-store");
    const rows = parseCsv(res.body);
    expect(rows[0]?.slice(0, 6)).toEqual([
      "id",
      "created_at",
      "updated_at",
      "status",
      "source",
      "customer_email",
    ]);
    expect(rows.slice(1).map((r) => r[5])).toEqual(["bob@acme.test", "ada@acme.test"]);
    const header = rows[0] as string[];
    const ada = rows[2] as string[];
    expect(ada[header.indexOf("customer_name")]).toBe("Ada");
    expect(ada[header.indexOf("mrr_cents")]).toBe("100");
    expect(ada[header.indexOf("mrr_verified")]).toBe("true");
  });

  test("cells that a spreadsheet would run as formulas are neutralised", async () => {
    await create({
      customer_email: "eve@acme.test",
      customer_name: '=HYPERLINK("https://evil.example","click")',
      cancel_reason: "other",
      cancel_reason_text: '+1, "quoted"\nsecond line',
      plan_name: "@SUM(A1)",
    });
    const res = await ctx.app.inject({ url: "/api/v1/churn-events.csv", headers: apiKey(t.sk) });
    const [header, row] = parseCsv(res.body) as [string[], string[]];
    expect(row[header.indexOf("customer_name")]).toBe(
      `'=HYPERLINK("https://evil.example","click")`,
    );
    expect(row[header.indexOf("cancel_reason_text")]).toBe(`'+1, "quoted"\nsecond line`);
    expect(row[header.indexOf("plan_name")]).toBe("'@SUM(A1)");
  });

  test("more rows than one page come out complete and in order", async () => {
    const insert = ctx.db.prepare(
      `INSERT INTO churn_events (id, project_id, customer_email, status, source, created_at, updated_at)
       VALUES (?, ?, ?, 'new', 'api', ?, ?)`,
    );
    const projectId = (await call(ctx, "GET", "/api/v1/projects/default", apiKey(t.sk))).json().data
      .id;
    ctx.db.transaction(() => {
      for (let i = 0; i < 1234; i++) {
        // Pairs share a created_at: the order must still be total and stable across pages.
        const when = new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 2))).toISOString();
        insert.run(
          `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
          projectId,
          `c${i}@x.test`,
          when,
          when,
        );
      }
    })();
    const res = await ctx.app.inject({ url: "/api/v1/churn-events.csv", headers: apiKey(t.sk) });
    const rows = parseCsv(res.body).slice(1);
    expect(rows).toHaveLength(1234);
    expect(new Set(rows.map((r) => r[0])).size).toBe(1234);
    const created = rows.map((r) => r[1] as string);
    expect([...created].sort().reverse()).toEqual(created);
  });

  test("cells", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(0)).toBe("0");
    expect(csvCell("-5")).toBe("'-5");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvRow(["a", 1, true, null])).toBe("a,1,true,\r\n");
  });
});
