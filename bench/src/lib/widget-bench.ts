/**
 * Widget numbers: bundle sizes, and in headless Chromium the time from `Windback.show()` to an
 * interactive dialog (script tag) and from inserting the iframe to its `ready` message (embed).
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { freePort, WIDGET_DIST } from "@windback/testkit";
import { type Browser, chromium, type Page } from "playwright-core";

export interface WidgetSizes {
  raw_bytes: number;
  gzip_bytes: number;
  brotli_bytes: number;
  embed_raw_bytes: number | null;
  embed_gzip_bytes: number | null;
  embed_brotli_bytes: number | null;
  /** The UI file the loader fetches on idle or at the first show() (ui.<hash>.js). */
  ui_raw_bytes: number | null;
  ui_gzip_bytes: number | null;
  ui_brotli_bytes: number | null;
  source: "manifest" | "computed";
}

interface ManifestEntry {
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

function compute(file: string) {
  const bytes = readFileSync(file);
  return {
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}

/** Sizes from the widget build's manifest.json, or computed from dist/ when it has none. */
export function widgetSizes(): WidgetSizes | null {
  const widgetFile = join(WIDGET_DIST, "widget.js");
  if (!existsSync(widgetFile)) return null;
  const manifestFile = join(WIDGET_DIST, "manifest.json");
  let widget: ManifestEntry | undefined;
  let embed: ManifestEntry | undefined;
  let ui: ManifestEntry | undefined;
  let source: WidgetSizes["source"] = "computed";
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<
      string,
      ManifestEntry | undefined
    >;
    widget = manifest.widget;
    embed = manifest.embed;
    ui = manifest.ui;
    if (widget) source = "manifest";
  }
  widget ??= compute(widgetFile);
  const embedFile = join(WIDGET_DIST, "embed.js");
  if (!embed && existsSync(embedFile)) embed = compute(embedFile);
  const uiFile = join(WIDGET_DIST, "ui.js");
  if (!ui && existsSync(uiFile)) ui = compute(uiFile);
  return {
    raw_bytes: widget.rawBytes,
    gzip_bytes: widget.gzipBytes,
    brotli_bytes: widget.brotliBytes,
    embed_raw_bytes: embed?.rawBytes ?? null,
    embed_gzip_bytes: embed?.gzipBytes ?? null,
    embed_brotli_bytes: embed?.brotliBytes ?? null,
    ui_raw_bytes: ui?.rawBytes ?? null,
    ui_gzip_bytes: ui?.gzipBytes ?? null,
    ui_brotli_bytes: ui?.brotliBytes ?? null,
    source,
  };
}

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((c): c is string => Boolean(c && existsSync(c))) ?? null;
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A host page on its own origin (another port), like a merchant's billing page. */
export async function startHostPage(apiUrl: string, publicKey: string) {
  const port = await freePort();
  const scriptPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title></head>
<body><h1>Billing</h1><button id="cancel">Cancel subscription</button>
<script src="${apiUrl}/widget.js" data-api-key="${publicKey}"></script></body></html>`;
  const framePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title></head>
<body><h1>Billing</h1></body></html>`;
  const server: Server = createServer((req, res) => {
    const body = req.url?.startsWith("/frame") ? framePage : scriptPage;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface WidgetTiming {
  show_to_interactive_ms_cold: number;
  show_to_interactive_ms_warm: number;
  show_to_focus_ms_cold: number;
  show_to_focus_ms_warm: number;
  iframe_to_ready_ms_cold: number | null;
  iframe_to_ready_ms_warm: number | null;
  runs: number;
  chromium: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 100) / 100;
};

/*
 * The in-page code is plain JavaScript in strings: functions handed to page.evaluate are
 * serialised with toString(), and tsx's keepNames would leave `__name(...)` calls in them that
 * the page does not define.
 */

/**
 * Calls `Windback.show()` and resolves when the dialog in the widget's shadow root holds focus
 * (`focus`) and when the next frame after that has been produced (`interactive`).
 */
const SHOW_SCRIPT = `async (customerEmail) => {
  const focused = () => {
    const root = document.querySelector("windback-widget")?.shadowRoot;
    const dialog = root?.querySelector('[role="dialog"]');
    const active = root?.activeElement;
    return Boolean(dialog && active && dialog.contains(active));
  };
  const macrotask = () => new Promise((r) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => r();
    channel.port2.postMessage(0);
  });
  const t0 = performance.now();
  void window.Windback.show({ customerEmail });
  let spins = 0;
  while (!focused()) {
    spins += 1;
    if (performance.now() - t0 > 10000) throw new Error("dialog never took focus");
    if (spins < 100) await Promise.resolve();
    else await macrotask();
  }
  const focus = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => r()));
  await macrotask();
  return { focus, interactive: performance.now() - t0 };
}`;

/** Inserts the embed iframe and resolves with the ms until its `ready` postMessage arrives. */
const IFRAME_SCRIPT = `({ src, apiOrigin }) => new Promise((resolveReady, reject) => {
  for (const old of document.querySelectorAll("iframe")) old.remove();
  const frame = document.createElement("iframe");
  frame.title = "Cancel subscription";
  frame.style.cssText = "width:480px;height:640px;border:0";
  const timer = setTimeout(() => reject(new Error("no ready message within 10 s")), 10000);
  const t0 = performance.now();
  const onMessage = (event) => {
    const type = event.data?.windback?.type;
    if (event.origin !== apiOrigin || type !== "ready") return;
    window.removeEventListener("message", onMessage);
    clearTimeout(timer);
    resolveReady(performance.now() - t0);
  };
  window.addEventListener("message", onMessage);
  frame.src = src;
  document.body.append(frame);
})`;

const WINDBACK_LOADED = "Boolean(window.Windback && window.Windback.version)";
const WIDGET_GONE = '!document.querySelector("windback-widget")';

function inPage<T>(page: Page, source: string, arg: unknown): Promise<T> {
  return page.evaluate(`(${source})(${JSON.stringify(arg)})`) as Promise<T>;
}

function measureShow(page: Page, email: string) {
  return inPage<{ focus: number; interactive: number }>(page, SHOW_SCRIPT, email);
}

async function closeDialog(page: Page) {
  await page.keyboard.press("Escape");
  await page.waitForFunction(WIDGET_GONE, null, { timeout: 5000 });
}

function measureIframe(page: Page, src: string, apiOrigin: string) {
  return inPage<number>(page, IFRAME_SCRIPT, { src, apiOrigin });
}

export async function measureWidget(options: {
  apiUrl: string;
  publicKey: string;
  hostOrigin: string;
  runs: number;
  executablePath: string;
  log(message: string): void;
}): Promise<WidgetTiming> {
  const { apiUrl, publicKey, hostOrigin, runs, log } = options;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: options.executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));

    // One load first so every measured run has widget.js in the HTTP cache ("cold" = first call).
    await page.goto(`${hostOrigin}/script`);
    await page.waitForFunction(WINDBACK_LOADED);
    const cold = { focus: [] as number[], interactive: [] as number[] };
    const warm = { focus: [] as number[], interactive: [] as number[] };
    for (let i = 0; i < runs; i++) {
      await page.goto(`${hostOrigin}/script`);
      await page.waitForFunction(WINDBACK_LOADED);
      const first = await measureShow(page, `cold-${i}@bench.example`);
      cold.focus.push(first.focus);
      cold.interactive.push(first.interactive);
      await closeDialog(page);
      const second = await measureShow(page, `warm-${i}@bench.example`);
      warm.focus.push(second.focus);
      warm.interactive.push(second.interactive);
      await closeDialog(page);
    }
    if (errors.length > 0) log(`page errors during the script-tag runs: ${errors.join("; ")}`);

    let iframeCold: number | null = null;
    let iframeWarm: number | null = null;
    try {
      const apiOrigin = new URL(apiUrl).origin;
      const src = (n: string) =>
        `${apiUrl}/embed?key=${encodeURIComponent(publicKey)}&email=${encodeURIComponent(`${n}@bench.example`)}`;
      await page.goto(`${hostOrigin}/frame`);
      await measureIframe(page, src("prime"), apiOrigin);
      const coldRuns: number[] = [];
      const warmRuns: number[] = [];
      for (let i = 0; i < runs; i++) {
        await page.goto(`${hostOrigin}/frame`);
        coldRuns.push(await measureIframe(page, src(`frame-cold-${i}`), apiOrigin));
        warmRuns.push(await measureIframe(page, src(`frame-warm-${i}`), apiOrigin));
      }
      iframeCold = median(coldRuns);
      iframeWarm = median(warmRuns);
    } catch (error) {
      log(`iframe embed timing skipped: ${String(error)}`);
    }

    return {
      show_to_interactive_ms_cold: median(cold.interactive),
      show_to_interactive_ms_warm: median(warm.interactive),
      show_to_focus_ms_cold: median(cold.focus),
      show_to_focus_ms_warm: median(warm.focus),
      iframe_to_ready_ms_cold: iframeCold,
      iframe_to_ready_ms_warm: iframeWarm,
      runs,
      chromium: browser.version(),
    };
  } finally {
    await browser?.close();
  }
}
