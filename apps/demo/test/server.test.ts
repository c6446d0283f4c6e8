import type { Server } from "node:http";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, expect, test } from "vitest";
import { startDemoServer } from "../src/server.js";

let server: Server | undefined;
afterEach(() => server?.close());

const SECRET = { id: "0f6b1d2e-secret-id", secret: `wbct_${"k".repeat(43)}` };

async function start(customerTokenSecret?: typeof SECRET) {
  const started = await startDemoServer({
    apiUrl: "http://localhost:8787",
    publicKey: "pub_test123",
    port: 0,
    ...(customerTokenSecret && { customerTokenSecret }),
  });
  server = started.server;
  return started.url.replace("localhost", "127.0.0.1");
}

test("pages embed the API's widget.js with the public key and the chosen theme", async () => {
  const url = await start();
  const html = await (await fetch(`${url}/?theme=dark&position=bottom-left&lang=ar`)).text();
  expect(html).toContain(
    '<script src="http://localhost:8787/widget.js" data-api-key="pub_test123"',
  );
  expect(html).toContain('data-theme="dark"');
  expect(html).toContain('data-position="bottom-left"');
  expect(html).toContain('<html lang="ar">');
  const iframe = await (await fetch(`${url}/iframe.html`)).text();
  // The iframe page hosts the frame with the API's frame-host.js, which defaults to its origin.
  expect(iframe).toContain('<script src="http://localhost:8787/frame-host.js" defer></script>');
  expect(iframe).toContain('data-public-key="pub_test123"');
});

test("query values outside the allowed choices never reach the page", async () => {
  const url = await start();
  const html = await (
    await fetch(`${url}/?theme=${encodeURIComponent('"><script>alert(1)</script>')}`)
  ).text();
  expect(html).toContain('data-theme="light"');
  expect(html).not.toContain("alert(1)");
});

test("the cancel link works without the widget: GET shows the confirmation, POST cancels", async () => {
  const url = await start();
  const confirm = await fetch(`${url}/cancel`);
  expect(confirm.status).toBe(200);
  expect(await confirm.text()).toContain('<form method="post" action="/cancel">');
  const done = await fetch(`${url}/cancel`, { method: "POST" });
  expect(await done.text()).toContain("Your subscription is cancelled");
});

test("unknown paths are 404 and other methods 405", async () => {
  const url = await start();
  expect((await fetch(`${url}/nope`)).status).toBe(404);
  expect((await fetch(`${url}/`, { method: "DELETE" })).status).toBe(405);
  expect((await fetch(`${url}/demo.js`)).headers.get("content-type")).toContain("javascript");
});

test("the three billing variants share one layout and fill every slot", async () => {
  const url = await start();
  const pages = await Promise.all(
    ["/", "/hostile.html", "/iframe.html"].map(async (path) =>
      (await fetch(`${url}${path}`)).text(),
    ),
  );
  for (const html of pages) {
    expect(html).toContain('<a class="button danger" id="cancel-button" href="/cancel">');
    expect(html).not.toContain("<!--slot:");
  }
  const [clean, hostile, iframe] = pages as [string, string, string];
  expect(clean).not.toContain("hostile-header");
  expect(hostile).toContain("* { font: 30px serif !important; color: red !important; }");
  expect(hostile).toContain('<div class="hostile-header">');
  expect(hostile).toContain("/widget.js");
  expect(iframe).toContain('data-mode="iframe"');
  expect(iframe).not.toContain("/widget.js");
});

test("each billing page is one well-formed document", async () => {
  const url = await start();
  for (const path of ["/", "/hostile.html", "/iframe.html"]) {
    const html = await (await fetch(`${url}${path}`)).text();
    expect(html.match(/<footer/g), path).toHaveLength(1);
    expect(html.match(/<\/footer>/g), path).toHaveLength(1);
    expect(html.trimEnd().endsWith("</html>"), path).toBe(true);
  }
});

test("the billing page signs its ?email= customer in, and /customer-token vouches for them", async () => {
  const url = await start(SECRET);
  const page = await fetch(`${url}/?email=${encodeURIComponent("grace@example.com")}`);
  const cookie = page.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/^acme_customer=grace%40example\.com; Path=\/; HttpOnly; SameSite=Lax$/);

  const res = await fetch(`${url}/customer-token`, {
    headers: { cookie: cookie.split(";")[0] ?? "" },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  const { token, expires_at } = (await res.json()) as { token: string; expires_at: number };
  // HS256 with the secret's UTF-8 bytes, kid = the secret's id: what the API checks.
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256", kid: SECRET.id });
  const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET.secret), {
    algorithms: ["HS256"],
  });
  expect(payload).toMatchObject({
    email: "grace@example.com",
    subscription_id: "sub_demo_4242",
    plan: "Pro",
    mrr: 4900,
  });
  expect(payload.sub).toMatch(/^cus_[0-9a-f]{14}$/);
  expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(3600);
  expect(expires_at).toBe((payload.exp as number) * 1000);
  // Another key does not verify it.
  await expect(
    jwtVerify(token, new TextEncoder().encode(`${SECRET.secret}x`), { algorithms: ["HS256"] }),
  ).rejects.toThrow();
});

test("/customer-token answers 404 without a signed-in customer or without a secret", async () => {
  const url = await start(SECRET);
  expect((await fetch(`${url}/customer-token`)).status).toBe(404);
  const forged = await fetch(`${url}/customer-token`, {
    headers: { cookie: "acme_customer=%3Cscript%3E" },
  });
  expect(forged.status).toBe(404);
  server?.close();
  const bare = await start();
  const res = await fetch(`${bare}/customer-token`, {
    headers: { cookie: "acme_customer=ada%40example.com" },
  });
  expect(res.status).toBe(404);
});
