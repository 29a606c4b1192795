/**
 * The external-server monitor against real loopback servers: the e2e test Ollama going away and
 * coming back on the same port, a server that answers with an error, one that never answers, and
 * watching that stops.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import { listenOnLoopback, sleep } from '../../../e2e/support/http-util';
import { ExternalMonitor, probeOllama, type ExternalMonitorOptions, type ExternalState } from './external-monitor';

const fakes: FakeOllama[] = [];
const closers: (() => Promise<void>)[] = [];
const monitors: ExternalMonitor[] = [];

afterEach(async () => {
  for (const m of monitors.splice(0)) m.stop();
  for (const f of fakes.splice(0)) await f.close();
  for (const c of closers.splice(0)) await c();
});

async function fake(port?: number): Promise<FakeOllama> {
  const f = await startFakeOllama({ port });
  fakes.push(f);
  return f;
}

async function closeFake(f: FakeOllama): Promise<void> {
  fakes.splice(fakes.indexOf(f), 1);
  await f.close();
}

/** A loopback server answering every request with `handle`. */
async function server(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const srv: Server = createServer(handle);
  const { port, close } = await listenOnLoopback(srv);
  closers.push(close);
  return `http://127.0.0.1:${port}`;
}

function monitor(baseUrl: string, o: Partial<ExternalMonitorOptions> = {}) {
  const changes: ExternalState[] = [];
  const m = new ExternalMonitor({
    providerId: 'ollama-gpu',
    label: 'GPU box',
    baseUrl,
    fetch,
    pollMs: 50,
    probeTimeoutMs: 500,
    onChange: (s) => changes.push(s),
    ...o,
  });
  monitors.push(m);
  return { m, changes };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

describe('probeOllama', () => {
  it('reads the version; says what went wrong otherwise', async () => {
    const f = await fake();
    expect(await probeOllama(fetch, f.url, 500)).toEqual({ ok: true, version: '0.12.6' });
    expect(await probeOllama(fetch, `${f.url}///`, 500)).toEqual({ ok: true, version: '0.12.6' });
    const broken = await server((_req, res) => res.writeHead(503).end('busy'));
    expect(await probeOllama(fetch, broken, 500)).toEqual({ ok: false, error: 'HTTP 503' });
    const silent = await server(() => {}); // never answers
    expect(await probeOllama(fetch, silent, 100)).toEqual({ ok: false, error: 'no answer within 0.1 s' });
    const unused = await fake(); // never asked before, so no kept-alive connection to it either
    const url = unused.url;
    await closeFake(unused);
    expect(await probeOllama(fetch, url, 500)).toEqual({ ok: false, error: 'connection refused' });
  });
});

describe('ExternalMonitor', () => {
  it('starts as "starting" and unseen, and reports nothing until asked', async () => {
    const f = await fake();
    const { m, changes } = monitor(f.url);
    expect(m.state()).toMatchObject({ providerId: 'ollama-gpu', label: 'GPU box', state: 'starting', seen: false });
    await sleep(120);
    expect(changes).toEqual([]);
  });

  it('check(): up with its version, then down ("stopped answering"), then up again on the same port', async () => {
    let now = 1000;
    const f = await fake();
    const { m, changes } = monitor(f.url, { now: () => now });
    now = 2000;
    expect(await m.check()).toMatchObject({
      state: 'running',
      version: '0.12.6',
      error: null,
      seen: true,
      since: 2000,
    });
    now = 3000;
    await m.check(); // nothing changed: nothing reported, the time it came up kept
    expect(changes.map((c) => c.state)).toEqual(['running']);
    expect(m.state().since).toBe(2000);

    const port = f.port;
    await closeFake(f);
    now = 4000;
    const down = await m.check();
    expect(down).toMatchObject({ state: 'error', version: '0.12.6', since: 4000 });
    // (a kept-alive connection cut by the close may be reported instead of a refused one)
    expect(down.error).toMatch(
      /^GPU box at http:\/\/127\.0\.0\.1:\d+ stopped answering \((connection refused|UND_ERR_SOCKET)\)\. Start it again; Hearth notices within a few seconds\.$/,
    );
    await fake(port);
    now = 5000;
    expect(await m.check()).toMatchObject({ state: 'running', error: null, since: 5000 });
    expect(changes.map((c) => c.state)).toEqual(['running', 'error', 'running']);
  });

  it('a server that never answered says to start Ollama there or correct the address', async () => {
    const f = await fake();
    const url = f.url;
    await closeFake(f);
    const { m } = monitor(url);
    const s = await m.check();
    expect(s).toMatchObject({ state: 'error', seen: false });
    expect(s.error).toBe(
      `Nothing answers at ${url} (connection refused). Start Ollama there, or correct the address in Settings › Ollama.`,
    );
  });

  it('watch(): notices within a poll when the server goes away and when it comes back', async () => {
    const f = await fake();
    const { m, changes } = monitor(f.url);
    m.watch();
    await until(() => changes.at(-1)?.state === 'running');
    const port = f.port;
    await closeFake(f);
    const t0 = Date.now();
    await until(() => changes.at(-1)?.state === 'error');
    expect(Date.now() - t0).toBeLessThan(1000);
    await fake(port);
    await until(() => changes.at(-1)?.state === 'running');
    expect(changes.map((c) => c.state)).toEqual(['running', 'error', 'running']);
  });

  it('stop(): no more probes, and an answer already on its way is ignored', async () => {
    let asked = 0;
    let release: () => void = () => {};
    const slow = await server((_req, res) => {
      asked++;
      release = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.0"}');
    });
    const { m, changes } = monitor(slow);
    const pending = m.check();
    await until(() => asked === 1);
    m.stop();
    release();
    expect(await pending).toMatchObject({ state: 'starting' });
    m.watch(); // a stopped monitor stays stopped
    await sleep(150);
    expect(asked).toBe(1);
    expect(changes).toEqual([]);
    expect(m.state().state).toBe('starting');
  });

  it('markUp and rename report a change; the same again does not', () => {
    const { m, changes } = monitor('http://127.0.0.1:9');
    m.markUp('0.5.0');
    m.markUp('0.5.0');
    m.rename('GPU box');
    m.rename('Big GPU');
    expect(changes.map((c) => [c.state, c.version, c.label])).toEqual([
      ['running', '0.5.0', 'GPU box'],
      ['running', '0.5.0', 'Big GPU'],
    ]);
  });

  it('joins a check already under way instead of asking twice', async () => {
    let asked = 0;
    const url = await server((_req, res) => {
      asked++;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"2.0"}'), 50);
    });
    const { m } = monitor(url);
    const [a, b] = await Promise.all([m.check(), m.check()]);
    expect(a).toEqual(b);
    expect(asked).toBe(1);
  });
});
