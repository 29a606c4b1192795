/**
 * serve mode's access rules. Loopback with no WEBUI_SECRET_KEY: no token, but the Host header must
 * be a loopback name (against DNS rebinding) and cross-site Origins are refused. With a key: every
 * request and the WebSocket need the token derived from it (Bearer header, cookie, or `?token=`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'hearth_token';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h === '::1') return true;
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/** The access token, stable across restarts for one key; not the key itself, so printing it reveals no key. */
export function tokenFromSecret(secret: string): string {
  return createHmac('sha256', secret).update('hearth-serve-token-v1').digest('base64url').slice(0, 43);
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      // A value that does not percent-decode is no token (401), never an exception.
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function presentedToken(
  req: IncomingMessage,
  url: URL,
): { token: string | null; via: 'header' | 'cookie' | 'query' | null } {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return { token: auth.slice(7).trim(), via: 'header' };
  const cookie = readCookie(req, TOKEN_COOKIE);
  if (cookie) return { token: cookie, via: 'cookie' };
  const q = url.searchParams.get('token');
  if (q) return { token: q, via: 'query' };
  return { token: null, via: null };
}

/** The request target as a URL, or null when it does not parse (e.g. `//`): answer 400, never throw. */
export function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** Host header without the port. */
export function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  const i = hostHeader.lastIndexOf(':');
  return i > 0 && hostHeader.indexOf(':') === i ? hostHeader.slice(0, i) : hostHeader;
}

/** A browser's Origin must be this server itself (same scheme-less host:port as the Host header). */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser cross-origin request (curl, the CLI, same-origin GET)
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === req.headers.host;
  } catch {
    return false;
  }
}
