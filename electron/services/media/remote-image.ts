/**
 * Fetch a remote image the user agreed to see, in the main process (the page never contacts the
 * host). http/https only; the host's addresses are resolved first and every one must be public
 * (no loopback/private/link-local: SSRF), and the connection is pinned to the checked address so a
 * second DNS answer cannot swap it; at most 10 MB, 10 s, 3 redirects (each checked again); only
 * PNG, JPEG, GIF and WebP whose bytes match (SVG is refused: it can carry script). Returns a data: URL.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError } from '../../../shared/types/errors';
import { isPrivateAddress } from './address-guard';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface RemoteImageOptions {
  /** Allow loopback and private addresses (tests, or a user who serves images on their LAN). */
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** DNS resolution, injectable for tests. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface RemoteImage {
  dataUrl: string;
  mime: ImageMime;
  bytes: number;
}

type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
const ALLOWED: Record<string, ImageMime> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** The image type the bytes really are, or null. */
export function sniffImage(b: Buffer): ImageMime | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (
    b.length >= 12 &&
    b.subarray(0, 4).toString('latin1') === 'RIFF' &&
    b.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

const defaultResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  dnsLookup(hostname, { all: true, verbatim: true });

function refuse(message: string): never {
  throw new AppError('invalid_input', message);
}

async function checkedAddress(u: URL, o: RemoteImageOptions): Promise<ResolvedAddress> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (o.resolve ?? defaultResolve)(host);
    } catch {
      throw new AppError('backend_unreachable', `Could not find the image host ${host}: check the address.`);
    }
    if (addresses.length === 0) throw new AppError('backend_unreachable', `The image host ${host} has no address.`);
  }
  if (!o.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      refuse(
        `Refused to load an image from ${host} (${bad.address}): it is a local or private network address, ` +
          'which model output may not make the app contact.',
      );
  }
  return addresses[0]!;
}

function get(u: URL, pinned: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'GET',
        lookup,
        signal,
        headers: { Accept: 'image/png,image/jpeg,image/gif,image/webp', 'User-Agent': 'Hearth' },
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      refuse(`The image is larger than ${Math.round(maxBytes / 1024 / 1024)} MB and was not loaded.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchRemoteImage(url: string, o: RemoteImageOptions = {}): Promise<RemoteImage> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = o.maxRedirects ?? 3;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    refuse('That image address is not a valid URL.');
  }
  try {
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:')
        refuse(`Only http and https images can be loaded (not ${current.protocol}).`);
      if (current.username || current.password) refuse('Image addresses with a user name or password are refused.');
      const pinned = await checkedAddress(current, o);
      let res: IncomingMessage;
      try {
        res = await get(current, pinned, controller.signal);
      } catch (err) {
        if (controller.signal.aborted)
          throw new AppError('backend_unreachable', `The image server did not answer within ${timeoutMs / 1000} s.`);
        throw new AppError(
          'backend_unreachable',
          `Could not reach the image server ${current.host}: ${(err as Error).message}.`,
        );
      }
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hop >= maxRedirects) refuse(`The image address redirected more than ${maxRedirects} times.`);
        current = new URL(res.headers.location, current);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw new AppError('backend_error', `The image server answered HTTP ${status}; the image was not loaded.`);
      }
      const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'image/svg+xml') {
        res.resume();
        refuse('SVG images from model output are not loaded: they can carry script.');
      }
      const declared = ALLOWED[type];
      if (!declared) {
        res.resume();
        refuse(`That address is not a PNG, JPEG, GIF or WebP image (it is ${type || 'of no stated type'}).`);
      }
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length > maxBytes) {
        res.destroy();
        refuse(`The image is larger than ${Math.round(maxBytes / 1024 / 1024)} MB and was not loaded.`);
      }
      let body: Buffer;
      try {
        body = await readBody(res, maxBytes);
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (controller.signal.aborted)
          throw new AppError('backend_unreachable', `The image server did not answer within ${timeoutMs / 1000} s.`);
        throw new AppError('backend_unreachable', `The image download broke off: ${(err as Error).message}.`);
      }
      const real = sniffImage(body);
      if (!real) refuse(`The file is not a valid ${declared.slice(6).toUpperCase()} image.`);
      return { dataUrl: `data:${real};base64,${body.toString('base64')}`, mime: real, bytes: body.length };
    }
  } finally {
    clearTimeout(timer);
  }
}
