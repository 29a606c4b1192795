/**
 * The image service end to end under Node: real SQLite in a temp folder, the router, and the test
 * AUTOMATIC1111 server over real HTTP. What a user would notice: images land in the gallery with
 * their files and seeds, progress arrives, cancel keeps what was finished, queued jobs wait their
 * turn, errors are in plain words and Retry works, chat turns get the image, the gallery survives a
 * restart, and a saved PNG carries its parameters.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageJob } from '../../../shared/types/images';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs, sleep } from '../../../e2e/support/services';
import { startFakeA1111, type FakeA1111 } from '../../../e2e/support/fake-a1111';
import { startFakeComfyUI } from '../../../e2e/support/fake-comfyui';
import { startFakeOpenAi } from '../../../e2e/support/fake-openai';
import { DEFAULT_COMFY_WORKFLOW } from './comfy-workflow';
import type { AppServices } from '../app-services';
import { readTextChunks } from './png-text';

let fake: FakeA1111;
let dir: string;
let services: AppServices;
const secretsKey = Buffer.alloc(32, 7);

const open = () => openServices(dir, { secretsKey, images: { pollMs: 20 } });

beforeEach(async () => {
  fake = await startFakeA1111();
  fake.behavior.stepDelayMs = 5;
  dir = makeTempDir();
  services = open();
});

afterEach(async () => {
  await services.close();
  await fake.close();
});

afterAll(() => removeTempDirs());

async function addBackend(s = services): Promise<string> {
  const b = await callOk(s, 'images.saveBackend', { kind: 'a1111', label: 'Local SD', baseUrl: fake.url });
  return b.id;
}

/** Poll an async check until it gives a value. */
async function until<T>(check: () => Promise<T | undefined>, o: { timeoutMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

async function finished(s: AppServices, jobId: string, timeoutMs = 10_000): Promise<ImageJob> {
  return until(
    async () => {
      const { jobs } = await callOk(s, 'images.jobs');
      const job = jobs.find((j) => j.id === jobId);
      return job && job.state !== 'queued' && job.state !== 'running' ? job : undefined;
    },
    { timeoutMs },
  );
}

describe('image service', () => {
  it('generates a batch: files under images/, rows with their own seeds, progress with previews', async () => {
    const backendId = await addBackend();
    const rec = recordEvents(services);
    const job = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'a red fox in snow', steps: 6, width: 64, height: 64, batchSize: 2, seed: 1234 },
    });
    expect(job.state).toBe('queued');
    const done = await finished(services, job.id);
    expect(done.state).toBe('done');
    expect(done.imageIds).toHaveLength(2);

    const progress = rec.seen.filter((e) => e.event === 'images.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((e) => e.event === 'images.progress' && e.payload.preview?.startsWith('data:image/'))).toBe(
      true,
    );
    rec.stop();

    const { images, total } = await callOk(services, 'images.list', {});
    expect(total).toBe(2);
    expect(images.map((i) => i.seed).sort()).toEqual([1234, 1235]);
    for (const img of images) {
      expect(img.prompt).toBe('a red fox in snow');
      expect(img.backendLabel).toBe('Local SD');
      expect(img.width).toBe(64);
      expect(img.params.steps).toBe(6);
      // List rows leave the backend's info out; the whole row has it.
      expect(img.info).toBeNull();
      expect((await callOk(services, 'images.get', { id: img.id })).image.info).toBeTruthy();
      expect(existsSync(join(dir, 'images', `${img.id}.png`))).toBe(true);
    }
    // The row never holds the bytes.
    const row = services.db.prepare('SELECT * FROM images LIMIT 1').get() as Record<string, unknown>;
    expect(JSON.stringify(row).length).toBeLessThan(4000);

    const { thumbs } = await callOk(services, 'images.thumbs', { ids: images.map((i) => i.id) });
    expect(thumbs.every((t) => t.dataUrl?.startsWith('data:image/jpeg;base64,'))).toBe(true);
    expect(existsSync(join(dir, 'images', 'thumbs', `${images[0]!.id}.jpg`))).toBe(true);
  });

  it('the saved PNG carries its parameters as AUTOMATIC1111 writes them, and is a valid PNG', async () => {
    const backendId = await addBackend();
    const job = await callOk(services, 'images.generate', {
      backendId,
      request: {
        prompt: 'lighthouse at dusk',
        negativePrompt: 'blurry',
        steps: 5,
        cfgScale: 6.5,
        width: 64,
        height: 64,
        seed: 42,
        sampler: 'Euler a',
      },
    });
    const done = await finished(services, job.id);
    const png = await callOk(services, 'images.png', { id: done.imageIds[0]! });
    const bytes = Buffer.from(png.dataBase64, 'base64');
    expect(PNG.sync.read(bytes).width).toBe(64);
    const text = readTextChunks(bytes).parameters!;
    expect(text).toBe(png.parameters);
    expect(text.split('\n')[0]).toBe('lighthouse at dusk');
    expect(text).toContain('Negative prompt: blurry');
    expect(text).toMatch(/Steps: 5, Sampler: Euler a.*CFG scale: 6\.5, Seed: 42, Size: 64x64/);
    expect(png.fileName).toMatch(/^hearth-\d{8}-\d{6}-42\.png$/);
  });

  it('cancel interrupts a running batch and keeps the images already finished', async () => {
    const backendId = await addBackend();
    fake.behavior.stepDelayMs = 40;
    const job = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'slow batch', steps: 5, width: 64, height: 64, batchSize: 4 },
    });
    // Wait until the first image is past (steps of image 2 are running).
    await until(async () => {
      const { jobs } = await callOk(services, 'images.jobs');
      const j = jobs.find((x) => x.id === job.id);
      return j && j.progress > 0.3 ? j : undefined;
    });
    await callOk(services, 'images.cancel', { jobId: job.id });
    const done = await finished(services, job.id);
    expect(done.state).toBe('interrupted');
    expect(done.imageIds.length).toBeGreaterThanOrEqual(1);
    expect(done.imageIds.length).toBeLessThan(4);
    expect(done.error?.message).toMatch(/finished image/);
    expect(fake.requests.some((r) => r.path === '/sdapi/v1/interrupt')).toBe(true);
    expect((await callOk(services, 'images.list', {})).total).toBe(done.imageIds.length);
  });

  it('jobs on one backend wait their turn; a queued job cancelled never reaches the backend', async () => {
    const backendId = await addBackend();
    fake.behavior.stepDelayMs = 30;
    const first = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'first', steps: 4, width: 64, height: 64 },
    });
    const second = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'second', steps: 4, width: 64, height: 64 },
    });
    const third = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'third', steps: 4, width: 64, height: 64 },
    });
    await until(async () => {
      const { jobs } = await callOk(services, 'images.jobs');
      return jobs.find((j) => j.id === first.id)?.state === 'running' ? true : undefined;
    });
    const { jobs } = await callOk(services, 'images.jobs');
    expect(jobs.find((j) => j.id === second.id)!.state).toBe('queued');
    expect((await callOk(services, 'images.cancel', { jobId: third.id })).state).toBe('cancelled');
    expect((await finished(services, first.id)).state).toBe('done');
    expect((await finished(services, second.id)).state).toBe('done');
    const prompts = fake.requests
      .filter((r) => r.path === '/sdapi/v1/txt2img')
      .map((r) => (r.body as { prompt: string }).prompt);
    expect(prompts).toEqual(['first', 'second']);
  });

  it('an API that is off is said in plain words; Retry runs the same request once it is on', async () => {
    const backendId = await addBackend();
    fake.behavior.apiOff = true;
    const test = await callOk(services, 'images.testBackend', { id: backendId });
    expect(test.ok).toBe(false);
    const job = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'needs the api', steps: 3, width: 64, height: 64 },
    });
    const failed = await finished(services, job.id);
    expect(failed.state).toBe('error');
    expect(failed.error?.kind).toBe('no_api');
    expect(failed.error?.message).toContain('--api');
    fake.behavior.apiOff = false;
    const again = await callOk(services, 'images.retry', { jobId: job.id });
    expect(again.request.prompt).toBe('needs the api');
    expect((await finished(services, again.id)).state).toBe('done');
  });

  it('an unreachable backend fails the job with what to do', async () => {
    const b = await callOk(services, 'images.saveBackend', {
      kind: 'a1111',
      label: 'Gone',
      baseUrl: 'http://127.0.0.1:9',
    });
    const job = await callOk(services, 'images.generate', {
      backendId: b.id,
      request: { prompt: 'nobody home', steps: 3, width: 64, height: 64 },
    });
    const failed = await finished(services, job.id);
    expect(failed.error?.kind).toBe('unreachable');
    expect(failed.error?.message).toMatch(/running/i);
  });

  it('/image in a chat: the prompt as the user turn, the image as the assistant turn with its parameters', async () => {
    await addBackend();
    const chat = await callOk(services, 'chats.create', {});
    const r = await callOk(services, 'images.generateInChat', {
      chatId: chat.id,
      prompt: 'a cat astronaut',
      asUserTurn: true,
      request: { steps: 4, width: 64, height: 64, seed: 7 },
    });
    expect(r.userMessage?.content).toBe('/image a cat astronaut');
    expect(r.assistantMessage.status).toBe('streaming');
    expect(r.assistantMessage.model).toMatch(/^image:/);
    await finished(services, r.job.id);
    const { messages, chat: after } = await callOk(services, 'chats.get', { id: chat.id });
    const turn = messages.find((m) => m.id === r.assistantMessage.id)!;
    expect(turn.status).toBe('done');
    expect(turn.attachments).toHaveLength(1);
    expect(turn.attachments[0]!.kind).toBe('image');
    expect(turn.content).toContain('a cat astronaut');
    expect(turn.content).toContain('Seed 7');
    expect(after.currentLeafId).toBe(turn.id);
    expect(after.title).not.toBe('New chat');
    // The gallery has it too, linked to the turn.
    const { images } = await callOk(services, 'images.list', {});
    expect(images[0]!.messageId).toBe(turn.id);
  });

  it('messages.stop on an image turn interrupts its job', async () => {
    await addBackend();
    fake.behavior.stepDelayMs = 50;
    const chat = await callOk(services, 'chats.create', {});
    const r = await callOk(services, 'images.generateInChat', {
      chatId: chat.id,
      prompt: 'stop me',
      asUserTurn: true,
      request: { steps: 20, width: 64, height: 64 },
    });
    await until(async () => {
      const { jobs } = await callOk(services, 'images.jobs');
      return jobs.find((j) => j.id === r.job.id)?.state === 'running' ? true : undefined;
    });
    expect((await callOk(services, 'messages.stop', { messageId: r.assistantMessage.id })).stopped).toBe(true);
    await finished(services, r.job.id);
    const { messages } = await callOk(services, 'chats.get', { id: chat.id });
    expect(messages.find((m) => m.id === r.assistantMessage.id)!.status).toBe('stopped');
  });

  it('delete hides an image, restore brings it back; search finds prompts by every word', async () => {
    const backendId = await addBackend();
    for (const prompt of ['blue whale diving', 'red whale jumping', 'green frog']) {
      const job = await callOk(services, 'images.generate', {
        backendId,
        request: { prompt, steps: 2, width: 64, height: 64 },
      });
      await finished(services, job.id);
    }
    expect((await callOk(services, 'images.list', { query: 'whale' })).total).toBe(2);
    expect((await callOk(services, 'images.list', { query: 'WHALE red' })).images.map((i) => i.prompt)).toEqual([
      'red whale jumping',
    ]);
    expect((await callOk(services, 'images.list', { query: '100%_' })).total).toBe(0);
    const { images } = await callOk(services, 'images.list', {});
    expect(images.map((i) => i.prompt)).toEqual(['green frog', 'red whale jumping', 'blue whale diving']);
    const rec = recordEvents(services);
    const del = await callOk(services, 'images.delete', { id: images[0]!.id });
    expect((await callOk(services, 'images.list', {})).total).toBe(2);
    const restored = await callOk(services, 'images.restore', { id: images[0]!.id });
    expect(restored.version > del.version).toBe(true);
    expect((await callOk(services, 'images.list', {})).total).toBe(3);
    expect(rec.seen.filter((e) => e.event === 'images.changed')).toHaveLength(2);
    rec.stop();
    // Paging: the page after the newest.
    const page = await callOk(services, 'images.list', { limit: 1, before: images[0]!.id });
    expect(page.images.map((i) => i.prompt)).toEqual(['red whale jumping']);
  });

  it('the gallery survives a restart; the password is stored encrypted', async () => {
    const b = await callOk(services, 'images.saveBackend', {
      kind: 'a1111',
      label: 'Auth SD',
      baseUrl: fake.url,
      username: 'me',
      password: 'hunter2-secret',
    });
    expect(b.passwordSet).toBe(true);
    const stored = services.db.prepare("SELECT value FROM settings WHERE key = 'imageBackends'").get() as {
      value: string;
    };
    expect(stored.value).not.toContain('hunter2-secret');
    const job = await callOk(services, 'images.generate', {
      backendId: b.id,
      request: { prompt: 'kept', steps: 2, width: 64, height: 64 },
    });
    await finished(services, job.id);
    const auth = fake.requests.find((r) => r.path === '/sdapi/v1/txt2img')!.auth;
    expect(auth).toBe(`Basic ${Buffer.from('me:hunter2-secret').toString('base64')}`);
    await services.close();
    services = open();
    const { images } = await callOk(services, 'images.list', {});
    expect(images.map((i) => i.prompt)).toEqual(['kept']);
    const full = await callOk(services, 'images.get', { id: images[0]!.id });
    expect(
      Buffer.from(full.dataUrl.split(',')[1]!, 'base64').equals(
        readFileSync(join(dir, 'images', `${images[0]!.id}.png`)),
      ),
    ).toBe(true);
    expect((await callOk(services, 'images.backends', {})).backends[0]!.passwordSet).toBe(true);
  });

  it('AUTOMATIC1111_BASE_URL adds a backend from the environment that cannot be edited over the API', async () => {
    await services.close();
    services = openServices(dir, { secretsKey, env: { AUTOMATIC1111_BASE_URL: `${fake.url}/` } });
    const { backends } = await callOk(services, 'images.backends', {});
    expect(backends).toEqual([expect.objectContaining({ id: 'env-a1111', fromEnv: true, baseUrl: fake.url })]);
    const r = await services.router.call('images.removeBackend', { id: 'env-a1111' });
    expect(r.ok).toBe(false);
    const opts = await callOk(services, 'images.options', { backendId: 'env-a1111' });
    expect(opts.checkpoints.length).toBeGreaterThan(0);
    expect(opts.samplers).toContain('Euler a');
  });

  it('a gallery image attached to a chat becomes a pending attachment of that chat', async () => {
    const backendId = await addBackend();
    const job = await callOk(services, 'images.generate', {
      backendId,
      request: { prompt: 'for the vision model', steps: 2, width: 64, height: 64 },
    });
    const done = await finished(services, job.id);
    const chat = await callOk(services, 'chats.create', {});
    const a = await callOk(services, 'attachments.fromImage', { imageId: done.imageIds[0]!, chatId: chat.id });
    expect(a.kind).toBe('image');
    expect(a.mime).toBe('image/png');
    expect(a.name).toBe('for-the-vision-model.png');
    const got = await callOk(services, 'attachments.get', { id: a.id });
    expect(got.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('ComfyUI: the built-in workflow, then an imported one with its mapping detected, each to the gallery', async () => {
    const comfy = await startFakeComfyUI();
    try {
      const b = await callOk(services, 'images.saveBackend', { kind: 'comfyui', label: 'Comfy', baseUrl: comfy.url });
      const opts = await callOk(services, 'images.options', { backendId: b.id });
      expect(opts.workflows[0]).toEqual({ id: 'default', name: DEFAULT_COMFY_WORKFLOW.name });
      const first = await callOk(services, 'images.generate', {
        backendId: b.id,
        request: { prompt: 'comfy default', steps: 3, width: 64, height: 64, seed: 5 },
      });
      expect((await finished(services, first.id)).state).toBe('done');

      // A user's workflow: the same graph under other node ids, imported with a detected mapping.
      const renumber = (id: string) => `n${id}`;
      const graph = Object.fromEntries(
        Object.entries(DEFAULT_COMFY_WORKFLOW.workflow).map(([id, node]) => [
          renumber(id),
          {
            ...node,
            inputs: Object.fromEntries(
              Object.entries(node.inputs).map(([k, v]) => [k, Array.isArray(v) ? [renumber(String(v[0])), v[1]] : v]),
            ),
          },
        ]),
      );
      const detected = await callOk(services, 'images.detectMapping', { workflow: graph });
      expect(detected.mapping.prompt).toBe('n6.text');
      const saved = await callOk(services, 'images.saveWorkflow', {
        backendId: b.id,
        name: 'Mine',
        workflow: graph,
        mapping: { ...detected.mapping, prompt: detected.mapping.prompt! },
      });
      const wf = saved.workflows[0]!;
      const second = await callOk(services, 'images.generate', {
        backendId: b.id,
        request: { prompt: 'comfy mine', steps: 3, width: 64, height: 64, seed: 9, workflowId: wf.id },
      });
      expect((await finished(services, second.id)).state).toBe('done');
      const sent = comfy.prompts.at(-1)!.prompt as Record<string, { inputs: Record<string, unknown> }>;
      expect(sent.n6!.inputs.text).toBe('comfy mine');
      expect(sent.n3!.inputs.seed).toBe(9);
      const { images } = await callOk(services, 'images.list', {});
      expect(images.map((i) => [i.prompt, i.backendKind, i.seed])).toEqual([
        ['comfy mine', 'comfyui', 9],
        ['comfy default', 'comfyui', 5],
      ]);
    } finally {
      await comfy.close();
    }
  });

  it('ComfyUI: a workflow needing a node type the server lacks fails with its name', async () => {
    const comfy = await startFakeComfyUI();
    try {
      comfy.behavior.missingNodeTypes = ['KSampler'];
      const b = await callOk(services, 'images.saveBackend', { kind: 'comfyui', label: 'Comfy', baseUrl: comfy.url });
      const job = await callOk(services, 'images.generate', {
        backendId: b.id,
        request: { prompt: 'x', steps: 2, width: 64, height: 64 },
      });
      const failed = await finished(services, job.id);
      expect(failed.error?.kind).toBe('missing_node');
      expect(failed.error?.message).toContain('KSampler');
    } finally {
      await comfy.close();
    }
  });

  it('OpenAI Images: the key is sent, the image lands in the gallery with the revised prompt in its info', async () => {
    const openai = await startFakeOpenAi();
    try {
      const b = await callOk(services, 'images.saveBackend', {
        kind: 'openai',
        label: 'OpenAI',
        baseUrl: openai.baseUrl,
        apiKey: openai.apiKey,
      });
      expect(b.apiKeySet).toBe(true);
      const job = await callOk(services, 'images.generate', {
        backendId: b.id,
        request: { prompt: 'a watercolour harbour', checkpoint: 'dall-e-3', size: '1024x1024' },
      });
      expect((await finished(services, job.id)).state).toBe('done');
      const { images } = await callOk(services, 'images.list', {});
      expect(images[0]!.backendKind).toBe('openai');
      const whole = await callOk(services, 'images.get', { id: images[0]!.id });
      expect(JSON.stringify(whole.image.info)).toContain('revised_prompt');
      // A wrong key is said in plain words.
      await callOk(services, 'images.saveBackend', {
        id: b.id,
        kind: 'openai',
        label: 'OpenAI',
        baseUrl: b.baseUrl,
        apiKey: 'sk-wrong',
      });
      const test = await callOk(services, 'images.testBackend', { id: b.id });
      expect(test.ok).toBe(false);
      expect(test.ok ? '' : test.message).toMatch(/key/i);
    } finally {
      await openai.close();
    }
  });
});
