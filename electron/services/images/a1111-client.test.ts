/** The AUTOMATIC1111 client over real HTTP against the A1111 test server (e2e/support/fake-a1111.ts). */
import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeA1111, type FakeA1111 } from '../../../e2e/support/fake-a1111';
import { listenOnLoopback } from '../../../e2e/support/http-util';
import { tinyPng } from '../../../e2e/support/images';
import type { ImageRequest } from '../../../shared/types/images';
import { createA1111Client } from './a1111-client';
import type { BackendProgress, GenerateHooks, ImageBackendConfig } from './backend';

const SD15 = 'v1-5-pruned-emaonly.safetensors [6ce0161689]';
const SDXL = 'sd_xl_base_1.0.safetensors [31e35c80fc]';

let fake: FakeA1111;
let guarded: FakeA1111;
beforeAll(async () => {
  [fake, guarded] = await Promise.all([
    startFakeA1111(),
    startFakeA1111({ auth: { username: 'painter', password: 's3cret:pass' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([fake.close(), guarded.close()]);
});
afterEach(() => {
  fake.reset();
  guarded.reset();
});

const client = (config: Partial<ImageBackendConfig> = {}) =>
  createA1111Client({ id: 'a1111', label: 'A1111', baseUrl: fake.url, ...config }, { pollMs: 10 });

function hooks(extra: Partial<GenerateHooks> = {}) {
  const progress: BackendProgress[] = [];
  const controller = new AbortController();
  return {
    progress,
    controller,
    hooks: { signal: controller.signal, onProgress: (p: BackendProgress) => progress.push(p), ...extra },
  };
}

const small: ImageRequest = { prompt: 'a lighthouse at dusk', width: 64, height: 48, steps: 4 };

describe('A1111 client: what the parameter panel offers', () => {
  it('lists checkpoints, the loaded one, samplers and schedulers', async () => {
    const opts = await client().options();
    expect(opts.checkpoints).toContainEqual({ name: 'sd_xl_base_1.0', title: SDXL });
    expect(opts.checkpoints).toHaveLength(3);
    expect(opts.currentCheckpoint).toBe(SD15);
    expect(opts.samplers).toEqual(expect.arrayContaining(['Euler a', 'DPM++ 2M', 'DDIM']));
    expect(opts.schedulers).toEqual(expect.arrayContaining(['Automatic', 'Karras']));
    expect(opts).toMatchObject({ sizes: [], qualities: [], img2img: true });
  });

  it('offers no schedulers on a server older than 1.9 (404 there) instead of failing', async () => {
    fake.behavior.schedulers = false;
    const opts = await client().options();
    expect(opts.schedulers).toEqual([]);
    expect(opts.samplers.length).toBeGreaterThan(0);
  });

  it('test() says in one line that it answers, how many checkpoints and which is loaded', async () => {
    expect(await client().test()).toBe(`AUTOMATIC1111 answers · 3 checkpoints · loaded: ${SD15}`);
  });
});

describe('A1111 client: generating', () => {
  it('runs txt2img with the asked parameters, reporting growing progress, steps and a live preview', async () => {
    fake.behavior.stepDelayMs = 15;
    const h = hooks();
    const result = await client().generate(
      {
        ...small,
        negativePrompt: 'fog',
        steps: 8,
        cfgScale: 6.5,
        sampler: 'Euler a',
        scheduler: 'Karras',
        seed: 1234,
        batchSize: 2,
      },
      h.hooks,
    );

    expect(fake.requestsTo('/sdapi/v1/txt2img')[0]!.body).toMatchObject({
      prompt: 'a lighthouse at dusk',
      negative_prompt: 'fog',
      steps: 8,
      cfg_scale: 6.5,
      width: 64,
      height: 48,
      sampler_name: 'Euler a',
      scheduler: 'Karras',
      seed: 1234,
      batch_size: 2,
      n_iter: 1,
      send_images: true,
      save_images: false,
    });
    expect(fake.requestsTo('/sdapi/v1/progress')[0]!.path).toContain('skip_current_image=false');

    const fractions = h.progress.map((p) => p.fraction);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)!).toBeGreaterThan(fractions[0]!);
    expect(h.progress.every((p) => p.steps === 8)).toBe(true);
    expect(h.progress.some((p) => (p.step ?? 0) > 0)).toBe(true);
    expect(h.progress.some((p) => p.etaSeconds !== null)).toBe(true);
    const previews = h.progress.flatMap((p) => (p.preview ? [p.preview] : []));
    expect(previews.length).toBeGreaterThan(0);
    expect(previews[0]!.mime).toBe('image/png');
    // Only changed previews are passed on.
    for (let i = 1; i < previews.length; i++) expect(previews[i]!.data.equals(previews[i - 1]!.data)).toBe(false);

    expect(result.interrupted).toBe(false);
    expect(result.model).toBe('v1-5-pruned-emaonly');
    expect(result.images.map((i) => ({ mime: i.mime, seed: i.seed, width: i.width, height: i.height }))).toEqual([
      { mime: 'image/png', seed: 1234, width: 64, height: 48 },
      { mime: 'image/png', seed: 1235, width: 64, height: 48 },
    ]);
    expect(result.images[0]!.data.equals(result.images[1]!.data)).toBe(false);
    expect(result.info).toMatchObject({ all_seeds: [1234, 1235], sd_model_name: 'v1-5-pruned-emaonly' });
  });

  it('a random seed (-1) comes back as the real seed A1111 used', async () => {
    const result = await client().generate({ ...small, seed: -1 }, hooks().hooks);
    expect(fake.requestsTo('/sdapi/v1/txt2img')[0]!.body).toMatchObject({ seed: -1 });
    expect(result.images[0]!.seed).toEqual(expect.any(Number));
    expect(result.images[0]!.seed).not.toBe(-1);
    expect(result.images[0]!.seed).toBe((result.info as { seed: number }).seed);
  });

  it('drops the grid A1111 puts before a batch and keeps each image with its seed', async () => {
    fake.behavior.returnGrid = true;
    fake.behavior.stepDelayMs = 1;
    const result = await client().generate({ ...small, seed: 50, batchSize: 3 }, hooks().hooks);
    expect(result.images.map((i) => [i.seed, i.width, i.height])).toEqual([
      [50, 64, 48],
      [51, 64, 48],
      [52, 64, 48],
    ]);
  });

  it('tells JPEG results from PNG by their bytes and reads their size', async () => {
    fake.options.samples_format = 'jpg';
    fake.behavior.stepDelayMs = 1;
    const result = await client().generate({ ...small, width: 80, height: 56 }, hooks().hooks);
    expect(result.images[0]).toMatchObject({ mime: 'image/jpeg', width: 80, height: 56 });
  });

  it('loads another checkpoint first when asked (and only when it is not loaded already)', async () => {
    fake.behavior.stepDelayMs = 1;
    const result = await client().generate({ ...small, checkpoint: SDXL }, hooks().hooks);
    expect(fake.requestsTo('/sdapi/v1/options').filter((r) => r.method === 'POST')).toEqual([
      expect.objectContaining({ body: { sd_model_checkpoint: SDXL } }),
    ]);
    expect(result.model).toBe('sd_xl_base_1.0');
    expect((await client().options()).currentCheckpoint).toBe(SDXL);

    await client().generate({ ...small, checkpoint: SDXL }, hooks().hooks);
    expect(fake.requestsTo('/sdapi/v1/options').filter((r) => r.method === 'POST')).toHaveLength(1);
    // The short model name works too.
    await client().generate({ ...small, checkpoint: 'dreamshaper_8' }, hooks().hooks);
    expect(fake.requestsTo('/sdapi/v1/options').at(-1)!.body).toEqual({
      sd_model_checkpoint: 'dreamshaper_8.safetensors [879db523c3]',
    });
  });

  it('refuses an unknown checkpoint, naming it and the ones there are, without generating', async () => {
    const err = await client()
      .generate({ ...small, checkpoint: 'juggernautXL_v9.safetensors' }, hooks().hooks)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unknown_checkpoint' });
    expect((err as Error).message).toContain('juggernautXL_v9.safetensors');
    expect((err as Error).message).toContain(SD15);
    expect(fake.requestsTo('/sdapi/v1/txt2img')).toHaveLength(0);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('runs img2img with the init image and denoising strength, keeping the init image’s size', async () => {
    fake.behavior.stepDelayMs = 1;
    const init = tinyPng(96, 72);
    const result = await client().generate(
      { prompt: 'the same, in winter', steps: 3, denoisingStrength: 0.45, seed: 7 },
      hooks({ initImage: { data: init, mime: 'image/png' } }).hooks,
    );
    expect(fake.requestsTo('/sdapi/v1/txt2img')).toHaveLength(0);
    const body = fake.requestsTo('/sdapi/v1/img2img')[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      init_images: [init.toString('base64')],
      denoising_strength: 0.45,
      width: 96,
      height: 72,
    });
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ seed: 7, width: 96, height: 72, mime: 'image/png' });
  });
});

describe('A1111 client: cancelling', () => {
  it('a cancel interrupts A1111 and keeps the images finished so far (batch of 4, cancelled in image 2)', async () => {
    fake.behavior.stepDelayMs = 20;
    const h = hooks();
    h.hooks.onProgress = (p) => {
      h.progress.push(p);
      // job 2 of 4 has begun once progress passes 0.01 + 1/4
      if (p.fraction > 0.27 && !h.controller.signal.aborted) h.controller.abort();
    };
    const result = await client().generate({ ...small, steps: 10, batchSize: 4, seed: 100 }, h.hooks);
    expect(fake.requestsTo('/sdapi/v1/interrupt')).toHaveLength(1);
    expect(result.interrupted).toBe(true);
    expect(result.images.map((i) => i.seed)).toEqual([100]);
  });

  it('an interrupt from A1111’s own page also ends the job with what is finished', async () => {
    fake.behavior.stepDelayMs = 5;
    fake.behavior.interruptAfterSteps = 7;
    const result = await client().generate({ ...small, steps: 5, batchSize: 3, seed: 9 }, hooks().hooks);
    expect(fake.requestsTo('/sdapi/v1/interrupt')).toHaveLength(0);
    expect(result.interrupted).toBe(true);
    expect(result.images.map((i) => i.seed)).toEqual([9]);
  });

  it('a cancel before anything started sends nothing and resolves empty', async () => {
    const h = hooks();
    h.controller.abort();
    const result = await client().generate(small, h.hooks);
    expect(result).toMatchObject({ images: [], interrupted: true });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('A1111 client: errors in plain words', () => {
  it('unreachable: nothing listens at the address', async () => {
    const { port, close } = await listenOnLoopback(createServer());
    await close();
    const c = createA1111Client({ id: 'x', label: 'x', baseUrl: `http://127.0.0.1:${port}` }, {});
    await expect(c.test()).rejects.toMatchObject({
      kind: 'unreachable',
      message: `Can't reach AUTOMATIC1111 at http://127.0.0.1:${port}. Is it running?`,
    });
    await expect(c.generate(small, hooks().hooks)).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('no_api: the web UI runs without --api', async () => {
    fake.behavior.apiOff = true;
    const err = await client()
      .options()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'no_api' });
    expect((err as Error).message).toContain('start it with --api (add it to COMMANDLINE_ARGS)');
    await expect(client().generate(small, hooks().hooks)).rejects.toMatchObject({ kind: 'no_api' });
  });

  it('unauthorized: --api-auth is on; the Basic header goes with the very first request', async () => {
    const at = (username: string | null, password: string | null) =>
      createA1111Client({ id: 'g', label: 'g', baseUrl: guarded.url, username, password }, { pollMs: 10 });

    const missing = await at(null, null)
      .test()
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'unauthorized', message: expect.stringContaining('--api-auth') });
    const wrong = await at('painter', 'nope')
      .test()
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ kind: 'unauthorized', message: expect.stringContaining('Settings') });

    guarded.reset();
    guarded.behavior.stepDelayMs = 1;
    const result = await at('painter', 's3cret:pass').generate(small, hooks().hooks);
    expect(result.images).toHaveLength(1);
    const expected = `Basic ${Buffer.from('painter:s3cret:pass').toString('base64')}`;
    expect(guarded.requests.length).toBeGreaterThan(1);
    expect(guarded.requests.every((r) => r.auth === expected)).toBe(true);
  });

  it('validation: a 422 names the refused field', async () => {
    const err = await client()
      .generate({ ...small, steps: 200 }, hooks().hooks)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'validation', field: 'steps' });
    expect((err as Error).message).toMatch(/"steps".*150/);
  });

  it('validation: an unknown sampler is named', async () => {
    await expect(client().generate({ ...small, sampler: 'Euler z' }, hooks().hooks)).rejects.toMatchObject({
      kind: 'validation',
      field: 'sampler',
      message: expect.stringContaining('"Euler z"'),
    });
  });

  it('out_of_memory: CUDA ran out, with what to try', async () => {
    fake.behavior.failWith = 'oom';
    const err = await client()
      .generate(small, hooks().hooks)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'out_of_memory' });
    expect((err as Error).message).toMatch(/smaller size or batch.*--medvram/);
  });

  it('backend: another failure keeps A1111’s words, and a non-JSON answer is called that', async () => {
    fake.behavior.failWith = 'error';
    const err = await client()
      .generate(small, hooks().hooks)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'backend' });
    expect((err as Error).message).toContain('RuntimeError: Expected all tensors to be on the same device');

    fake.behavior.failWith = 'html';
    const bare = await client()
      .generate(small, hooks().hooks)
      .catch((e: unknown) => e);
    expect(bare).toMatchObject({ kind: 'backend', message: expect.stringContaining('not JSON') });
    expect((bare as Error).message).toContain('Internal Server Error');
  });
});
