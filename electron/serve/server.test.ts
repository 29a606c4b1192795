import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeOllama, type FakeOllama } from '../../e2e/support/fake-ollama';
import type { EventEnvelope } from '../../shared/contract';
import type { AppServices } from '../services/app-services';
import { applyDeltas, makeTempDir, openServices, removeTempDirs } from '../../e2e/support/services';
import { silentLogger } from '../services/util/logger';
import { ServeConfigError, startServer, type RunningServer } from './server';

const SECRET_FILE_TEXT = 'TOP-SECRET-' + Math.random().toString(36).slice(2);
const INDEX_HTML = '<!doctype html><title>Hearth test UI</title><div id="root"></div>';

let fake: FakeOllama;
let services: AppServices;
let staticDir: string;
const running: RunningServer[] = [];

beforeAll(async () => {
  fake = await startFakeOllama();
  const root = makeTempDir();
  // A file next to the static folder that must never be served.
  writeFileSync(join(root, 'secret.txt'), SECRET_FILE_TEXT);
  staticDir = join(root, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("hearth")');
  services = openServices(join(root, 'data'), { host: 'serve', env: { OLLAMA_BASE_URL: fake.url } });
});

afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
  fake.reset();
});

afterAll(async () => {
  await services.close();
  await fake.close();
  removeTempDirs();
});

async function start(secretKey: string | null = null, host = '127.0.0.1'): Promise<RunningServer> {
  const server = await startServer({
    services,
    host,
    port: 0,
    secretKey,
    staticDir,
    log: silentLogger,
    version: 'test',
  });
  running.push(server);
  return server;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

/** A raw HTTP request, so the Host header and the path are sent exactly as given. */
function send(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function call(port: number, method: string, input: unknown = {}, headers: Record<string, string> = {}) {
  return send(port, {
    method: 'POST',
    path: `/api/call/${method}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<EventEnvelope> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as EventEnvelope)));
}

describe('serve on loopback without a secret key', () => {
  it('answers /healthz with the version', async () => {
    const { port } = await start();
    const r = await send(port, { path: '/healthz' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', version: 'test' });
  });

  it('runs a call without a token', async () => {
    const server = await start();
    expect(server.token).toBeNull();
    expect(server.openUrl).toBe(`http://127.0.0.1:${server.port}/`);
    const r = await call(server.port, 'app.info');
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { name: 'Hearth', host: 'serve' } });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('accepts loopback Host names and refuses other names (DNS rebinding)', async () => {
    const { port } = await start();
    expect((await call(port, 'app.info', {}, { host: `localhost:${port}` })).status).toBe(200);
    const evil = await call(port, 'app.info', {}, { host: `evil.example:${port}` });
    expect(evil.status).toBe(403);
    expect(evil.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(evil.text).not.toContain('schemaVersion'); // no app.info leaked
    const page = await send(port, { path: '/', headers: { host: `evil.example:${port}`, accept: 'text/html' } });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain(INDEX_HTML);
  });

  it('refuses a cross-site Origin on calls but accepts its own', async () => {
    const { port } = await start();
    const foreign = await call(port, 'chats.create', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const own = await call(port, 'app.info', {}, { origin: `http://127.0.0.1:${port}` });
    expect(own.status).toBe(200);
  });

  it('refuses a non-JSON content type (no form-post CSRF) and a broken JSON body', async () => {
    const { port } = await start();
    const form = await send(port, {
      method: 'POST',
      path: '/api/call/chats.create',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    expect(form.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const broken = await send(port, {
      method: 'POST',
      path: '/api/call/chats.create',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({ error: { message: expect.stringMatching(/not valid JSON/) } });
    const get = await send(port, { path: '/api/call/app.info' });
    expect(get.status).toBe(405);
  });

  it('maps router errors to HTTP statuses with a JSON body', async () => {
    const { port } = await start();
    const unknown = await call(port, 'chats.explode');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const invalid = await call(port, 'chats.rename', { id: 'x', title: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.json()).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('title') },
    });
  });

  it('answers 404 JSON for unknown /api paths', async () => {
    const { port } = await start();
    const r = await send(port, { path: '/api/nothing-here' });
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(r.json()).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining('/api/nothing-here') },
    });
  });

  it('serves the UI for app routes and its assets, with a CSP', async () => {
    const { port } = await start();
    for (const path of ['/', '/settings', '/chat/0190abcd-0000-7000-8000-000000000000']) {
      const r = await send(port, { path });
      expect(r.status).toBe(200);
      expect(r.text).toBe(INDEX_HTML);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const asset = await send(port, { path: '/assets/app-1234.js' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await send(port, { path: '/assets/missing.js' })).status).toBe(404);
    expect((await call(port, 'app.info')).headers['content-security-policy']).toBeTruthy();
  });

  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '//../secret.txt',
  ])('does not serve files outside the UI folder for %s', async (path) => {
    const { port } = await start();
    const r = await send(port, { path });
    expect(r.text).not.toContain(SECRET_FILE_TEXT);
    expect([200, 400, 404]).toContain(r.status);
    if (r.status === 200) expect(r.text).toBe(INDEX_HTML);
  });

  it('streams events over the WebSocket', async () => {
    const { port } = await start();
    const ws = await connect(`ws://127.0.0.1:${port}/api/events`);
    const got = nextMessage(ws);
    services.events.emit('chat.deleted', { id: 'chat-123', version: 'v1' });
    expect(await got).toEqual({ event: 'chat.deleted', payload: { id: 'chat-123', version: 'v1' } });
    ws.close();
  });

  it('delivers a streamed answer to a browser: call over HTTP, deltas and done over the WebSocket', async () => {
    const { port } = await start();
    const ws = await connect(`ws://127.0.0.1:${port}/api/events`, { origin: `http://127.0.0.1:${port}` });
    const events: EventEnvelope[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as EventEnvelope));
    const r = await call(port, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'over the wire' });
    expect(r.status).toBe(200);
    const id = (r.json() as { value: { assistantMessage: { id: string } } }).value.assistantMessage.id;
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.event === 'message.done' && e.payload.messageId === id) && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 10));
    }
    const done = events.find((e) => e.event === 'message.done' && e.payload.messageId === id);
    expect(done?.payload).toMatchObject({ status: 'done' });
    const deltas = events.flatMap((e) =>
      e.event === 'message.delta' && e.payload.messageId === id ? [e.payload] : [],
    );
    expect(applyDeltas(deltas)).toBe((done!.payload as { content: string }).content);
    expect((done!.payload as { content: string }).content).toContain('over the wire');
    ws.close();
  });

  it('refuses a WebSocket from a foreign Origin or an unknown path', async () => {
    const { port } = await start();
    await expect(connect(`ws://127.0.0.1:${port}/api/events`, { origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    );
    await expect(connect(`ws://127.0.0.1:${port}/api/other`)).rejects.toThrow(/404/);
    await expect(
      connect(`ws://127.0.0.1:${port}/api/events`, { headers: { host: `evil.example:${port}` } }),
    ).rejects.toThrow(/403/);
  });

  it('refuses to listen on a non-loopback address without a secret key', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await expect(start(null, host)).rejects.toBeInstanceOf(ServeConfigError);
      await expect(start(null, host)).rejects.toThrow(/WEBUI_SECRET_KEY/);
    }
  });
});

describe('serve with a secret key', () => {
  it('needs the token on every call, from the Authorization header', async () => {
    const server = await start('s3cret');
    expect(server.token).toBeTruthy();
    expect(server.token).not.toContain('s3cret');
    expect(server.openUrl).toBe(`${server.url}?token=${server.token}`);

    const none = await call(server.port, 'app.info');
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await call(server.port, 'app.info', {}, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await call(server.port, 'app.info', {}, { authorization: 'Bearer s3cret' })).status).toBe(401);
    const ok = await call(server.port, 'app.info', {}, { authorization: `Bearer ${server.token}` });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true });
    // Even the UI is closed without the token.
    expect((await send(server.port, { path: '/settings' })).status).toBe(401);
  });

  it('swaps ?token= for an HttpOnly cookie that then works', async () => {
    const server = await start('s3cret');
    const r = await send(server.port, { path: `/settings?token=${server.token}&tab=models` });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/settings?tab=models');
    const cookie = r.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    expect(pair).toBe(`hearth_token=${server.token}`);

    const page = await send(server.port, { path: '/settings', headers: { cookie: pair } });
    expect(page.status).toBe(200);
    expect(page.text).toBe(INDEX_HTML);
    expect((await call(server.port, 'app.info', {}, { cookie: pair })).status).toBe(200);
    expect((await call(server.port, 'app.info', {}, { cookie: 'hearth_token=forged' })).status).toBe(401);
    expect((await send(server.port, { path: '/?token=wrong' })).status).toBe(401);
  });

  it('needs the token on the WebSocket too', async () => {
    const server = await start('s3cret');
    await expect(connect(`ws://127.0.0.1:${server.port}/api/events`)).rejects.toThrow(/401/);
    await expect(connect(`ws://127.0.0.1:${server.port}/api/events?token=wrong`)).rejects.toThrow(/401/);
    const ws = await connect(`ws://127.0.0.1:${server.port}/api/events`, {
      headers: { cookie: `hearth_token=${server.token}` },
    });
    const got = nextMessage(ws);
    services.events.emit('app.command', { command: 'new-chat' });
    expect(await got).toEqual({ event: 'app.command', payload: { command: 'new-chat' } });
    ws.close();
  });

  it('may listen on all interfaces once a key is set', async () => {
    const server = await start('s3cret', '0.0.0.0');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect((await call(server.port, 'app.info', {}, { authorization: `Bearer ${server.token}` })).status).toBe(200);
  });
});
