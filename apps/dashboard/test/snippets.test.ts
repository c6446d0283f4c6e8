import { describe, expect, it } from "vitest";
import {
  frameHostSnippet,
  iframeSnippet,
  KEY_PLACEHOLDER,
  pinnedScriptTagSnippet,
  scriptTagSnippet,
} from "../src/lib/snippets";

const origin = "https://windback.example.com/";
const key = "pub_AbC123xyz";

describe("install snippets", () => {
  it("the script tag carries the origin and the key, with the queue stub and a fail-open example", () => {
    const html = scriptTagSnippet({ origin, publicKey: key });
    expect(html).toContain(
      '<script src="https://windback.example.com/widget.js" data-api-key="pub_AbC123xyz" async></script>',
    );
    expect(html).toContain("Windback.q = Windback.q || []");
    expect(html).toContain('if (result.outcome === "cancelled" || result.outcome === "error")');
    // Without widget.js the page's own link must still cancel.
    expect(html).toContain("if (!window.Windback || !Windback.version) return;");
  });

  it("shows a placeholder when the key is unknown", () => {
    expect(scriptTagSnippet({ origin, publicKey: null })).toContain(
      `data-api-key="${KEY_PLACEHOLDER}"`,
    );
    expect(iframeSnippet({ origin, publicKey: null })).toContain(`key=${KEY_PLACEHOLDER}`);
  });

  it("the pinned tag uses the hashed file and its integrity, with CORS for SRI", () => {
    const html = pinnedScriptTagSnippet(
      { origin, publicKey: key },
      {
        file: "widget.js",
        hashedFile: "widget.1a2b3c4d.js",
        hash: "1a2b3c4d",
        integrity: "sha384-abc+/=",
        rawBytes: 1,
        gzipBytes: 1,
        brotliBytes: 1,
      },
    );
    expect(html).toContain('src="https://windback.example.com/widget.1a2b3c4d.js"');
    expect(html).toContain('integrity="sha384-abc+/="');
    expect(html).toContain('crossorigin="anonymous"');
    expect(html).toContain('data-api-key="pub_AbC123xyz"');
  });

  it("the iframe encodes its query and escapes the attribute", () => {
    const html = iframeSnippet({ origin, publicKey: key });
    expect(html).toContain(
      'src="https://windback.example.com/embed?key=pub_AbC123xyz&amp;email=customer%40example.com"',
    );
    expect(html).toContain('title="Cancel subscription"');
  });

  it("the frame host puts the key in a JavaScript string that cannot close the script", () => {
    const html = frameHostSnippet({ origin, publicKey: 'pub_"</script><script>alert(1)' });
    expect(html).toContain('<script src="https://windback.example.com/frame-host.js"></script>');
    expect(html).toContain('WindbackFrame.mount(document.getElementById("cancel-flow"), {');
    expect(html).not.toContain("</script><script>alert");
    expect(html).toContain('apiKey: "pub_\\"\\u003c/script>\\u003cscript>alert(1)",');
  });

  it("attribute values cannot break out of their quotes", () => {
    const html = scriptTagSnippet({ origin: 'https://x.test/"><img src=x>', publicKey: key });
    expect(html).not.toContain('"><img');
    expect(html).toContain("&quot;&gt;&lt;img src=x&gt;");
  });
});
