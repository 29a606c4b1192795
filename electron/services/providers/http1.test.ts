/**
 * Hearth's HTTP/1.1 reader against a raw TCP server that writes exact bytes, cut at random places:
 * chunked bodies (with extensions and trailers), Content-Length, read-until-close, an interim
 * 100 Continue, multi-byte characters split between reads, and answers that are not HTTP.
 */
import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http1Post } from './http1';
import type { StreamedAnswer } from './http-stream';

let server: Server;
let port = 0;
/** What the server writes for the next request: the bytes, cut into these pieces. */
let script: { pieces: Buffer[]; close: boolean } = { pieces: [], close: false };
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let head = '';
    s.on('data', (b) => {
      head += b.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (head.length - end - 4 < length) return;
      head = '';
      const { pieces, close } = script;
      void (async () => {
        for (const p of pieces) {
          s.write(p);
          await new Promise((r) => setTimeout(r, 1));
        }
        if (close) s.end();
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((x) => Math.floor(x * bytes.length)))].filter((x) => x > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

async function exchange(pieces: Buffer[], close = false): Promise<{ a: StreamedAnswer; text: string }> {
  script = { pieces, close };
  const a = await http1Post(new URL(`http://127.0.0.1:${port}/api/chat`), '{"q":1}', {
    headers: { 'Content-Type': 'application/json' },
    idleTimeoutMs: 5000,
    timeoutError: () => new Error('timeout'),
  });
  let text = '';
  for (;;) {
    const r = await a.read();
    text += r.text;
    if (r.done) return { a, text };
  }
}

const chunked = (parts: string[], opts: { ext?: boolean; trailer?: boolean; interim?: boolean } = {}) =>
  Buffer.from(
    (opts.interim ? 'HTTP/1.1 100 Continue\r\n\r\n' : '') +
      'HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n' +
      parts
        .filter((p) => p.length)
        .map((p) => `${Buffer.byteLength(p).toString(16)}${opts.ext ? ';x=1' : ''}\r\n${p}\r\n`)
        .join('') +
      (opts.trailer ? '0\r\nX-Trailer: 1\r\n\r\n' : '0\r\n\r\n'),
  );

describe('http1Post', () => {
  it('reads a chunked answer whole however it is cut, with extensions, trailers and a 100 Continue first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        fc.record({ ext: fc.boolean(), trailer: fc.boolean(), interim: fc.boolean() }),
        async (parts, at, opts) => {
          const { a, text } = await exchange(cut(chunked(parts, opts), at));
          expect(a.status).toBe(200);
          // Lone surrogates become U+FFFD on the way through UTF-8, as for any reader.
          expect(text).toBe(Buffer.from(parts.join('')).toString('utf8'));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads Content-Length and read-until-close answers, and keeps the status and reason', async () => {
    const body = 'héllo ✓ wörld';
    const n = Buffer.byteLength(body);
    const fixed = await exchange(
      cut(Buffer.from(`HTTP/1.1 404 Not Found\r\nContent-Length: ${n}\r\n\r\n${body}`), [0.3, 0.5, 0.61]),
    );
    expect([fixed.a.status, fixed.a.statusText, fixed.text]).toEqual([404, 'Not Found', body]);
    const untilClose = await exchange(cut(Buffer.from(`HTTP/1.0 200 OK\r\n\r\n${body}`), [0.7]), true);
    expect(untilClose.text).toBe(body);
  });

  it('says what is wrong with an answer that is not HTTP, a broken chunk, or one cut short', async () => {
    await expect(exchange([Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n')], true)).rejects.toThrow(
      /Not an HTTP\/1.1 answer/,
    );
    await expect(
      exchange([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n')]),
    ).rejects.toThrow('A malformed chunked answer.');
    await expect(
      exchange([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel')], true),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(
      exchange([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel')], true),
    ).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });
});
