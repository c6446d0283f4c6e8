import type { Server } from "node:http";
import { afterEach, expect, test } from "vitest";
import { startDemoServer } from "../src/server.js";

let server: Server | undefined;
afterEach(() => server?.close());

async function start() {
  const started = await startDemoServer({
    apiUrl: "http://localhost:8787",
    publicKey: "pub_test123",
    port: 0,
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
