/**
 * A small HTTP/1.1 client for one job: POST a JSON body to a plain-http backend (a local Ollama)
 * and read a long streamed answer. Node's http client hands the body over one HTTP chunk at a
 * time, through a callback, a Buffer and a stream push each; Ollama writes every token as its
 * own chunk, so a fast backend's 20,000 tokens cost ~150 ms of that before Hearth saw a byte.
 * Here each socket read is decoded in one pass (chunked or Content-Length or until close) and the
 * reader takes everything that arrived at once. Connections are kept alive per host and reused;
 * one that the server closed as it was reused is retried once on a new connection. https goes
 * through node:https instead (http-stream.ts).
 */
import { connect, type Socket } from 'node:net';
import { BodyInbox, IdleWatch, readRest } from './body-inbox';
import type { StreamedAnswer } from './http-stream';

/** The most a response head may take. */
const MAX_HEAD_BYTES = 64 * 1024;
/** A kept-alive connection unused this long is closed. */
const IDLE_SOCKET_MS = 30_000;
/** Closed before its end: wait this long for the rest, to keep the connection. */
const DRAIN_MS = 2000;
/** Reading pauses the socket while this much waits unread. */
const HIGH_WATER_BYTES = 1 << 20;

const idle = new Map<string, Socket[]>();

function takeIdle(key: string): Socket | null {
  const list = idle.get(key);
  while (list?.length) {
    const s = list.pop()!;
    s.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
    clearTimeout((s as SocketWithTimer).idleTimer);
    if (!s.destroyed && s.readable && s.writable) return s;
    s.destroy();
  }
  return null;
}

type SocketWithTimer = Socket & { idleTimer?: NodeJS.Timeout };

function putIdle(key: string, s: SocketWithTimer): void {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  const drop = () => {
    s.destroy();
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
  };
  s.on('data', drop); // nothing may arrive on an idle connection
  s.on('close', drop);
  s.on('error', drop);
  s.idleTimer = setTimeout(drop, IDLE_SOCKET_MS);
  s.idleTimer.unref();
  s.unref();
  list.push(s);
}

export interface Http1Options {
  headers: Record<string, string>;
  signal?: AbortSignal;
  idleTimeoutMs: number;
  timeoutError: () => Error;
}

function abortError(): Error {
  const err = new Error('This operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** POST `body` to a plain-http `url`; resolves with the answer once its head has arrived. */
export function http1Post(url: URL, body: string, o: Http1Options): Promise<StreamedAnswer> {
  if (o.signal?.aborted) return Promise.reject(abortError());
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 80);
  const key = `${host}:${port}`;
  const lines = [`POST ${url.pathname || '/'}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  if (url.username || url.password) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    lines.push(`Authorization: Basic ${Buffer.from(user).toString('base64')}`);
  }
  for (const [k, v] of Object.entries(o.headers)) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: keep-alive', '', '');
  const request = lines.join('\r\n') + body;
  return new Promise((resolve, reject) => {
    const attempt = (mayRetry: boolean) => {
      const reused = takeIdle(key);
      const socket = reused ?? connect({ host, port, noDelay: true });
      socket.ref();
      new Exchange(socket, key, o, {
        answered: resolve,
        failed: (err, nothingArrived) => {
          if (reused && mayRetry && nothingArrived && !o.signal?.aborted) attempt(false);
          else reject(err);
        },
      });
      socket.write(request);
    };
    attempt(true);
  });
}

const enum Body {
  Size,
  Data,
  DataEnd,
  Trailer,
  Length,
  UntilClose,
}

class Exchange implements StreamedAnswer {
  status = 0;
  statusText = '';
  private head: Buffer | null = Buffer.alloc(0);
  private body = Body.Size;
  private remaining = 0;
  /** Chunk-size line: hex digits read, inside an extension; trailer line length. */
  private digits = 0;
  private inExtension = false;
  private lineLength = 0;
  private keepAlive = true;
  private readonly inbox = new BodyInbox(() => {
    if (this.socket.isPaused() && !this.inbox.ended) this.socket.resume();
  });
  private closed = false;
  private anyByte = false;
  private readonly watch: IdleWatch;
  /** After close(): the end of the body has this long to arrive. */
  private cut: NodeJS.Timeout | null = null;
  private readonly onAbort = () => this.fail(abortError());

  constructor(
    private readonly socket: Socket,
    private readonly key: string,
    private readonly o: Http1Options,
    private readonly to: {
      answered: (a: StreamedAnswer) => void;
      failed: (err: Error, nothingArrived: boolean) => void;
    } | null,
  ) {
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('end', () => this.onClose());
    socket.on('close', () => this.onClose());
    socket.on('error', (err) => this.fail(err));
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.watch = new IdleWatch(o.idleTimeoutMs, () => this.fail(o.timeoutError()));
  }

  private onData(b: Buffer): void {
    this.anyByte = true;
    this.watch.seen();
    if (this.head) {
      const all = this.head.length ? Buffer.concat([this.head, b]) : b;
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (all.length > MAX_HEAD_BYTES) this.fail(new Error('The response head is too large.'));
        else this.head = all;
        return;
      }
      if (!this.readHead(all.toString('latin1', 0, end))) {
        this.head = Buffer.alloc(0); // an interim (1xx) answer: the real one follows
        if (all.length > end + 4) this.onData(all.subarray(end + 4));
        return;
      }
      this.head = null;
      this.to?.answered(this);
      if (this.inbox.settled) return;
      b = all.subarray(end + 4);
    }
    this.decode(b);
    if (this.inbox.size > HIGH_WATER_BYTES) this.socket.pause();
  }

  /** Parse the status line and headers; false for an interim 1xx answer. */
  private readHead(text: string): boolean {
    const [statusLine = '', ...headerLines] = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) {
      this.fail(new Error(`Not an HTTP/1.1 answer: ${JSON.stringify(statusLine.slice(0, 80))}`));
      return true;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return false;
    this.status = status;
    this.statusText = m[3] ?? '';
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const connection = (headers.get('connection') ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const coding = (headers.get('transfer-encoding') ?? '').toLowerCase();
    const length = headers.get('content-length');
    if (status === 204 || status === 304) this.finish();
    else if (/(?:^|,)\s*chunked\s*$/.test(coding)) this.body = Body.Size;
    else if (length !== undefined && /^\d+$/.test(length)) {
      this.remaining = Number(length);
      this.body = Body.Length;
      if (this.remaining === 0) this.finish();
    } else {
      this.body = Body.UntilClose;
      this.keepAlive = false;
    }
    return true;
  }

  /**
   * One read's body bytes, framing taken off in place: the data is moved down over the chunk
   * headers inside `b` (a byte loop, no object per chunk) and kept as one slice of it.
   */
  private decode(b: Buffer): void {
    const n = b.length;
    let i = 0;
    let w = 0;
    while (i < n && !this.inbox.settled) {
      switch (this.body) {
        case Body.Length:
        case Body.Data: {
          const take = Math.min(this.remaining, n - i);
          if (w !== i) b.copyWithin(w, i, i + take);
          w += take;
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            if (this.body === Body.Length) {
              this.inbox.push(b.subarray(0, w));
              w = 0;
              this.finish();
            } else this.body = Body.DataEnd;
          }
          break;
        }
        case Body.UntilClose:
          if (w !== i) b.copyWithin(w, i, n);
          w += n - i;
          i = n;
          break;
        case Body.Size: {
          const c = b[i++]!;
          if (c === 10) {
            if (this.digits === 0) return this.fail(new Error('A malformed chunked answer.'));
            this.body = this.remaining === 0 ? Body.Trailer : Body.Data;
            this.digits = 0;
            this.inExtension = false;
            this.lineLength = 0;
          } else if (this.inExtension || c === 13) {
            // a chunk extension (";name=value") or the CR before LF: ignored
          } else if (c === 59 || c === 32 || c === 9) {
            this.inExtension = true;
          } else {
            const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
            if (v < 0 || this.digits >= 12) return this.fail(new Error('A malformed chunked answer.'));
            this.remaining = this.remaining * 16 + v;
            this.digits++;
          }
          break;
        }
        case Body.DataEnd: {
          const c = b[i++]!;
          if (c === 10) this.body = Body.Size;
          else if (c !== 13) return this.fail(new Error('A malformed chunked answer.'));
          break;
        }
        case Body.Trailer: {
          const c = b[i++]!;
          if (c === 10) {
            if (this.lineLength === 0) {
              this.inbox.push(b.subarray(0, w));
              w = 0;
              this.finish();
            }
            this.lineLength = 0;
          } else if (c !== 13) this.lineLength++;
          break;
        }
      }
    }
    if (w > 0) this.inbox.push(b.subarray(0, w));
  }

  private finish(): void {
    if (this.inbox.settled) return;
    this.cleanup();
    const s = this.socket;
    s.removeAllListeners('data').removeAllListeners('end').removeAllListeners('close').removeAllListeners('error');
    s.on('error', () => undefined);
    if (this.keepAlive && !s.destroyed) {
      if (s.isPaused()) s.resume();
      putIdle(this.key, s);
    } else s.destroy();
    this.inbox.end();
  }

  private onClose(): void {
    if (this.inbox.settled) return;
    if (!this.head && this.body === Body.UntilClose) this.finish();
    else this.fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  }

  private fail(err: Error): void {
    if (!this.inbox.fail(err)) return;
    this.cleanup();
    this.socket.destroy();
    if (this.head) this.to?.failed(err, !this.anyByte);
  }

  private cleanup(): void {
    this.watch.stop();
    if (this.cut) clearTimeout(this.cut);
    this.o.signal?.removeEventListener('abort', this.onAbort);
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
    if (this.inbox.settled) return;
    // Usually only the end of the body is still to come: let it arrive so the connection is kept.
    if (this.socket.isPaused()) this.socket.resume();
    this.cut = setTimeout(() => this.fail(abortError()), DRAIN_MS);
    this.cut.unref();
  }
}
