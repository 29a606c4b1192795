/**
 * serve's front door under hostile input: targets that are not URLs, cookies that do not decode,
 * bodies over the limit, malformed HTTP — and a fuzz of random requests and upgrades over raw
 * TCP. Nothing may throw out of a handler: the process lives, /healthz answers, no 5xx, and the
 * database is intact. `npm run fuzz` runs the fuzz longer (HEARTH_FUZZ_RUNS).
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../services/app-services';
import { makeTempDir, openServices, removeTempDirs } from '../../e2e/support/services';
import { silentLogger } from '../services/util/logger';
import { startServer, type RunningServer } from './server';

const SECRET = 'front-door-secret';
let services: AppServices;
let loopback: RunningServer;
let tokened: RunningServer;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const root = makeTempDir();
  const staticDir = join(root, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  services = openServices(join(root, 'data'), { host: 'serve', env: { OLLAMA_BASE_URL: 'http://127.0.0.1:9' } });
  const common = { services, port: 0, staticDir, log: silentLogger, version: 'test', host: '127.0.0.1' };
  loopback = await startServer({ ...common, secretKey: null });
  tokened = await startServer({ ...common, secretKey: SECRET });
});

afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await loopback?.close();
  await tokened?.close();
  await services?.close();
  removeTempDirs();
});

/** Send raw bytes, return what came back (status line first) once the server closes or goes quiet. */
function raw(port: number, data: string | Buffer, quietMs = 150): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    let timer = setTimeout(() => socket.destroy(), 2000);
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), quietMs);
    };
    socket.on('data', (d) => {
      got += d.toString('latin1');
      settle();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.write(data, () => settle());
  });
}

const status = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

async function healthy(port: number): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(r.status).toBe(200);
}

const upgrade = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe('serve front door', () => {
  it('a WebSocket upgrade whose target is not a URL gets 400, and serve keeps running', async () => {
    for (const s of [loopback, tokened]) {
      expect(status(await raw(s.port, upgrade('//')))).toBe(400);
      await healthy(s.port);
    }
    expect(crashes).toEqual([]);
  });

  it('a plain request whose target is not a URL gets 400', async () => {
    const reply = await raw(loopback.port, 'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(status(reply)).toBe(400);
    await healthy(loopback.port);
  });

  it('a token cookie that does not percent-decode is no token: 401 on HTTP and on upgrade', async () => {
    const cookie = 'Cookie: hearth_token=%zz\r\n';
    const http = await raw(tokened.port, `GET /api/call/app.info HTTP/1.1\r\nHost: 127.0.0.1\r\n${cookie}\r\n`);
    expect(status(http)).toBe(401);
    expect(status(await raw(tokened.port, upgrade('/api/events', cookie)))).toBe(401);
    await healthy(tokened.port);
    expect(crashes).toEqual([]);
  });

  it('a body over the limit gets 413 with a JSON error, not a reset connection', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 'a');
    const head =
      `POST /api/call/app.info HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const reply = await raw(loopback.port, Buffer.concat([Buffer.from(head), body]), 500);
    expect(status(reply)).toBe(413);
    const json = JSON.parse(/\{.*\}/s.exec(reply.slice(reply.indexOf('\r\n\r\n')))![0]) as {
      error: { message: string };
    };
    expect(json.error.message).toMatch(/too large \(4 MB at most\)/);
    // Chunked, without a Content-Length: the same answer.
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const parts = [Buffer.from(head.replace(/Content-Length: \d+/, 'Transfer-Encoding: chunked'))];
    for (let i = 0; i < 5; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    parts.push(Buffer.from('0\r\n\r\n'));
    expect(status(await raw(loopback.port, Buffer.concat(parts), 500))).toBe(413);
    await healthy(loopback.port);
  });

  it('a method name that does not percent-decode gets 400, not 500', async () => {
    const reply = await raw(
      loopback.port,
      'POST /api/call/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(status(reply)).toBe(400);
  });

  it('fuzz: random requests and upgrades never stop serve, never answer 5xx, never harm the data', async () => {
    const runs = Number(process.env.HEARTH_FUZZ_RUNS ?? 300);
    const piece = fc.oneof(
      fc.constantFrom('/', '//', '/api/call/', '/api/events', '/healthz', '%', '%zz', '%00', '..', '?', '#', '\\'),
      fc.string({ maxLength: 12 }),
    );
    const target = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
    const header = fc.oneof(
      fc.constantFrom(
        'Cookie: hearth_token=%zz',
        'Cookie: hearth_token=%E0%A4%A',
        'Cookie: ;;=;',
        'Authorization: Bearer ',
        'Authorization: Basic %%%',
        'Host: evil.example',
        'Host: [::1',
        'Origin: null',
        'Origin: http://',
        'Content-Type: application/json',
        'Content-Length: 99999999999',
        'Content-Length: -1',
        'Transfer-Encoding: chunked',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
      ),
      fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })).map(([k, v]) => `X${k}: ${v}`),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'HEAD', 'G E T', ''),
      target,
      headers: fc.array(header, { maxLength: 6 }),
      body: fc.oneof(fc.constant(''), fc.json(), fc.string({ maxLength: 64 })),
      tokenMode: fc.boolean(),
    });
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const port = r.tokenMode ? tokened.port : loopback.port;
        const lines = [`${r.method} ${r.target} HTTP/1.1`, 'Host: 127.0.0.1', ...r.headers];
        const reply = await raw(port, `${lines.join('\r\n')}\r\n\r\n${r.body}`, 20);
        const code = status(reply);
        statuses.push(code);
        expect(code < 500 || code === 0 ? true : reply.slice(0, 200)).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(crashes).toEqual([]);
    await healthy(loopback.port);
    await healthy(tokened.port);
    expect(services.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(statuses.filter((c) => c > 0).length).toBeGreaterThan(runs / 2); // most got an answer
  }, 600_000);
});
