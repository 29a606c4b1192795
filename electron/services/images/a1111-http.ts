/**
 * One call to AUTOMATIC1111's web API (`--api`): the base URL (a trailing /sdapi/v1 dropped), Basic
 * auth for --api-auth, a timeout for quick calls, the answer parsed as JSON or turned into an
 * ImageBackendError (a1111-errors.ts).
 */
import type { FetchLike } from '../providers/provider';
import type { ImageBackendConfig } from './backend';
import { httpError, notJson, transportError } from './a1111-errors';

/** Quick calls (lists, options, progress) give up after this long; generation has no limit. */
const QUICK_TIMEOUT_MS = 15_000;

export interface CallOptions {
  /** null: no limit (generation, a checkpoint switch); default QUICK_TIMEOUT_MS. */
  timeoutMs?: number | null;
  signal?: AbortSignal;
}

/** Parsed JSON back, or an ImageBackendError that says what went wrong. */
export type A1111Call = (method: 'GET' | 'POST', path: string, body?: unknown, opts?: CallOptions) => Promise<unknown>;

export interface A1111Api {
  /** The base URL without credentials, for messages. */
  where: string;
  call: A1111Call;
}

export function createA1111Api(config: ImageBackendConfig, doFetch: FetchLike): A1111Api {
  const base = config.baseUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/sdapi\/v1$/, '');
  const where = safeUrl(base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`, 'utf8').toString('base64')}`;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, opts: CallOptions = {}): Promise<unknown> {
    const timeoutMs = opts.timeoutMs === undefined ? QUICK_TIMEOUT_MS : opts.timeoutMs;
    const signals = [opts.signal, timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => !!s,
    );
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
    } catch (err) {
      throw transportError(err, timeoutMs, where);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw transportError(err, timeoutMs, where);
    }
    let json: unknown;
    let isJson = true;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      isJson = false;
    }
    if (!res.ok) throw httpError(res.status, path, isJson ? json : undefined, text, where, !!config.username);
    if (!isJson) throw notJson(where, path, text);
    return json;
  }

  return { where, call };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
