/**
 * The images slice against a fake client: late replies never overwrite newer state (a list read
 * before an image was added or deleted, a newer search, a generate reply after the job's events),
 * delete with Undo, the queue from job events, progress dropped once a job is over, thumbnails asked
 * for once, the form remembered per backend and reused from an image.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryImage, ImageBackendOptions, ImageBackendView, ImageJob } from '../../../../shared/types/images';

import { fake, emit, calls, resetFake } from '../../testing/fake-client';

vi.mock('../../client', async () => (await import('../../testing/fake-client')).fakeClientModule);

const { createAppStore, wireEvents } = await import('../../app/store');
let store: ReturnType<typeof createAppStore>;

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let clock = 1000;
const ver = () => `${String(++clock).padStart(13, '0')}-0000-dev`;

function image(n: number, p: Partial<GalleryImage> = {}): GalleryImage {
  return {
    id: `0190${String(n).padStart(4, '0')}-0000-7000-8000-000000000000`,
    prompt: `image ${n}`,
    negativePrompt: '',
    params: { prompt: `image ${n}` },
    backendKind: 'a1111',
    backendLabel: 'Forge',
    model: null,
    seed: n,
    info: null,
    mime: 'image/png',
    size: 100,
    width: 512,
    height: 512,
    chatId: null,
    messageId: null,
    createdAt: n * 1000,
    version: ver(),
    ...p,
  };
}

function job(id: string, p: Partial<ImageJob> = {}): ImageJob {
  return {
    id,
    backendId: 'forge',
    backendKind: 'a1111',
    backendLabel: 'Forge',
    request: { prompt: 'a cat' },
    state: 'queued',
    progress: 0,
    etaSeconds: null,
    step: null,
    steps: null,
    imageIds: [],
    error: null,
    chatId: null,
    messageId: null,
    createdAt: 1,
    startedAt: null,
    finishedAt: null,
    ...p,
  };
}

function backend(id: string, kind: ImageBackendView['kind'] = 'a1111', label = id): ImageBackendView {
  return {
    id,
    kind,
    label,
    baseUrl: 'http://127.0.0.1:7860',
    username: null,
    passwordSet: false,
    apiKeySet: false,
    secretUnreadable: false,
    fromEnv: false,
    workflows: [],
  };
}

function options(backendId: string, p: Partial<ImageBackendOptions> = {}): ImageBackendOptions {
  return {
    backendId,
    kind: 'a1111',
    checkpoints: [{ name: 'sdxl', title: 'sdxl.safetensors [abc]' }],
    currentCheckpoint: null,
    samplers: ['Euler a'],
    schedulers: [],
    sizes: [],
    qualities: [],
    workflows: [],
    img2img: true,
    ...p,
  };
}

const ids = () => store.getState().galleryImages.map((r) => r.prompt);

/** A Map-backed localStorage. */
function memoryStorage() {
  const m = new Map<string, string>();
  return {
    map: m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
  };
}
let storage: ReturnType<typeof memoryStorage>;

beforeEach(() => {
  resetFake();
  storage = memoryStorage();
  vi.stubGlobal('localStorage', storage);
  store = createAppStore();
  wireEvents(store.getState, fake.client.on as never);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('gallery: a late list never overwrites newer state', () => {
  it('a list read before an images.changed event keeps the new image (and counts it)', async () => {
    const reply = deferred<unknown>();
    fake.state.replies['images.list'] = () => reply.promise;
    const loading = store.getState().loadGallery();
    emit('images.changed', { added: [image(3)], deleted: [] });
    reply.resolve({ images: [image(2), image(1)], total: 2, asOf: '1' });
    await loading;
    expect(ids()).toEqual(['image 3', 'image 2', 'image 1']);
    expect(store.getState().galleryTotal).toBe(3);
  });

  it('a list read before a deletion leaves the deleted image out', async () => {
    const a = image(1);
    const b = image(2);
    const reply = deferred<unknown>();
    fake.state.replies['images.list'] = () => reply.promise;
    const loading = store.getState().loadGallery();
    emit('images.changed', { added: [], deleted: [{ id: b.id, version: ver() }] });
    reply.resolve({ images: [b, a], total: 2, asOf: '1' });
    await loading;
    expect(ids()).toEqual(['image 1']);
    expect(store.getState().galleryTotal).toBe(1);
  });

  it('a list that already has the image an event brought shows it once', async () => {
    const c = image(3);
    const reply = deferred<unknown>();
    fake.state.replies['images.list'] = () => reply.promise;
    const loading = store.getState().loadGallery();
    emit('images.changed', { added: [c], deleted: [] });
    reply.resolve({ images: [c, image(2)], total: 2, asOf: '1' });
    await loading;
    expect(ids()).toEqual(['image 3', 'image 2']);
    expect(store.getState().galleryTotal).toBe(2);
  });

  it('a search answered after a newer search is dropped', async () => {
    const cats = deferred<unknown>();
    fake.state.replies['images.list'] = (input: { query?: string }) =>
      input.query === 'cat' ? cats.promise : { images: [image(5, { prompt: 'a dog' })], total: 1, asOf: '2' };
    store.getState().searchGallery('cat');
    store.getState().searchGallery('dog');
    await settle();
    cats.resolve({ images: [image(4, { prompt: 'a cat' })], total: 1, asOf: '1' });
    await settle();
    expect(ids()).toEqual(['a dog']);
    expect(calls('images.list')).toEqual([
      { limit: 300, query: 'cat' },
      { limit: 300, query: 'dog' },
    ]);
  });

  it('an added image that does not match the search is not shown', async () => {
    fake.state.replies['images.list'] = { images: [image(1, { prompt: 'a red fox' })], total: 1, asOf: '1' };
    store.getState().searchGallery('fox');
    await settle();
    emit('images.changed', { added: [image(2, { prompt: 'a cat' }), image(3, { prompt: 'a FOX, red' })], deleted: [] });
    expect(ids()).toEqual(['a FOX, red', 'a red fox']);
    expect(store.getState().galleryTotal).toBe(2);
  });

  it('an older copy of an image from a late page does not replace the newer one', async () => {
    const old = image(1, { prompt: 'old words' });
    fake.state.replies['images.list'] = { images: [image(2)], total: 2, asOf: '1' };
    await store.getState().loadGallery();
    store.setState({ galleryHasMore: true });
    const newer = { ...old, prompt: 'new words', version: ver() };
    emit('images.changed', { added: [newer], deleted: [] });
    fake.state.replies['images.list'] = { images: [old], total: 2, asOf: '1' };
    await store.getState().loadMoreGallery();
    expect(ids()).toEqual(['image 2', 'new words']);
  });

  it('further pages are asked for before the last id and appended once', async () => {
    const first = Array.from({ length: 300 }, (_, i) => image(1000 - i));
    fake.state.replies['images.list'] = { images: first, total: 302, asOf: '1' };
    await store.getState().loadGallery();
    expect(store.getState().galleryHasMore).toBe(true);
    fake.state.replies['images.list'] = { images: [first[299]!, image(2), image(1)], total: 302, asOf: '2' };
    await store.getState().loadMoreGallery();
    expect(calls('images.list')[1]).toEqual({ limit: 300, before: first[299]!.id });
    expect(store.getState().galleryImages).toHaveLength(302);
    expect(store.getState().galleryHasMore).toBe(false);
  });
});

describe('gallery: delete with Undo', () => {
  it('deletes, offers Undo in a toast, and Undo restores the image where it was', async () => {
    const a = image(1);
    const b = image(2);
    fake.state.replies['images.list'] = { images: [b, a], total: 2, asOf: '1' };
    await store.getState().loadGallery();
    const deletedAt = ver();
    fake.state.replies['images.delete'] = { ok: true, version: deletedAt };
    expect(await store.getState().deleteImage(b.id)).toBe(true);
    expect(ids()).toEqual(['image 1']);
    expect(store.getState().galleryTotal).toBe(1);
    const toast = store.getState().toast!;
    expect(toast.message).toBe('Deleted “image 2”.');
    expect(toast.action?.label).toBe('Undo');

    // The deletion's own event arrives too: nothing changes twice.
    emit('images.changed', { added: [], deleted: [{ id: b.id, version: deletedAt }] });
    fake.state.replies['images.restore'] = { ...b, version: ver() };
    toast.action!.run();
    await settle();
    expect(calls('images.restore')).toEqual([{ id: b.id }]);
    expect(ids()).toEqual(['image 2', 'image 1']);
    expect(store.getState().galleryTotal).toBe(2);
  });

  it('a refused delete keeps the image and says why', async () => {
    fake.state.replies['images.list'] = { images: [image(1)], total: 1, asOf: '1' };
    await store.getState().loadGallery();
    fake.state.replies['images.delete'] = () => {
      throw new fake.ClientError('not_found', 'That image is gone.');
    };
    expect(await store.getState().deleteImage(image(1).id)).toBe(false);
    expect(ids()).toEqual(['image 1']);
    expect(store.getState().toast).toMatchObject({
      kind: 'error',
      message: 'Could not delete the image: That image is gone.',
    });
  });

  it('a late list read before the restore still shows the restored image', async () => {
    const a = image(1);
    fake.state.replies['images.list'] = { images: [a], total: 1, asOf: '1' };
    await store.getState().loadGallery();
    fake.state.replies['images.delete'] = { ok: true, version: ver() };
    await store.getState().deleteImage(a.id);
    const reply = deferred<unknown>();
    fake.state.replies['images.list'] = () => reply.promise;
    const loading = store.getState().loadGallery();
    fake.state.replies['images.restore'] = { ...a, version: ver() };
    await store.getState().restoreImage(a.id);
    reply.resolve({ images: [], total: 0, asOf: '2' });
    await loading;
    expect(ids()).toEqual(['image 1']);
    expect(store.getState().galleryTotal).toBe(1);
  });
});

describe('jobs: the queue from events and replies', () => {
  it('job events add and update jobs, newest first', () => {
    emit('images.job', job('j1', { createdAt: 1 }));
    emit('images.job', job('j2', { createdAt: 2 }));
    emit('images.job', job('j1', { createdAt: 1, state: 'running', progress: 0.2 }));
    expect(store.getState().imageJobs.map((j) => [j.id, j.state])).toEqual([
      ['j2', 'queued'],
      ['j1', 'running'],
    ]);
    emit('images.job', job('j1', { createdAt: 1, state: 'done', progress: 1, imageIds: ['i1', 'i2'] }));
    expect(store.getState().imageJobs[1]).toMatchObject({ state: 'done', imageIds: ['i1', 'i2'] });
  });

  it('a generate reply that arrives after the job started does not put it back in the queue', async () => {
    store.setState({ imageBackends: [backend('forge')], imageBackendId: 'forge', imagePrompt: 'a cat' });
    const reply = deferred<ImageJob>();
    fake.state.replies['images.generate'] = () => reply.promise;
    const generating = store.getState().generateImage();
    emit('images.job', job('j1', { state: 'running', progress: 0.5 }));
    reply.resolve(job('j1'));
    expect(await generating).toBe(true);
    expect(store.getState().imageJobs).toMatchObject([{ id: 'j1', state: 'running', progress: 0.5 }]);
  });

  it('a late images.jobs does not undo a finished job', async () => {
    const reply = deferred<unknown>();
    fake.state.replies['images.jobs'] = () => reply.promise;
    const loading = store.getState().loadImageJobs();
    emit('images.job', job('j1', { state: 'error', error: { kind: 'out_of_memory', message: 'Out of memory.' } }));
    reply.resolve({ jobs: [job('j1', { state: 'running' }), job('j0', { state: 'done', createdAt: 0 })] });
    await loading;
    expect(store.getState().imageJobs.map((j) => [j.id, j.state])).toEqual([
      ['j1', 'error'],
      ['j0', 'done'],
    ]);
  });

  it('cancel and retry call the app and take its answer', async () => {
    emit('images.job', job('j1', { state: 'running' }));
    fake.state.replies['images.cancel'] = job('j1', { state: 'interrupted', imageIds: ['i1'] });
    await store.getState().cancelImageJob('j1');
    expect(calls('images.cancel')).toEqual([{ jobId: 'j1' }]);
    expect(store.getState().imageJobs[0]).toMatchObject({ state: 'interrupted', imageIds: ['i1'] });
    fake.state.replies['images.retry'] = job('j2', { createdAt: 5 });
    await store.getState().retryImageJob('j1');
    expect(store.getState().imageJobs.map((j) => j.id)).toEqual(['j2', 'j1']);
  });

  it('clearing finished jobs keeps running ones, and late events leave the cleared off', () => {
    emit('images.job', job('j1', { state: 'done', imageIds: ['a'] }));
    emit('images.job', job('j2', { state: 'running', createdAt: 2 }));
    store.getState().clearFinishedJobs();
    expect(store.getState().imageJobs.map((j) => j.id)).toEqual(['j2']);
    emit('images.job', job('j1', { state: 'done', imageIds: ['a', 'b'] }));
    expect(store.getState().imageJobs.map((j) => j.id)).toEqual(['j2']);
  });
});

describe('jobs: progress', () => {
  const progress = (jobId: string, p: number, preview?: string) => ({
    jobId,
    progress: p,
    etaSeconds: 6,
    step: Math.round(p * 20),
    steps: 20,
    ...(preview ? { preview } : {}),
  });

  it('progress of a running job is kept (with its last preview) and dropped when the job ends', () => {
    emit('images.job', job('j1', { state: 'running' }));
    emit('images.progress', progress('j1', 0.25, 'data:image/jpeg;base64,AAA'));
    emit('images.progress', progress('j1', 0.5));
    expect(store.getState().imageProgress.j1).toEqual({
      progress: 0.5,
      etaSeconds: 6,
      step: 10,
      steps: 20,
      preview: 'data:image/jpeg;base64,AAA',
    });
    emit('images.job', job('j1', { state: 'done', imageIds: ['i'] }));
    expect(store.getState().imageProgress.j1).toBeUndefined();
    emit('images.progress', progress('j1', 0.9));
    expect(store.getState().imageProgress.j1).toBeUndefined();
  });

  it('progress for a job not known yet is kept until the job is known to be over, then ignored', () => {
    emit('images.progress', progress('j9', 0.1));
    expect(store.getState().imageProgress.j9?.progress).toBe(0.1);
    emit('images.job', job('j9', { state: 'cancelled' }));
    expect(store.getState().imageProgress.j9).toBeUndefined();
    emit('images.progress', progress('j9', 0.2));
    expect(store.getState().imageProgress.j9).toBeUndefined();
  });
});

describe('thumbnails', () => {
  it('are asked for once, in batches of at most 200; a missing one is read full size', async () => {
    const all = Array.from({ length: 250 }, (_, i) => image(i + 1));
    fake.state.replies['images.thumbs'] = ({ ids }: { ids: string[] }) => ({
      thumbs: ids.map((id) => ({ id, dataUrl: id === all[0]!.id ? null : `data:image/jpeg;base64,${id}` })),
    });
    fake.state.replies['images.get'] = ({ id }: { id: string }) => ({ image: all[0], dataUrl: `data:full,${id}` });
    const s = store.getState();
    s.requestThumbs(all.map((r) => r.id));
    s.requestThumbs(all.slice(0, 10).map((r) => r.id)); // on their way: not asked again
    await settle();
    expect(calls('images.thumbs').map((c) => (c as { ids: string[] }).ids.length)).toEqual([200, 50]);
    expect(calls('images.get')).toEqual([{ id: all[0]!.id }]);
    const cache = store.getState().imageThumbs;
    expect(cache.peek(all[0]!.id)).toBe(`data:full,${all[0]!.id}`);
    expect(cache.peek(all[1]!.id)).toBe(`data:image/jpeg;base64,${all[1]!.id}`);
    s.requestThumbs(all.slice(0, 20).map((r) => r.id)); // held: not asked again
    await settle();
    expect(calls('images.thumbs')).toHaveLength(2);
    expect(store.getState().imageThumbsTick).toBeGreaterThan(0);
  });

  it('a failed batch may be asked for again', async () => {
    fake.state.replies['images.thumbs'] = () => {
      throw new fake.ClientError('backend_unreachable', 'down');
    };
    store.getState().requestThumbs([image(1).id]);
    await settle();
    fake.state.replies['images.thumbs'] = { thumbs: [{ id: image(1).id, dataUrl: 'data:x' }] };
    store.getState().requestThumbs([image(1).id]);
    await settle();
    expect(calls('images.thumbs')).toHaveLength(2);
    expect(store.getState().imageThumbs.peek(image(1).id)).toBe('data:x');
  });
});

describe('form: backends, parameters, generate, reuse', () => {
  it('picks the backend used last, and remembers the parameters per backend', async () => {
    storage.setItem('hearth.images.lastBackend', 'comfy');
    storage.setItem('hearth.images.params.comfy', JSON.stringify({ steps: 33, width: 1001, cfgScale: 'x' }));
    storage.setItem('hearth.images.params.forge', '{not json');
    fake.state.replies['images.backends'] = { backends: [backend('forge'), backend('comfy', 'comfyui')] };
    fake.state.replies['images.options'] = ({ backendId }: { backendId: string }) => options(backendId);
    await store.getState().loadImageBackends();
    let s = store.getState();
    expect(s.imageBackendId).toBe('comfy');
    // 33 is valid; 1001 is not a multiple of 8 and 'x' is not a number: their defaults.
    expect(s.imageParams).toMatchObject({ steps: 33, width: 512, cfgScale: 7 });
    s.setImageParams({ steps: 12 });
    expect(JSON.parse(storage.getItem('hearth.images.params.comfy')!)).toMatchObject({ steps: 12 });
    s.selectImageBackend('forge');
    s = store.getState();
    expect(s.imageParams.steps).toBe(25); // the corrupt value was ignored
    expect(storage.getItem('hearth.images.lastBackend')).toBe('forge');
    await settle();
    expect(calls('images.options')).toEqual([{ backendId: 'comfy' }, { backendId: 'forge' }]);
  });

  it('an options reply for an older request is dropped', async () => {
    const first = deferred<ImageBackendOptions>();
    let n = 0;
    fake.state.replies['images.options'] = () => (++n === 1 ? first.promise : options('forge', { samplers: ['new'] }));
    const a = store.getState().loadImageOptions('forge');
    await store.getState().loadImageOptions('forge', true);
    first.resolve(options('forge', { samplers: ['old'] }));
    await a;
    expect(store.getState().imageOptions.forge?.options?.samplers).toEqual(['new']);
  });

  it('generate sends the request the panel describes; a problem is said before anything is sent', async () => {
    store.setState({ imageBackends: [backend('forge')], imageBackendId: 'forge' });
    expect(await store.getState().generateImage()).toBe(false);
    expect(store.getState().imageFormError).toMatchObject({ field: 'prompt' });
    store.getState().setImagePrompt('  a lighthouse  ');
    expect(store.getState().imageFormError).toBeNull();
    store.getState().setImageParams({ width: 500 });
    expect(await store.getState().generateImage()).toBe(false);
    expect(store.getState().imageFormError).toEqual({
      field: 'width',
      message: 'Width must be a multiple of 8 from 64 to 4096.',
    });
    expect(calls('images.generate')).toHaveLength(0);
    store.getState().setImageParams({ width: 832, seed: 42, randomSeed: false, sampler: 'Euler a' });
    fake.state.replies['images.generate'] = job('j1');
    expect(await store.getState().generateImage()).toBe(true);
    expect(calls('images.generate')).toEqual([
      {
        backendId: 'forge',
        request: {
          prompt: 'a lighthouse',
          batchSize: 1,
          steps: 25,
          cfgScale: 7,
          width: 832,
          height: 512,
          sampler: 'Euler a',
          seed: 42,
        },
      },
    ]);
    expect(store.getState().imageJobs.map((j) => j.id)).toEqual(['j1']);
  });

  it('a refusal by the contract names the field in words', async () => {
    store.setState({ imageBackends: [backend('forge')], imageBackendId: 'forge', imagePrompt: 'x' });
    fake.state.replies['images.generate'] = () => {
      throw new fake.ClientError('invalid_input', 'Invalid input for images.generate: request.cfgScale: Too big');
    };
    expect(await store.getState().generateImage()).toBe(false);
    expect(store.getState().imageFormError).toEqual({ field: 'cfgScale', message: 'CFG scale: Too big' });
    expect(store.getState().imageSubmitting).toBe(false);
  });

  it('without a backend Generate says where to add one', async () => {
    store.setState({ imagePrompt: 'x' });
    expect(await store.getState().generateImage()).toBe(false);
    expect(store.getState().imageFormError?.message).toMatch(/Settings → Image generation/);
  });

  it('reuse fills prompt, parameters and the fixed seed, switching to a backend of the image’s kind', () => {
    store.setState({ imageBackends: [backend('oai', 'openai'), backend('forge')], imageBackendId: 'oai' });
    const img = image(7, {
      prompt: 'a fox',
      negativePrompt: 'blurry',
      params: { prompt: 'a fox', steps: 30, cfgScale: 5.5, width: 832, height: 1216, seed: -1, sampler: 'DPM++ 2M' },
      seed: 123456,
    });
    store.getState().reuseImageParams(img);
    const s = store.getState();
    expect(s.imageBackendId).toBe('forge');
    expect(s.imagePrompt).toBe('a fox');
    expect(s.imageParams).toMatchObject({
      negativePrompt: 'blurry',
      steps: 30,
      cfgScale: 5.5,
      width: 832,
      height: 1216,
      sampler: 'DPM++ 2M',
      seed: 123456,
      randomSeed: false,
    });
    expect(s.imageFormFilled).toBe(1);
    expect(JSON.parse(storage.getItem('hearth.images.params.forge')!)).toMatchObject({ seed: 123456 });
  });
});

describe('app commands', () => {
  it("'open-images' opens the Images page", () => {
    emit('app.command', { command: 'open-images' });
    expect(store.getState().view).toBe('images');
  });
});
