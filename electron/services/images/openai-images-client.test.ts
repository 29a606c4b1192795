import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../../e2e/support/fake-openai';
import type { BackendProgress, ImageBackendConfig, ImageClientDeps } from './backend';
import { ImageBackendError } from './backend';
import { createOpenAiImagesClient, isImageModel, openAiImageQualities, openAiImageSizes } from './openai-images-client';

let fake: FakeOpenAi;
let listing: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  listing = await startFakeOpenAi({ listImageModels: true, imageModels: ['dall-e-2', 'gpt-image-1', 'dall-e-3'] });
});
afterAll(async () => {
  await fake.close();
  await listing.close();
});
beforeEach(() => {
  fake.reset();
  listing.reset();
});

const config = (over: Partial<ImageBackendConfig> = {}): ImageBackendConfig => ({
  id: 'openai',
  label: 'OpenAI Images',
  baseUrl: fake.baseUrl,
  apiKey: fake.apiKey,
  ...over,
});

function run(
  req: Parameters<ReturnType<typeof createOpenAiImagesClient>['generate']>[0],
  opts: {
    signal?: AbortSignal;
    config?: Partial<ImageBackendConfig>;
    deps?: ImageClientDeps;
  } = {},
) {
  const progress: BackendProgress[] = [];
  const client = createOpenAiImagesClient(config(opts.config), opts.deps ?? {});
  const done = client.generate(req, {
    signal: opts.signal ?? new AbortController().signal,
    onProgress: (p) => progress.push(p),
  });
  return { done, progress };
}

async function failure(promise: Promise<unknown>): Promise<ImageBackendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageBackendError);
  return err as ImageBackendError;
}

describe('generate', () => {
  it('gpt-image-1: real PNGs from b64_json, no response_format sent, usage kept, honest 0 → 1 progress', async () => {
    const { done, progress } = run({
      prompt: 'a red fox in snow',
      checkpoint: 'gpt-image-1',
      batchSize: 2,
      quality: 'low',
    });
    const res = await done;
    expect(res.interrupted).toBe(false);
    expect(res.model).toBe('gpt-image-1');
    expect(res.images).toHaveLength(2);
    for (const img of res.images) {
      expect(img).toMatchObject({ mime: 'image/png', width: 1024, height: 1024, seed: null });
      const png = PNG.sync.read(img.data, { checkCRC: true });
      expect([png.width, png.height]).toEqual([1024, 1024]);
    }
    expect(fake.imageRequests).toEqual([{ model: 'gpt-image-1', prompt: 'a red fox in snow', n: 2, quality: 'low' }]);
    expect(res.info).toMatchObject({
      model: 'gpt-image-1',
      created: expect.any(Number),
      quality: 'low',
      size: '1024x1024',
      usage: { input_tokens: expect.any(Number), output_tokens: 544, total_tokens: expect.any(Number) },
    });
    expect(progress).toEqual([
      { fraction: 0, etaSeconds: null, step: null, steps: null },
      { fraction: 1, etaSeconds: null, step: null, steps: null },
    ]);
    expect(fake.authHeaders.at(-1)).toBe(`Bearer ${fake.apiKey}`);
  });

  it('dall-e-3: one request per image, b64_json asked for, the revised prompt kept, progress after each image', async () => {
    const { done, progress } = run({
      prompt: 'a lighthouse',
      checkpoint: 'dall-e-3',
      batchSize: 2,
      size: '1792x1024',
      quality: 'hd',
    });
    const res = await done;
    expect(res.images.map((i) => [i.width, i.height])).toEqual([
      [1792, 1024],
      [1792, 1024],
    ]);
    expect(fake.imageRequests).toHaveLength(2);
    for (const body of fake.imageRequests) {
      expect(body).toEqual({
        model: 'dall-e-3',
        prompt: 'a lighthouse',
        n: 1,
        size: '1792x1024',
        quality: 'hd',
        response_format: 'b64_json',
      });
    }
    expect(res.info).toMatchObject({
      revised_prompt: 'A detailed rendering of a lighthouse, in soft natural light.',
      revised_prompts: [expect.any(String), expect.any(String)],
    });
    expect(progress.map((p) => p.fraction)).toEqual([0, 0.5, 1]);
  });

  it('dall-e-2: width × height becomes the size when the model has it', async () => {
    const res = await run({ prompt: 'tiny', checkpoint: 'dall-e-2', width: 512, height: 512 }).done;
    expect(fake.imageRequests[0]).toMatchObject({ size: '512x512', response_format: 'b64_json' });
    expect(res.images[0]).toMatchObject({ width: 512, height: 512 });
    // A size the model does not have is left to the service's default.
    await run({ prompt: 'tiny', checkpoint: 'dall-e-2', width: 640, height: 640 }).done;
    expect(fake.imageRequests[1]).not.toHaveProperty('size');
  });

  it('downloads the image when a service ignores response_format and answers with a URL', async () => {
    // A service that drops response_format: the fake then answers dall-e-2 with a /files/ URL.
    const dropping: typeof fetch = (input, init) => {
      if (typeof init?.body === 'string' && init.body.includes('response_format')) {
        const body = JSON.parse(init.body) as Record<string, unknown>;
        delete body.response_format;
        return fetch(input, { ...init, body: JSON.stringify(body) });
      }
      return fetch(input, init);
    };
    const res = await run({ prompt: 'via url', checkpoint: 'dall-e-2', size: '256x256' }, { deps: { fetch: dropping } })
      .done;
    expect(res.images[0]).toMatchObject({ mime: 'image/png', width: 256, height: 256 });
    expect(PNG.sync.read(res.images[0]!.data).width).toBe(256);
  });

  it('asks again without response_format when a service serves gpt-image under another name', async () => {
    const renaming: typeof fetch = (input, init) =>
      fetch(
        input,
        typeof init?.body === 'string' ? { ...init, body: init.body.replace('"house-image"', '"gpt-image-1"') } : init,
      );
    const res = await run({ prompt: 'renamed', checkpoint: 'house-image' }, { deps: { fetch: renaming } }).done;
    expect(res.images).toHaveLength(1);
    expect(fake.imageRequests.map((b) => 'response_format' in b)).toEqual([true, false]);
  });

  it('cancelling resolves at once with no images and interrupted: true', async () => {
    fake.behavior.imageDelayMs = 5000;
    const ac = new AbortController();
    const { done } = run({ prompt: 'slow', checkpoint: 'gpt-image-1' }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const t = performance.now();
    const res = await done;
    expect(performance.now() - t).toBeLessThan(2000);
    expect(res).toMatchObject({ images: [], interrupted: true });
  });

  it('cancelling a dall-e-3 batch keeps the images already made', async () => {
    const ac = new AbortController();
    const client = createOpenAiImagesClient(config(), {});
    const done = client.generate(
      { prompt: 'three', checkpoint: 'dall-e-3', batchSize: 3 },
      {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.fraction > 0 && p.fraction < 1) {
            fake.behavior.imageDelayMs = 5000;
            setTimeout(() => ac.abort(), 20);
          }
        },
      },
    );
    const res = await done;
    expect(res.interrupted).toBe(true);
    expect(res.images).toHaveLength(1);
  });
});

describe('errors in plain words', () => {
  it('a wrong key is unauthorized and says where to set it', async () => {
    const err = await failure(run({ prompt: 'x' }, { config: { apiKey: 'sk-wrong-000000000000' } }).done);
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/API key.*Settings.*OPENAI_API_KEY/);
  });

  it('nothing listening is unreachable', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const err = await failure(run({ prompt: 'x' }, { config: { baseUrl: `http://127.0.0.1:${port}/v1` } }).done);
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('a refused parameter is a validation error naming it', async () => {
    const err = await failure(run({ prompt: 'x', checkpoint: 'dall-e-3', size: '512x512' }).done);
    expect(err).toMatchObject({ kind: 'validation', field: 'size' });
    expect(err.message).toMatch(/refused the size: Invalid value: '512x512'/);
    const q = await failure(run({ prompt: 'x', checkpoint: 'gpt-image-1', quality: 'hd' }).done);
    expect(q).toMatchObject({ kind: 'validation', field: 'quality' });
  });

  it('a blocked prompt says the service refused it (dall-e and gpt-image codes)', async () => {
    fake.behavior.imageFailure = 'content_policy';
    for (const checkpoint of ['dall-e-3', 'gpt-image-1']) {
      const err = await failure(run({ prompt: 'x', checkpoint }).done);
      expect(err.kind).toBe('backend');
      expect(err.message).toMatch(/refused the prompt/);
    }
  });

  it('an unknown model is unknown_checkpoint', async () => {
    const err = await failure(run({ prompt: 'x', checkpoint: 'dall-e-9' }).done);
    expect(err).toMatchObject({ kind: 'unknown_checkpoint', field: 'checkpoint' });
    expect(err.message).toContain('"dall-e-9"');
  });

  it('429s talk about the rate limit or the quota; 500s pass the service words on', async () => {
    fake.behavior.imageFailure = 'rate_limit';
    expect(await failure(run({ prompt: 'x' }).done)).toMatchObject({ kind: 'backend', message: /rate-limiting/ });
    fake.behavior.imageFailure = 'quota';
    expect(await failure(run({ prompt: 'x' }).done)).toMatchObject({ kind: 'backend', message: /quota is used up/ });
    fake.behavior.imageFailure = 'server_error';
    expect(await failure(run({ prompt: 'x' }).done)).toMatchObject({
      kind: 'backend',
      message: /HTTP 500: The server had an error/,
    });
    fake.behavior.imageFailure = 'drop';
    expect((await failure(run({ prompt: 'x' }).done)).kind).toBe('unreachable');
  });

  it('a service without the images API is no_api', async () => {
    const err = await failure(run({ prompt: 'x' }, { config: { baseUrl: `${fake.url}/nothing-here` } }).done);
    expect(err.kind).toBe('no_api');
  });
});

describe('options and test', () => {
  it('lists the image models (not the chat ones), gpt-image first, with its sizes and qualities', async () => {
    const client = createOpenAiImagesClient(config({ baseUrl: listing.baseUrl, apiKey: listing.apiKey }), {});
    const opts = await client.options();
    expect(opts.checkpoints.map((c) => c.name)).toEqual(['gpt-image-1', 'dall-e-3', 'dall-e-2']);
    expect(opts).toMatchObject({
      // The model used when none is chosen, and the sizes each model takes (the panel follows the choice).
      currentCheckpoint: 'gpt-image-1',
      sizesByModel: { 'dall-e-2': ['256x256', '512x512', '1024x1024'] },
      qualitiesByModel: { 'dall-e-3': ['standard', 'hd'], 'dall-e-2': [] },
      samplers: [],
      schedulers: [],
      sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'],
      qualities: ['auto', 'low', 'medium', 'high'],
      img2img: false,
    });
    expect(await client.test()).toBe('OpenAI-compatible API answers · 3 image models');
  });

  it('falls back to the usual models when the service lists none or cannot list', async () => {
    const none = createOpenAiImagesClient(config(), {});
    expect((await none.options()).checkpoints.map((c) => c.name)).toEqual(['gpt-image-1', 'dall-e-3', 'dall-e-2']);
    expect(await none.test()).toBe('OpenAI-compatible API answers · no image models listed');
    const broken = createOpenAiImagesClient(config({ baseUrl: `${fake.url}/nothing-here` }), {});
    expect((await broken.options()).checkpoints).toHaveLength(3);
  });

  it('a wrong key fails options and test as unauthorized; nothing listening fails test as unreachable', async () => {
    const bad = createOpenAiImagesClient(config({ apiKey: 'sk-nope-00000000000' }), {});
    expect((await failure(bad.options())).kind).toBe('unauthorized');
    expect((await failure(bad.test())).kind).toBe('unauthorized');
    const away = createOpenAiImagesClient(config({ baseUrl: 'http://127.0.0.1:9/v1' }), {});
    expect((await failure(away.test())).kind).toBe('unreachable');
  });

  it('knows each model family’s sizes and qualities, and which ids make images', () => {
    expect(openAiImageSizes('dall-e-2')).toEqual(['256x256', '512x512', '1024x1024']);
    expect(openAiImageSizes('dall-e-3')).toEqual(['1024x1024', '1792x1024', '1024x1792']);
    expect(openAiImageSizes('some-flux-model')).toEqual(openAiImageSizes('gpt-image-1'));
    expect(openAiImageQualities('dall-e-3')).toEqual(['standard', 'hd']);
    expect(openAiImageQualities('gpt-image-1-mini')).toEqual(['auto', 'low', 'medium', 'high']);
    expect(openAiImageQualities('dall-e-2')).toEqual([]);
    for (const id of ['gpt-image-1', 'dall-e-3', 'flux.1-schnell', 'sdxl-turbo', 'stable-diffusion-3', 'imagen-4'])
      expect(isImageModel(id), id).toBe(true);
    for (const id of ['gpt-4o-mini', 'whisper-1', 'text-embedding-3-small', 'gpt-4.1'])
      expect(isImageModel(id), id).toBe(false);
  });
});
