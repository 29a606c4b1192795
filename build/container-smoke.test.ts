/**
 * The container image, run: its exact CMD and ENV (read from the Dockerfile) under this Node on a
 * free port, /data a temp folder, a key and the test Ollama; then /healthz, its HEALTHCHECK, the
 * token-protected page, a streamed answer over the API and the event socket, and the refusal to
 * start without WEBUI_SECRET_KEY. Needs the built app (out/): `npm test` builds before unit tests.
 *
 * The same checks against a real container (.github/workflows/container.yml):
 *   HEARTH_SMOKE_URL     the running image, e.g. http://127.0.0.1:3000 (its Ollama: the test one,
 *                        `npx tsx e2e/support/run-fake-ollama.ts`, with the default models)
 *   HEARTH_SMOKE_SECRET  the WEBUI_SECRET_KEY it was started with
 *   HEARTH_SMOKE_IMAGE   the image, for the refusal check (`docker run` without a key)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EventEnvelope } from '../shared/contract';
import { uuidv7 } from '../shared/uuidv7';
import { startFakeOllama, type FakeOllama } from '../e2e/support/fake-ollama';
import { makeTempDir, removeTempDirs } from '../e2e/support/services';
import { TOKEN_COOKIE, tokenFromSecret } from '../electron/serve/auth';
import { ROOT, all, execForm, healthcheck, hostCommand, readDockerfile, stageEnv } from './container-spec';

const REMOTE = process.env.HEARTH_SMOKE_URL?.replace(/\/+$/, '');
const IMAGE = process.env.HEARTH_SMOKE_IMAGE;
const SECRET = REMOTE ? (process.env.HEARTH_SMOKE_SECRET ?? '') : `smoke-${randomBytes(16).toString('hex')}`;
const TOKEN = tokenFromSecret(SECRET);
/** One of the test Ollama's default models (e2e/support/fake-ollama.ts). */
const MODEL = 'llama3.2:1b';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const runtime = readDockerfile().at(-1)!;
const imageEnv = stageEnv(runtime);
const imageCmd = execForm(all(runtime, 'CMD').at(-1)!.args)!;

let fake: FakeOllama | null = null;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  if (REMOTE) {
    if (!SECRET)
      throw new Error('HEARTH_SMOKE_URL needs HEARTH_SMOKE_SECRET: the WEBUI_SECRET_KEY the image runs with.');
    return;
  }
  for (const built of ['out/main/cli.js', 'out/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) {
      throw new Error(
        `${built} is missing: this test runs the built app, as the image does. Run "npm run build" first.`,
      );
    }
  }
  fake = await startFakeOllama();
});

afterAll(async () => {
  await fake?.close();
});

afterEach(async () => {
  await Promise.all([...children].map(stop));
  fake?.reset();
  removeTempDirs();
});

async function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * The image's CMD under this Node, with the image's ENV and what `docker run -e` would add; /data
 * becomes a temp folder and the port a free one (the image takes it from OPEN_WEBUI_PORT). The
 * working folder is an empty one, as /app holds no .env.
 */
function runImage(env: Record<string, string | undefined>): Started {
  const { file, args } = hostCommand(runtime, imageCmd);
  const child = spawn(file, args, {
    cwd: makeTempDir(),
    env: { PATH: process.env.PATH, HOME: makeTempDir(), ...imageEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

interface Target {
  url: string;
  /** Local runs only: the data folder and the output (the container's `docker logs`). */
  dataDir?: string;
  port?: number;
  output?: () => string;
}

/** The running image: the one HEARTH_SMOKE_URL names, or its command started here. */
async function target(): Promise<Target> {
  if (REMOTE) return { url: REMOTE };
  const dataDir = makeTempDir();
  const port = await freePort();
  const started = runImage({
    HEARTH_DATA_DIR: dataDir,
    OPEN_WEBUI_PORT: String(port),
    WEBUI_SECRET_KEY: SECRET,
    OLLAMA_BASE_URL: fake!.url,
  });
  const url = `http://127.0.0.1:${port}`;
  let code: number | null | undefined;
  void started.exited.then((c) => (code = c));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (code !== undefined) throw new Error(`The image's command exited with ${code}:\n${started.output()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, dataDir, port, output: started.output };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The image's command did not answer /healthz in time:\n${started.output()}`);
}

const bearer = { Authorization: `Bearer ${TOKEN}` };

function call(url: string, method: string, input: unknown, headers: Record<string, string> = bearer) {
  return fetch(`${url}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

/** Opens the event socket; resolves once open, or rejects with the HTTP status that refused it. */
function events(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; received: EventEnvelope[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers });
    const received: EventEnvelope[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as EventEnvelope));
    ws.once('open', () => resolve({ ws, received }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe(`the container image${REMOTE ? ` at ${REMOTE}` : "'s command under Node"}`, () => {
  it('answers /healthz without a token, and keeps its data in HEARTH_DATA_DIR', async () => {
    const t = await target();
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version });
    if (t.dataDir) {
      expect(existsSync(join(t.dataDir, 'hearth.db'))).toBe(true);
      // `docker compose logs hearth` shows the URL to open, with the token.
      expect(t.output!()).toContain(`serving at http://127.0.0.1:${t.port}/?token=${TOKEN}`);
    }
  });

  it.skipIf(REMOTE)("reports healthy through the Dockerfile's HEALTHCHECK, and unhealthy once stopped", async () => {
    const t = await target();
    const hc = healthcheck(runtime)!;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const [program, ...args] = hc.command;
        expect(program).toBe('node');
        const child = spawn(process.execPath, args, {
          env: { PATH: process.env.PATH, ...imageEnv, OPEN_WEBUI_PORT: String(t.port) },
          stdio: 'ignore',
        });
        child.once('exit', (code) => resolve(code));
      });
    expect(await run()).toBe(0);
    await Promise.all([...children].map(stop));
    expect(await run()).toBe(1);
  });

  it('refuses the page, API calls and the event socket without the token', async () => {
    const t = await target();
    const page = await fetch(`${t.url}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('A valid token is needed');
    expect((await call(t.url, 'app.info', {}, {})).status).toBe(401);
    expect((await call(t.url, 'app.info', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
    await expect(events(t.url, {})).rejects.toThrow('HTTP 401');
  });

  it('serves the UI with the token: the printed URL sets the cookie, the page and its script load', async () => {
    const t = await target();
    const open = await fetch(`${t.url}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(open.status).toBe(302);
    expect(open.headers.get('set-cookie')).toContain(`${TOKEN_COOKIE}=${TOKEN}; HttpOnly`);
    const cookie = { Cookie: `${TOKEN_COOKIE}=${TOKEN}` };
    const page = await fetch(`${t.url}/`, { headers: { ...cookie, Accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /<script[^>]+src="\.?\/?([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const js = await fetch(`${t.url}/${script}`, { headers: cookie });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const info = await call(t.url, 'app.info', {});
    expect(info.status).toBe(200);
    expect(((await info.json()) as { ok: boolean }).ok).toBe(true);
  });

  it("streams an answer from Ollama: messages.send, then the answer's deltas and its end over the event socket", async () => {
    const t = await target();
    const { ws, received } = await events(t.url, bearer);
    try {
      const ids = { chat: uuidv7(), user: uuidv7(), assistant: uuidv7() };
      const prompt = `Hello from the container smoke test ${ids.chat}`;
      const sent = await call(t.url, 'messages.send', { model: `ollama/${MODEL}`, content: prompt, ids });
      expect(sent.status).toBe(200);
      const deadline = Date.now() + 15_000;
      const isDone = (e: EventEnvelope) => e.event === 'message.done' && e.payload.messageId === ids.assistant;
      while (!received.some(isDone) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const done = received.find(isDone);
      expect(done, 'message.done for the answer').toBeDefined();
      if (done?.event !== 'message.done') return;
      expect(done.payload.error).toBeNull();
      expect(done.payload.status).toBe('done');
      expect(done.payload.content).toBe(`You said: ${prompt}. This is answer number 1 from ${MODEL}.`);
      // It came in pieces, and the pieces make the answer.
      const deltas = received.flatMap((e) =>
        e.event === 'message.delta' && e.payload.messageId === ids.assistant ? [e.payload] : [],
      );
      expect(deltas.length).toBeGreaterThan(0);
      let text = '';
      for (const d of deltas) text = text.slice(0, d.offset) + d.delta;
      expect(text).toBe(done.payload.content);
    } finally {
      ws.close();
    }
  });

  it.skipIf(REMOTE && !IMAGE)('refuses to start without WEBUI_SECRET_KEY, saying why', async () => {
    let started: Started;
    if (IMAGE) {
      const child = spawn('docker', ['run', '--rm', '--network', 'none', IMAGE], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      started = { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
    } else {
      started = runImage({ HEARTH_DATA_DIR: makeTempDir(), OPEN_WEBUI_PORT: String(await freePort()) });
    }
    const code = await Promise.race([
      started.exited,
      new Promise<'running'>((r) => setTimeout(() => r('running'), 15_000)),
    ]);
    expect(code, started.output()).toBe(1);
    expect(started.output()).toMatch(/Refusing to listen on 0\.0\.0\.0: .*Set WEBUI_SECRET_KEY/);
  });
});
