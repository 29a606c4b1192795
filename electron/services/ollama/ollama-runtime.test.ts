/**
 * The runtime through real services: auto mode choosing external vs bundled vs unavailable, extra
 * servers, the status events, control and logs through the router, and clean-up of a left-behind
 * server. External servers are the e2e test Ollama; the bundled one is the fake `ollama serve`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OllamaStatus } from '../../../shared/types/domain';
import { startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { AppServices, AppServicesOptions } from '../app-services';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs, until } from '../../../e2e/support/services';
import { writePidFile } from './pid-file';
import { fakeResources, FAKE_SERVE, processRunning, readState, waitGone } from '../../../e2e/support/processes';

const open: AppServices[] = [];
const fakes: FakeOllama[] = [];
const strays: number[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const f of fakes.splice(0)) await f.close();
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  removeTempDirs();
});

/** A URL where nothing listens (a port just released). */
async function deadUrl(): Promise<string> {
  const f = await startFakeOllama();
  const url = f.url;
  await f.close();
  return url;
}

function services(dir: string, o: Partial<AppServicesOptions> = {}): AppServices {
  const s = openServices(dir, {
    ...o,
    ollama: {
      pollMs: 200,
      probeTimeoutMs: 500,
      home: dir,
      supervisor: { backoffMs: 50, stopGraceMs: 1000 },
      ...o.ollama,
    },
  });
  open.push(s);
  return s;
}

const primary = (s: AppServices) => s.ollama.status().servers[0]!;

describe.skipIf(process.platform === 'win32')('Ollama runtime', () => {
  it('auto: uses a reachable external Ollama and does not start its own', async () => {
    const fake = await startFakeOllama();
    fakes.push(fake);
    const dir = makeTempDir();
    const { resourcesDir } = fakeResources(dir);
    const s = services(dir, { env: { OLLAMA_BASE_URL: fake.url }, resourcesDir });
    const st = await s.ollama.settled();
    expect(st.mode).toBe('auto');
    expect(st.servers[0]).toMatchObject({
      providerId: 'ollama',
      kind: 'external',
      state: 'running',
      baseUrl: fake.url,
    });
    expect(st.bundled.available).toBe(true);
    expect(s.settings.primaryOllamaUrl()).toBe(fake.url);
    expect(existsSync(join(dir, 'ollama.pid'))).toBe(false);
    await expect(callOk(s, 'ollama.control', { action: 'stop' })).rejects.toThrow(
      /conflict: Hearth is using the Ollama at/,
    );
  });

  it('auto: with no external Ollama, starts the bundled one and points chats at it; close stops it', async () => {
    const dir = makeTempDir();
    const { resourcesDir, exe } = fakeResources(dir);
    const stateFile = join(dir, 'state.json');
    const s = services(dir, {
      env: { OLLAMA_BASE_URL: await deadUrl(), OLLAMA_GPU_DRIVER: 'cuda', OLLAMA_GPU_COUNT: '1' },
      resourcesDir,
      ollama: {
        childEnv: { ...process.env, FAKE_OLLAMA_SERVE_STATE_FILE: stateFile, FAKE_OLLAMA_SERVE_MODELS: 'tiny:1b' },
      },
    });
    const rec = recordEvents(s, { ollamaStatus: true });
    const st = await s.ollama.settled();
    const p = st.servers[0]!;
    expect(p).toMatchObject({ kind: 'bundled', state: 'running', version: '0.9.0-fake', error: null });
    expect(st.bundled).toMatchObject({ available: true, path: exe, modelsDir: join(dir, 'models') });
    expect(s.settings.primaryOllamaUrl()).toBe(p.baseUrl);
    // Models of the bundled server reach the model list.
    const models = await callOk(s, 'models.list');
    expect(JSON.stringify(models)).toContain('tiny:1b');
    const fake = readState(stateFile)!;
    expect(fake.env).toMatchObject({ CUDA_VISIBLE_DEVICES: '0', HIP_VISIBLE_DEVICES: '-1' });
    const states = rec.seen.map((e) => (e.payload as OllamaStatus).servers[0]!.state);
    expect(states.at(-1)).toBe('running');
    expect(states).toContain('starting');
    // Every event is numbered after the last; a call answers with the last one announced, so the
    // UI can tell a late reply from a newer event.
    const seqs = rec.seen.map((e) => (e.payload as OllamaStatus).seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const last = rec.seen.at(-1)!.payload as OllamaStatus;
    expect(await callOk(s, 'ollama.status')).toEqual(last);
    expect(s.ollama.status().run).toBe(last.run);
    // Its log is readable through the contract.
    const logs = await callOk(s, 'ollama.logs', { lines: 50 });
    expect(logs.file).toBe(join(dir, 'logs', 'ollama.log'));
    expect(logs.text).toMatch(/Listening on 127\.0\.0\.1/);

    await s.close();
    expect(await waitGone(fake.pid, 2000)).toBe(true);
    expect(existsSync(join(dir, 'ollama.pid'))).toBe(false);
  });

  it('auto: with neither, says how to get Ollama; Retry finds one that started since', async () => {
    const dir = makeTempDir();
    const fake = await startFakeOllama();
    fakes.push(fake);
    const url = fake.url;
    await fake.close();
    fakes.pop();
    const s = services(dir, { env: { OLLAMA_BASE_URL: url } });
    const st = await s.ollama.settled();
    expect(st.servers[0]!.state).toBe('unavailable');
    expect(st.servers[0]!.error).toMatch(/No Ollama was found: nothing answers at .*connection refused/);
    expect(st.servers[0]!.error).toContain('https://ollama.com/download');
    expect(st.servers[0]!.error).toMatch(/OLLAMA_BASE_URL.*Retry/);
    await expect(callOk(s, 'ollama.control', { action: 'start' })).rejects.toThrow(/has no Ollama of its own/);

    const port = Number(new URL(url).port);
    fakes.push(await startFakeOllama({ port }));
    const after = await callOk(s, 'ollama.control', { action: 'retry' });
    expect(after.servers[0]).toMatchObject({ kind: 'external', state: 'running', baseUrl: url });
  });

  it('status() only reads: no events, no requests, the same seq; a change it does not hear of waits for reconsider()', async () => {
    const fake = await startFakeOllama();
    fakes.push(fake);
    const asked: string[] = [];
    const counting: typeof fetch = (input, init) => {
      asked.push(String(input));
      return fetch(input, init);
    };
    const dir = makeTempDir();
    const { resourcesDir } = fakeResources(dir);
    // Polling slowed right down: nothing runs in the background during the test.
    const s = services(dir, {
      env: { OLLAMA_BASE_URL: fake.url },
      resourcesDir,
      fetch: counting,
      ollama: { pollMs: 60_000 },
    });
    const first = await s.ollama.settled();
    expect(first.servers[0]).toMatchObject({ kind: 'external', state: 'running' });
    const rec = recordEvents(s, { ollamaStatus: true });
    const before = asked.length;
    // Settings changed behind the router's back (which would call reconsider()): status() does
    // not go and look, nor announce anything.
    s.settings.update({ ollamaMode: 'external', ollamaServers: [{ label: 'Laptop', baseUrl: fake.url }] });
    for (let i = 0; i < 20; i++) expect(s.ollama.status()).toEqual(first);
    expect(await callOk(s, 'ollama.status')).toEqual(first);
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.seen).toEqual([]);
    expect(asked.length).toBe(before);

    // The explicit step announces it, numbered after the last.
    s.ollama.reconsider();
    const e = await rec.waitFor((x) => (x.payload as OllamaStatus).servers[1]?.state === 'running');
    const st = e.payload as OllamaStatus;
    expect(st).toMatchObject({ mode: 'external', run: first.run });
    expect(st.seq).toBeGreaterThan(first.seq);
    expect(asked.length).toBeGreaterThan(before);
    await until(() => s.ollama.status().seq === (rec.seen.at(-1)!.payload as OllamaStatus).seq, 2000);
    expect(s.ollama.status()).toEqual(rec.seen.at(-1)!.payload);
  });

  it('external: notices within a poll when the server goes away and when it comes back', async () => {
    const fake = await startFakeOllama();
    fakes.push(fake);
    const dir = makeTempDir();
    const s = services(dir, { env: { OLLAMA_BASE_URL: fake.url } });
    await s.settings.update({ ollamaMode: 'external' });
    await s.ollama.settled();
    expect(primary(s).state).toBe('running');
    const rec = recordEvents(s, { ollamaStatus: true });
    await fake.close();
    fakes.pop();
    const t0 = Date.now();
    await rec.waitFor((e) => e.event === 'ollama.status' && (e.payload as OllamaStatus).servers[0]!.state === 'error');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(primary(s).error).toMatch(/stopped answering .*Start it again/);
    fakes.push(await startFakeOllama({ port: Number(new URL(primary(s).baseUrl!).port) }));
    await rec.waitFor(
      (e) => e.event === 'ollama.status' && (e.payload as OllamaStatus).servers[0]!.state === 'running',
      2000,
    );
  });

  it('extra Ollama servers each have their own status', async () => {
    const a = await startFakeOllama();
    fakes.push(a);
    const dir = makeTempDir();
    const s = services(dir, { env: { OLLAMA_BASE_URL: a.url } });
    await s.ollama.settled();
    const rec = recordEvents(s, { ollamaStatus: true });
    await callOk(s, 'settings.update', {
      ollamaServers: [
        { label: 'GPU box', baseUrl: a.url },
        { label: 'Laptop', baseUrl: await deadUrl() },
      ],
    });
    // Through the router, the runtime applies the settings change at once.
    await until(() => {
      const list = s.ollama.status().servers;
      return list.length === 3 && list.every((x) => x.state !== 'starting');
    }, 5000);
    const [, gpu, laptop] = s.ollama.status().servers;
    expect(gpu).toMatchObject({ providerId: 'ollama-gpu-box', label: 'GPU box', state: 'running', kind: 'external' });
    expect(laptop).toMatchObject({ providerId: 'ollama-laptop', state: 'error' });
    expect(laptop!.error).toMatch(/Nothing answers at/);
    // The primary server was not looked for again: it never left 'running'.
    const statuses = rec.seen.filter((e) => e.event === 'ollama.status');
    expect(statuses.map((e) => (e.payload as OllamaStatus).servers[0]!.state)).not.toContain('starting');
    expect(statuses.length).toBeGreaterThan(0);
  });

  it('bundled: stop, start and restart through the contract; a crash is seen at once', async () => {
    const dir = makeTempDir();
    const { resourcesDir } = fakeResources(dir);
    const s = services(dir, { resourcesDir, ollama: { supervisor: { backoffMs: 5000 } } });
    s.settings.update({ ollamaMode: 'bundled' });
    await until(() => primary(s).state === 'running', 10_000, 'bundled running');
    const pid = primary(s).pid!;
    const stopped = await callOk(s, 'ollama.control', { action: 'stop' });
    expect(stopped.servers[0]!.state).toBe('stopped');
    expect(await waitGone(pid, 2000)).toBe(true);
    expect(s.settings.primaryOllamaUrl()).not.toContain(String(stopped.servers[0]!.baseUrl));

    const starting = await callOk(s, 'ollama.control', { action: 'start' });
    expect(starting.servers[0]!.state).toBe('starting');
    await until(() => primary(s).state === 'running', 10_000, 'running again');
    const before = primary(s).pid!;
    const restarted = await callOk(s, 'ollama.control', { action: 'restart' });
    expect(restarted.servers[0]!.state).toBe('starting');
    expect(await waitGone(before, 2000)).toBe(true);
    await until(() => primary(s).state === 'running', 10_000, 'running after restart');

    const rec = recordEvents(s, { ollamaStatus: true });
    process.kill(primary(s).pid!, 'SIGKILL');
    const e = await rec.waitFor((x) => (x.payload as OllamaStatus).servers?.[0]?.state === 'error', 1000);
    expect((e.payload as OllamaStatus).servers[0]!.error).toMatch(/stopped unexpectedly/);
    expect(s.settings.primaryOllamaUrl()).toBe('http://127.0.0.1:11434');
  });

  it('a mode change in Settings applies at once: bundled → external stops Hearth’s server', async () => {
    const fake = await startFakeOllama();
    fakes.push(fake);
    const dir = makeTempDir();
    const { resourcesDir } = fakeResources(dir);
    // Polling slowed right down: only the settings change itself can explain a quick switch.
    const s = services(dir, { env: { OLLAMA_BASE_URL: fake.url }, resourcesDir, ollama: { pollMs: 60_000 } });
    await s.ollama.settled();
    await callOk(s, 'settings.update', { ollamaMode: 'bundled' });
    await until(() => primary(s).kind === 'bundled' && primary(s).state === 'running', 10_000, 'bundled running');
    const pid = primary(s).pid!;
    expect(s.settings.primaryOllamaUrl()).toBe(primary(s).baseUrl);
    await callOk(s, 'settings.update', { ollamaMode: 'external' });
    await until(() => primary(s).kind === 'external' && primary(s).state === 'running', 3000, 'external in use');
    expect(await waitGone(pid, 3000)).toBe(true);
    expect(s.settings.primaryOllamaUrl()).toBe(fake.url);
  });

  it('bundled: a missing executable is explained', async () => {
    const dir = makeTempDir();
    const s = services(dir, { env: { HEARTH_OLLAMA_PATH: join(dir, 'nope', 'ollama') } });
    s.settings.update({ ollamaMode: 'bundled' });
    await until(() => primary(s).state === 'unavailable', 5000, 'unavailable');
    expect(primary(s).error).toMatch(
      /The Ollama executable set in HEARTH_OLLAMA_PATH \(.*nope\/ollama\) does not exist/,
    );
  });

  it('at start, stops a server a crashed earlier run left behind (and only that)', async () => {
    const dir = makeTempDir();
    const { exe } = fakeResources(dir);
    const orphan = spawn(exe, ['serve'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, OLLAMA_HOST: '127.0.0.1:0' },
    });
    strays.push(orphan.pid!);
    await until(() => processRunning(orphan.pid!), 3000, 'orphan running');
    writePidFile(join(dir, 'ollama.pid'), { pid: orphan.pid!, exe, startedAt: Date.now(), port: 0 });
    const s = services(dir, { env: { OLLAMA_BASE_URL: await deadUrl() } });
    await s.ollama.settled();
    expect(await waitGone(orphan.pid!, 3000)).toBe(true);

    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    strays.push(unrelated.pid!);
    const dir2 = makeTempDir();
    writePidFile(join(dir2, 'ollama.pid'), { pid: unrelated.pid!, exe: FAKE_SERVE, startedAt: 0, port: 0 });
    const s2 = services(dir2, { env: { OLLAMA_BASE_URL: await deadUrl() } });
    await s2.ollama.settled();
    expect(processRunning(unrelated.pid!)).toBe(true);
  });
});
