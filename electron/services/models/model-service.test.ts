/**
 * The model manager against the test Ollama on loopback, through the router as the UI calls it:
 * pulls (progress, cancel and resume, failures in plain words), installed, show, delete, ps, unload.
 */
import { Ollama } from 'ollama';
import { describe, expect, it } from 'vitest';
import { DISK_FULL_ERROR, NETWORK_ERROR, startFakeOllama, type FakeOllama } from '../../../e2e/support/fake-ollama';
import type { EventPayload } from '../../../shared/contract';
import type { AppServices } from '../app-services';
import { pullError } from '../providers/ollama-provider';
import { callOk, makeTempDir, openServices, recordEvents, until, useFakeOllama } from '../../../e2e/support/services';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

type Progress = EventPayload<'models.pullProgress'>;

function services(): AppServices {
  const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
  open.push(s);
  return s;
}

function progressOf(rec: ReturnType<typeof recordEvents>, model: string): Progress[] {
  return rec.seen.flatMap((e) =>
    e.event === 'models.pullProgress' && e.payload.model === model ? [e.payload as Progress] : [],
  );
}

async function finished(rec: ReturnType<typeof recordEvents>, model: string, timeoutMs = 8000): Promise<Progress> {
  const e = await rec.waitFor(
    (x) => x.event === 'models.pullProgress' && x.payload.model === model && x.payload.done,
    timeoutMs,
  );
  return e.payload as Progress;
}

async function failure(s: AppServices, method: string, input: unknown) {
  const r = await s.router.call(method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
}

describe('models.pull', () => {
  it('reports every phase, per-layer bytes and the overall total, then the model is installed', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.pullSteps = 8;
    fake.behavior.pullSize = () => 800_000_000;
    expect(await callOk(s, 'models.pull', { model: 'mistral:7b' })).toEqual({ started: true });
    const last = await finished(rec, 'mistral:7b');
    expect(last).toMatchObject({ status: 'success', done: true });
    expect(last.error).toBeUndefined();
    const total = 800_000_000 + 1_429 + 7_711 + 96;
    expect(last.overallTotal).toBe(total);
    expect(last.overallCompleted).toBe(total);
    expect(last.layers).toHaveLength(4);
    expect(last.layers!.every((l) => l.completed === l.total && l.digest.startsWith('sha256:'))).toBe(true);

    const all = progressOf(rec, 'mistral:7b');
    const phases = all.map((p) => p.status).filter((x, i, a) => !x.startsWith('pulling sha') && x !== a[i - 1]);
    expect(phases[0]).toBe('pulling manifest');
    expect(phases.slice(-3)).toEqual(['verifying sha256 digest', 'writing manifest', 'success']);
    const layerLines = all.filter((p) => /^pulling [0-9a-f]{12}$/.test(p.status));
    expect(layerLines.length).toBeGreaterThan(2);
    // The overall bar only grows.
    const overall = all.flatMap((p) => (p.overallCompleted === undefined ? [] : [p.overallCompleted]));
    expect(overall).toEqual([...overall].sort((a, b) => a - b));
    expect(all.filter((p) => p.done)).toHaveLength(1);
    expect(fake.pulls).toEqual([{ name: 'mistral:7b', stream: true }]);

    // The chat picker's list is told to reload, and the model is there.
    await rec.waitFor((e) => e.event === 'models.changed');
    const installed = await callOk(s, 'models.installed', {});
    expect(installed.models.map((m) => m.id)).toContain('ollama/mistral:7b');
  });

  it('cancel stops the download; pulling again resumes from the bytes already there', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.pullSteps = 40;
    fake.behavior.pullDelayMs = 25;
    fake.behavior.pullSize = () => 4_000_000_000;
    await callOk(s, 'models.pull', { model: 'ollama/gemma3:4b' });
    await rec.waitFor(
      (e) => e.event === 'models.pullProgress' && ((e.payload as Progress).overallCompleted ?? 0) > 500_000_000,
    );
    expect(await callOk(s, 'models.pullCancel', { model: 'gemma3:4b' })).toEqual({ cancelled: true });
    const cancelled = progressOf(rec, 'ollama/gemma3:4b').at(-1)!;
    expect(cancelled).toMatchObject({ status: 'cancelled', done: true, cancelled: true });
    expect(cancelled.error).toBeUndefined();
    const kept = cancelled.overallCompleted!;
    expect(kept).toBeGreaterThan(500_000_000);
    expect(kept).toBeLessThan(4_000_000_000);
    expect((await callOk(s, 'models.list')).models.map((m) => m.name)).not.toContain('gemma3:4b');
    expect(await callOk(s, 'models.pullCancel', { model: 'gemma3:4b' })).toEqual({ cancelled: false });

    // Ollama kept the partial blob: the new pull's first byte count is what was there.
    const onDisk = [...fake.blobs.values()].find((n) => n > 500_000_000)!;
    expect(onDisk).toBeGreaterThanOrEqual(kept);
    fake.behavior.pullDelayMs = 2;
    const rec2 = recordEvents(s);
    await callOk(s, 'models.pull', { model: 'ollama/gemma3:4b' });
    const done = await finished(rec2, 'ollama/gemma3:4b');
    expect(done).toMatchObject({ status: 'success', overallTotal: 4_000_000_000 + 9_236 });
    const firstBytes = progressOf(rec2, 'ollama/gemma3:4b').find((p) => p.overallCompleted !== undefined)!;
    expect(firstBytes.overallCompleted).toBe(onDisk);
    expect(fake.pulls).toHaveLength(2);
  });

  it('a second pull of the same model joins the first: one download, progress under both names', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.pullSteps = 10;
    expect(await callOk(s, 'models.pull', { model: 'ollama/phi4' })).toEqual({ started: true });
    expect(await callOk(s, 'models.pull', { model: 'phi4:latest' })).toEqual({ started: false });
    expect((await finished(rec, 'ollama/phi4')).status).toBe('success');
    expect((await finished(rec, 'phi4:latest')).status).toBe('success');
    expect(progressOf(rec, 'phi4:latest').at(-1)!.overallCompleted).toBeGreaterThan(2_000_000_000);
    expect(fake.pulls).toHaveLength(1);

    // The pull has ended by the time its last event is heard: pulling again from that event starts anew.
    const again = new Promise<unknown>((resolve) =>
      s.events.subscribe((e) => {
        if (e.event === 'models.pullProgress' && e.payload.done && e.payload.model === 'ollama/phi4') {
          resolve(s.router.call('models.pull', { model: 'ollama/phi4' }));
        }
      }),
    );
    // …and that second pull is waited for, so it cannot finish during (and add a model to) the next test.
    let ends = 0;
    const secondEnd = new Promise<void>((resolve) =>
      s.events.subscribe((e) => {
        if (e.event === 'models.pullProgress' && e.payload.done && e.payload.model === 'ollama/phi4' && ++ends === 2)
          resolve();
      }),
    );
    fake.models = fake.models.filter((m) => m.name !== 'phi4:latest');
    await callOk(s, 'models.pull', { model: 'ollama/phi4' });
    expect(await again).toEqual({ ok: true, value: { started: true } });
    await secondEnd;
  });

  it('an error line mid-stream (HTTP 200) ends the pull in plain words, keeping the progress so far', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.pullSteps = 6;
    fake.behavior.pullErrorAfterLines = 3;
    fake.behavior.pullErrorMessage = NETWORK_ERROR;
    await callOk(s, 'models.pull', { model: 'phi4' });
    const last = await finished(rec, 'phi4');
    expect(last).toMatchObject({ status: 'error', done: true });
    expect(last.error).toMatch(
      /^The download of "phi4" broke off: Ollama at .* lost its connection to the model registry/,
    );
    expect(last.error).toContain('pull again; it resumes where it stopped');
    expect(last.overallCompleted).toBeGreaterThan(0);
    expect((await callOk(s, 'models.installed', {})).models.map((m) => m.name)).not.toContain('phi4:latest');
  });

  it('says the disk is full, and that an unknown name is not in the library', async () => {
    const s = services();
    const rec = recordEvents(s);
    fake.behavior.pullErrorAfterLines = 1;
    fake.behavior.pullErrorMessage = DISK_FULL_ERROR;
    await callOk(s, 'models.pull', { model: 'llama3.3:70b' });
    expect((await finished(rec, 'llama3.3:70b')).error).toMatch(/^The disk is full: Ollama at .* could not save/);

    await callOk(s, 'models.pull', { model: 'nosuch-model:1b' });
    const unknown = await finished(rec, 'nosuch-model:1b');
    expect(unknown.error).toBe(
      'Ollama has no model called "nosuch-model:1b"; check the name on ollama.com/library (for example llama3.2:3b).',
    );
    // As Ollama does: the manifest is asked for first, and the error comes in the stream.
    expect(progressOf(rec, 'nosuch-model:1b')[0]!.status).toBe('pulling manifest');
  });

  it("a stream:false pull fails with HTTP 500 and Ollama's error, which reads the same", async () => {
    const client = new Ollama({ host: fake.url });
    const err = await client.pull({ model: 'nosuch-thing', stream: false }).then(
      () => null,
      (e: unknown) => e as { status_code?: number; message: string },
    );
    expect(err).toMatchObject({ status_code: 500, message: 'pull model manifest: file does not exist' });
    expect(pullError('nosuch-thing', err!.message, fake.url).message).toMatch(
      /^Ollama has no model called "nosuch-thing"/,
    );
    fake.behavior.pullErrorAfterLines = 2;
    fake.behavior.pullErrorMessage = DISK_FULL_ERROR;
    const full = await client.pull({ model: 'qwen3:8b', stream: false }).catch((e: Error) => e);
    expect(full).toMatchObject({ status_code: 500, message: DISK_FULL_ERROR });
    fake.behavior.pullErrorAfterLines = null;
    expect(await client.pull({ model: 'qwen3:8b', stream: false })).toEqual({ status: 'success' });
  });
});

describe('models.installed', () => {
  it('lists capabilities, context length and a fits hint, asking /api/show once per digest', async () => {
    fake.models = [
      {
        name: 'gemma3:4b',
        size: 1_000_000,
        family: 'gemma3',
        parameterSize: '4.3B',
        quantization: 'Q4_K_M',
        contextLength: 131072,
        capabilities: ['completion', 'vision'],
      },
      {
        name: 'qwen3:235b',
        size: 1e15,
        family: 'qwen3moe',
        parameterSize: '235B',
        quantization: 'Q4_K_M',
        contextLength: 40960,
        capabilities: ['completion', 'tools', 'thinking'],
      },
    ];
    const s = services();
    const r = await callOk(s, 'models.installed', {});
    expect(r.providerId).toBe('ollama');
    expect(r.memory.totalBytes).toBeGreaterThan(0);
    expect(r.memory.freeBytes).toBeGreaterThan(0);
    expect(r.models).toMatchObject([
      {
        id: 'ollama/gemma3:4b',
        sizeBytes: 1_000_000,
        family: 'gemma3',
        parameterSize: '4.3B',
        quantization: 'Q4_K_M',
        contextLength: 131072,
        capabilities: ['completion', 'vision'],
        fits: 'yes',
      },
      { id: 'ollama/qwen3:235b', contextLength: 40960, capabilities: ['completion', 'thinking', 'tools'], fits: 'no' },
    ]);
    expect(r.models[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(r.models[0]!.modifiedAt).toBe(Date.UTC(2025, 0, 10));
    await callOk(s, 'models.installed', {});
    expect(fake.showRequests.sort()).toEqual(['gemma3:4b', 'qwen3:235b']);
  });

  it('reads capabilities from model_info, projector_info and the template on servers too old to send them', async () => {
    fake.behavior.showWithoutCapabilities = true;
    fake.models = [
      {
        name: 'llava:7b',
        size: 4e9,
        family: 'llama',
        parameterSize: '7B',
        quantization: 'Q4_0',
        capabilities: ['completion', 'vision'],
      },
      {
        name: 'mistral:7b',
        size: 4e9,
        family: 'llama',
        parameterSize: '7B',
        quantization: 'Q4_0',
        capabilities: ['completion', 'tools'],
      },
    ];
    const r = await callOk(services(), 'models.installed', {});
    expect(r.models.map((m) => [m.name, m.capabilities])).toEqual([
      ['llava:7b', ['completion', 'vision']],
      ['mistral:7b', ['completion', 'tools']],
    ]);
  });

  it('picks a server by providerId; an unknown one is a clear error', async () => {
    const other = await startFakeOllama({
      models: [{ name: 'llama3.1:70b', size: 4e10, family: 'llama', parameterSize: '70B', quantization: 'Q4_K_M' }],
    });
    try {
      const s = services();
      const view = await callOk(s, 'settings.update', { ollamaServers: [{ label: 'GPU box', baseUrl: other.url }] });
      const id = view.ollamaServers[0]!.id;
      expect(id).toBe('ollama-gpu-box');
      const r = await callOk(s, 'models.installed', { providerId: id });
      expect(r.models.map((m) => m.id)).toEqual(['ollama-gpu-box/llama3.1:70b']);
      // A provider/name id goes to that server.
      expect((await callOk(s, 'models.show', { model: 'ollama-gpu-box/llama3.1:70b' })).parameterSize).toBe('70B');
      const e = await failure(s, 'models.installed', { providerId: 'ollama-nowhere' });
      expect(e).toMatchObject({ code: 'not_found' });
      expect(e.message).toContain('There is no Ollama server "ollama-nowhere"');
    } finally {
      await other.close();
    }
  });
});

describe('models.show / delete', () => {
  it("shows Ollama's parameters, template, system, license and the model_info worth showing", async () => {
    fake.models = [
      {
        name: 'granite3.3:2b',
        size: 1.5e9,
        family: 'granite',
        parameterSize: '2.5B',
        quantization: 'Q4_K_M',
        contextLength: 131072,
        capabilities: ['completion', 'tools', 'thinking'],
        license: 'Apache License\nVersion 2.0',
        system: 'You are Granite.',
        parameters: 'num_ctx                        8192\nstop                           "<|end_of_text|>"',
        template: '{{ .System }}{{ .Prompt }}',
      },
    ];
    const d = await callOk(services(), 'models.show', { model: 'granite3.3:2b' });
    expect(d).toMatchObject({
      id: 'ollama/granite3.3:2b',
      name: 'granite3.3:2b',
      family: 'granite',
      parameterSize: '2.5B',
      quantization: 'Q4_K_M',
      contextLength: 131072,
      capabilities: ['completion', 'thinking', 'tools'],
      license: 'Apache License\nVersion 2.0',
      system: 'You are Granite.',
      template: '{{ .System }}{{ .Prompt }}',
    });
    expect(d.parameters).toContain('num_ctx                        8192');
    expect(d.modelInfo).toMatchObject({ 'general.architecture': 'granite', 'granite.context_length': 131072 });
    expect(Object.keys(d.modelInfo).some((k) => k.startsWith('tokenizer.'))).toBe(false);
    expect(Object.keys(d.modelInfo)[0]).toMatch(/^general\./);

    const e = await failure(services(), 'models.show', { model: 'nope:1b' });
    expect(e).toMatchObject({ code: 'not_found' });
  });

  it('deletes a model (the picker is told) and says so clearly for an unknown one', async () => {
    const s = services();
    const rec = recordEvents(s);
    expect(await callOk(s, 'models.delete', { model: 'ollama/qwen2.5:0.5b' })).toEqual({ deleted: true });
    expect((await rec.waitFor((e) => e.event === 'models.changed')).payload).toEqual({ providerId: 'ollama' });
    expect(fake.models.map((m) => m.name)).toEqual(['llama3.2:1b']);
    expect((await callOk(s, 'models.list')).models.map((m) => m.id)).toEqual(['ollama/llama3.2:1b']);
    const e = await failure(s, 'models.delete', { model: 'qwen2.5:0.5b' });
    expect(e.code).toBe('not_found');
    expect(e.message).toMatch(
      /^Ollama at http:\/\/127\.0\.0\.1:\d+ has no model called "qwen2\.5:0\.5b", so there was nothing to delete\.$/,
    );
  });
});

describe('models.running / unload', () => {
  it('lists models a chat loaded, with memory, VRAM, expiry and context; unload frees them', async () => {
    const s = services();
    const rec = recordEvents(s);
    expect((await callOk(s, 'models.running', {})).models).toEqual([]);
    const sent = await callOk(s, 'messages.send', { model: 'ollama/llama3.2:1b', content: 'hi' });
    await rec.done(sent.assistantMessage.id);
    const before = Date.now();
    const r = await callOk(s, 'models.running', {});
    expect(r.providerId).toBe('ollama');
    expect(r.models).toHaveLength(1);
    const m = r.models[0]!;
    expect(m).toMatchObject({
      id: 'ollama/llama3.2:1b',
      name: 'llama3.2:1b',
      providerId: 'ollama',
      contextLength: 4096,
    });
    expect(m.sizeBytes).toBeGreaterThan(1_321_098_329);
    expect(m.vramBytes).toBe(m.sizeBytes);
    // Ollama's default keep_alive is five minutes.
    expect(m.expiresAt! - before).toBeGreaterThan(4.5 * 60_000);
    expect(m.expiresAt! - before).toBeLessThanOrEqual(5 * 60_000);

    fake.loaded.push({ name: 'qwen2.5:0.5b', expiresAt: null, contextLength: 8192 });
    const both = await callOk(s, 'models.running', {});
    expect(both.models.find((x) => x.name === 'qwen2.5:0.5b')).toMatchObject({ expiresAt: null, contextLength: 8192 });

    expect(await callOk(s, 'models.unload', { model: 'ollama/llama3.2:1b' })).toEqual({ unloaded: true });
    await until(() => fake.loaded.every((l) => l.name !== 'llama3.2:1b'), 2000, 'unload');
    expect((await callOk(s, 'models.running', {})).models.map((x) => x.name)).toEqual(['qwen2.5:0.5b']);
    expect((await failure(s, 'models.unload', { model: 'nope:1b' })).code).toBe('not_found');
  });
});
