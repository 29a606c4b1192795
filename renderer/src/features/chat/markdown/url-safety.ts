/**
 * Which URLs in model output may become links or images. Model output is untrusted: only absolute
 * http, https and mailto links are links; everything else (javascript:, data:, vbscript:, file:,
 * relative or malformed) is shown as plain text. Remote images are never fetched by the page.
 */

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The normalised href when `url` may be a link, else null. */
export function safeLinkHref(url: string | null | undefined): string | null {
  if (typeof url !== 'string') return null;
  const raw = url.trim();
  // Control characters and whitespace inside a scheme are classic filter bypasses: refuse them.
  if (!raw || hasControlChars(raw)) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null; // relative or malformed
  }
  if (!LINK_PROTOCOLS.has(u.protocol)) return null;
  if (u.protocol !== 'mailto:' && !u.hostname) return null;
  if (u.username || u.password) return null; // http://trusted.com@evil.com style deception
  return u.href;
}

export type ImageSource = { kind: 'remote'; url: string; host: string } | { kind: 'data' } | { kind: 'blocked' };

/** How an image in model output is treated: remote http(s) behind consent, the rest not shown. */
export function classifyImage(src: string | null | undefined): ImageSource {
  const raw = typeof src === 'string' ? src.trim() : '';
  if (/^data:/i.test(raw)) return { kind: 'data' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { kind: 'blocked' };
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password)
    return { kind: 'blocked' };
  return { kind: 'remote', url: u.href, host: u.host };
}

/** Whether a link's visible text already says where it goes (then the URL is not repeated). */
export function linkTextShowsUrl(text: string, href: string): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .replace(/^mailto:/i, '')
      .replace(/^https?:\/\//i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  return norm(text) === norm(href);
}
