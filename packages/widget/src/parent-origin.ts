/**
 * The origin of the page that frames the embed, or null when there is none to talk to.
 * `ancestorOrigins` is set by the browser and cannot be spoofed; the referrer and the
 * `parent_origin` query parameter are fallbacks for browsers without it. A wrong guess is
 * harmless: postMessage to an origin the parent does not have is dropped by the browser.
 */
export function findParentOrigin(frame: {
  framed: boolean;
  ancestorOrigins?: ArrayLike<string> | undefined;
  referrer: string;
  hint: string | null;
}): string | null {
  if (!frame.framed) return null;
  for (const candidate of [frame.ancestorOrigins?.[0], frame.referrer, frame.hint]) {
    if (!candidate) continue;
    try {
      const origin = new URL(candidate).origin;
      if (/^https?:\/\//.test(origin)) return origin;
    } catch {
      // Not a URL: try the next source.
    }
  }
  return null;
}
