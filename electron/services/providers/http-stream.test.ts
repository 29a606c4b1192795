/** postStreamed over node:http against real local servers: reuse, a stale kept-alive socket, timeouts, Stop. */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postStreamed, viaNode, type PostOptions, type StreamedAnswer } from './http-stream';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server; `connections` counts the TCP connections it accepted. */
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; connections: () => number; server: Server }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', (s: Socket) => {
    connections++;
    s.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/api/chat`, connections: () => connections, server };
}

async function readAll(a: StreamedAnswer): Promise<string> {
  let all = '';
  for (;;) {
    const { done, text } = await a.read();
    all += text;
    if (done) return all;
  }
}

const clients = {
  // http: URLs: Hearth's own HTTP/1.1 reader (http1.ts)
  http1: (url: string, body: string, o: PostOptions) => postStreamed(url, body, o),
  // https: URLs: node:https (the same code as node:http, run here over http)
  'node:http': (url: string, body: string, o: PostOptions) => viaNode(new URL(url), body, o),
};

describe.each(Object.entries(clients))('postStreamed through %s', (_name, client) => {
  const post = (url: string, o: Partial<PostOptions> = {}) =>
    client(url, '{"q":1}', { headers: { 'Content-Type': 'application/json' }, ...o });

  it('answers in a row share one kept-alive connection, also when the reader stops at the last line', async () => {
    const s = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write('{"done":true}\n');
        // The end of the body comes a little after the last line, as from a busy server.
        setTimeout(() => res.end(), 30);
      });
    });
    for (let i = 0; i < 3; i++) {
      const a = await post(s.url);
      expect(a.status).toBe(200);
      const { text } = await a.read();
      expect(text).toBe('{"done":true}\n');
      a.close(); // stops before the end: the socket is kept once the end arrives
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(s.connections()).toBe(1);
  });

  it('a kept-alive connection the server drops as it is reused is tried once more on a new one', async () => {
    const served = new WeakMap<Socket, number>();
    const s = await serve((req, res) => {
      const n = served.get(req.socket) ?? 0;
      served.set(req.socket, n + 1);
      if (n > 0) {
        req.socket.destroy(); // the server had given up on this idle connection
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    expect(await readAll(await post(s.url))).toBe('ok');
    expect(await readAll(await post(s.url))).toBe('ok');
    expect(s.connections()).toBe(2);
  });

  it('keeps the text that arrived before the connection broke, then reports the break', async () => {
    const s = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write('{"a":1}\n');
        setTimeout(() => res.socket?.destroy(), 30);
      });
    });
    const a = await post(s.url);
    expect((await a.read()).text).toBe('{"a":1}\n');
    await expect(a.read()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('gives up when nothing arrives for the idle time, before and after the headers', async () => {
    const silent = await serve(() => undefined);
    await expect(post(silent.url, { idleTimeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const stalls = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200);
        res.write('first');
      });
    });
    const a = await post(stalls.url, { idleTimeoutMs: 100 });
    expect((await a.read()).text).toBe('first');
    await expect(a.read()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('Stop (the signal) ends a request waiting for headers and one being read', async () => {
    const s = await serve((req, res) => {
      req.resume();
      if (req.headers['x-wait'] === 'body') {
        res.writeHead(200);
        res.write('some');
      }
    });
    const before = new AbortController();
    const waiting = post(s.url, { signal: before.signal });
    setTimeout(() => before.abort(), 30);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    const during = new AbortController();
    const a = await post(s.url, { signal: during.signal, headers: { 'x-wait': 'body' } });
    expect((await a.read()).text).toBe('some');
    setTimeout(() => during.abort(), 30);
    await expect(a.read()).rejects.toBeInstanceOf(Error);
  });
});
