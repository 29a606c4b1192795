/**
 * A streamed POST whose answer is read as text, over node:http(s) with one keep-alive pool per
 * process (or over an injected fetch, which tests use). Hearth's time to first token is mostly
 * this request: node:http writes it on the next tick and hands each read over as it arrives,
 * where fetch goes through Request/Response objects and web streams first (about a millisecond
 * more per answer here). Reads merge everything that arrived since the last one, so a fast
 * backend's thousands of lines per second cost one read each time the reader comes back.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BodyInbox, IdleWatch, readRest } from './body-inbox';
import { http1Post } from './http1';
import type { FetchLike } from './provider';

/** An answer being read: its status, then its body as text in pieces. */
export interface StreamedAnswer {
  readonly status: number;
  readonly statusText: string;
  /** The text that arrived since the last read; `done` once the body has ended. Throws if it broke off. */
  read(): Promise<{ done: boolean; text: string }>;
  /** The rest of the body as one string (error bodies). */
  text(): Promise<string>;
  /** Stop reading; an unfinished answer's connection is closed, never reused. */
  close(): void;
}

/** No byte for this long (headers or body): the request fails, as fetch's own timeouts did. */
export const IDLE_TIMEOUT_MS = 300_000;
/** Reading pauses the socket while this much waits unread. */
const HIGH_WATER_BYTES = 1 << 20;
/** Closed before its end (the last line read, the end of the body still on its way): wait this long to keep the socket. */
const DRAIN_MS = 2000;

const agents = {
  http: new HttpAgent({ keepAlive: true }),
  https: new HttpsAgent({ keepAlive: true }),
};

export interface PostOptions {
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** Use this instead of node:http (tests inject it). */
  fetch?: FetchLike;
  idleTimeoutMs?: number;
}

/** POST `body` to `url`; resolves once the status line and headers have arrived. */
export function postStreamed(url: string, body: string, o: PostOptions): Promise<StreamedAnswer> {
  if (o.fetch) return viaFetch(o.fetch, url, body, o);
  const target = new URL(url);
  if (target.protocol === 'http:') {
    const idleMs = o.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    return http1Post(target, body, {
      headers: o.headers,
      signal: o.signal,
      idleTimeoutMs: idleMs,
      timeoutError: () => timeoutError(idleMs),
    });
  }
  return viaNode(target, body, o);
}

function timeoutError(ms: number): Error {
  const err = new Error(`No answer for ${Math.round(ms / 1000)} s.`);
  err.name = 'TimeoutError';
  return err;
}

/** The node:http(s) path, which https URLs take; exported so its tests can run it over plain http too. */
export function viaNode(url: URL, body: string, o: PostOptions): Promise<StreamedAnswer> {
  const secure = url.protocol === 'https:';
  const idleMs = o.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const attempt = (mayRetry: boolean) => {
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...o.headers, 'Content-Length': String(Buffer.byteLength(body)) },
        signal: o.signal,
      });
      let answered = false;
      const watch = new IdleWatch(idleMs, () => req.destroy(timeoutError(idleMs)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (answered) return; // the answer's reader reports it
        watch.stop();
        // A kept-alive socket the server closed just as it was reused: once more on a new one
        // (Node's documented pattern; nothing reached the server).
        if (mayRetry && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) attempt(false);
        else reject(err);
      });
      req.on('response', (res) => {
        answered = true;
        watch.seen();
        resolve(new NodeAnswer(req, res, watch));
      });
      req.end(body);
    };
    attempt(true);
  });
}

class NodeAnswer implements StreamedAnswer {
  readonly status: number;
  readonly statusText: string;
  private readonly inbox: BodyInbox;
  private closed = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    private readonly watch: IdleWatch,
  ) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.inbox = new BodyInbox(() => {
      if (res.isPaused()) res.resume();
    });
    res.on('data', (chunk: Buffer) => {
      watch.seen();
      this.inbox.push(chunk);
      if (this.inbox.size > HIGH_WATER_BYTES) res.pause();
    });
    res.on('end', () => {
      watch.stop();
      this.inbox.end();
    });
    const fail = (err: Error) => {
      watch.stop();
      this.inbox.fail(err);
    };
    res.on('error', fail);
    req.on('error', fail);
    res.on('close', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  }

  read(): Promise<{ done: boolean; text: string }> {
    return this.inbox.read();
  }

  text(): Promise<string> {
    return readRest(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox.discard();
    this.watch.stop();
    if (this.inbox.settled) return;
    // Usually only the end of the body is still to come (the answer's last line was read): let it
    // arrive so the kept-alive socket serves the next answer; anything longer is cut off.
    const cut = setTimeout(() => this.req.destroy(), DRAIN_MS);
    cut.unref();
    this.res.once('end', () => clearTimeout(cut));
    this.res.once('close', () => clearTimeout(cut));
    this.res.resume();
  }
}

async function viaFetch(fetchImpl: FetchLike, url: string, body: string, o: PostOptions): Promise<StreamedAnswer> {
  const res = await fetchImpl(url, { method: 'POST', headers: o.headers, body, signal: o.signal });
  const reader = res.body?.getReader() ?? null;
  const decoder = new TextDecoder();
  const answer: StreamedAnswer = {
    status: res.status,
    statusText: res.statusText,
    async read() {
      if (!reader) return { done: true, text: '' };
      const { done, value } = await reader.read();
      return { done, text: done ? decoder.decode() : decoder.decode(value, { stream: true }) };
    },
    text: () => readRest(answer),
    close() {
      void reader?.cancel().catch(() => undefined);
    },
  };
  return answer;
}
