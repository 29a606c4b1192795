import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeComfyColour, startFakeComfyUI, type FakeComfyUI } from '../../../e2e/support/fake-comfyui';
import type { ComfyWorkflow } from '../../../shared/types/images';
import { ImageBackendError, type BackendProgress, type GenerateHooks } from './backend';
import { createComfyClient } from './comfy-client';
import { DEFAULT_COMFY_WORKFLOW, detectMapping } from './comfy-workflow';

let fake: FakeComfyUI;
beforeAll(async () => {
  fake = await startFakeComfyUI();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.behavior.stepDelayMs = 5;
});

const client = (opts: Parameters<typeof createComfyClient>[1] = {}) =>
  createComfyClient({ id: 'comfy', label: 'ComfyUI', baseUrl: `${fake.url}/` }, opts);

function hooks(extra: Partial<GenerateHooks> = {}) {
  const progress: BackendProgress[] = [];
  const controller = new AbortController();
  return {
    progress,
    controller,
    hooks: { signal: controller.signal, onProgress: (p: BackendProgress) => progress.push(p), ...extra },
  };
}

async function refusal(p: Promise<unknown>): Promise<ImageBackendError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageBackendError);
  return err as ImageBackendError;
}

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const colourOf = (data: Buffer) => {
  const png = PNG.sync.read(data);
  return [png.data[0], png.data[1], png.data[2]];
};

const posts = (path: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === path);

/** A hires-fix graph: the first pass is saved ("10") before the second pass ("20") runs. */
const twoPass: ComfyWorkflow = {
  id: 'two-pass',
  name: 'Two passes',
  workflow: {
    m: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
    p: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['m', 1] } },
    n: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['m', 1] } },
    l: { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    s1: {
      class_type: 'KSampler',
      inputs: {
        ...DEFAULT_COMFY_WORKFLOW.workflow['3']!.inputs,
        steps: 4,
        model: ['m', 0],
        positive: ['p', 0],
        negative: ['n', 0],
        latent_image: ['l', 0],
      },
    },
    d1: { class_type: 'VAEDecode', inputs: { samples: ['s1', 0], vae: ['m', 2] } },
    '10': { class_type: 'SaveImage', inputs: { images: ['d1', 0], filename_prefix: 'first' } },
    up: {
      class_type: 'LatentUpscale',
      inputs: { samples: ['s1', 0], upscale_method: 'bilinear', width: 96, height: 96, crop: 'disabled' },
    },
    s2: {
      class_type: 'KSampler',
      inputs: {
        ...DEFAULT_COMFY_WORKFLOW.workflow['3']!.inputs,
        steps: 200,
        denoise: 0.5,
        model: ['m', 0],
        positive: ['p', 0],
        negative: ['n', 0],
        latent_image: ['up', 0],
      },
    },
    d2: { class_type: 'VAEDecode', inputs: { samples: ['s2', 0], vae: ['m', 2] } },
    '20': { class_type: 'SaveImage', inputs: { images: ['d2', 0], filename_prefix: 'second' } },
  },
  mapping: { prompt: 'p.text' },
};
twoPass.mapping = detectMapping(twoPass.workflow).mapping as ComfyWorkflow['mapping'];

describe('ComfyUI client: test and options', () => {
  it('describes the server: version and GPU', async () => {
    expect(await client().test()).toBe('ComfyUI 0.3.62 · NVIDIA GeForce RTX 4090');
  });

  it('lists checkpoints, samplers and schedulers from /object_info', async () => {
    const o = await client().options();
    expect(o.checkpoints).toEqual([
      { name: 'v1-5-pruned-emaonly.safetensors', title: 'v1-5-pruned-emaonly' },
      { name: 'sd_xl_base_1.0.safetensors', title: 'sd_xl_base_1.0' },
      { name: 'SDXL/juggernautXL_v9.safetensors', title: 'SDXL/juggernautXL_v9' },
    ]);
    expect(o.samplers).toContain('dpmpp_2m');
    expect(o.schedulers).toContain('karras');
    expect(o).toMatchObject({ currentCheckpoint: null, sizes: [], qualities: [], img2img: false });
  });

  it("says it can't reach ComfyUI when nothing listens", async () => {
    const gone = await startFakeComfyUI();
    const url = gone.url;
    await gone.close();
    const c = createComfyClient({ id: 'c', label: 'c', baseUrl: url });
    const e = await refusal(c.test());
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe(
      `Can't reach ComfyUI at ${url}. Is it running? Start it with --listen if it is on another machine.`,
    );
    expect((await refusal(c.generate({ prompt: 'x' }, hooks().hooks))).kind).toBe('unreachable');
  });
});

describe('ComfyUI client: generate', () => {
  it('runs the built-in workflow: socket first, progress with previews, the saved PNG and its seed', async () => {
    const h = hooks();
    const result = await client().generate(
      { prompt: 'a red fox', negativePrompt: 'blurry', steps: 6, width: 64, height: 48, seed: 1234 },
      h.hooks,
    );
    expect(result.interrupted).toBe(false);
    expect(result.model).toBe('v1-5-pruned-emaonly.safetensors');
    expect(result.images).toHaveLength(1);
    const [img] = result.images;
    expect(img).toMatchObject({ mime: 'image/png', seed: 1234, width: 64, height: 48 });
    expect(colourOf(img!.data)).toEqual(fakeComfyColour(1234));

    const sent = fake.prompts[0]!;
    expect(sent.prompt['6']!.inputs.text).toBe('a red fox');
    expect(sent.prompt['7']!.inputs.text).toBe('blurry');
    expect(sent.prompt['3']!.inputs).toMatchObject({ seed: 1234, steps: 6 });
    expect(sent.prompt['5']!.inputs).toMatchObject({ width: 64, height: 48, batch_size: 1 });
    const ws = fake.requests.findIndex((r) => r.path === '/ws');
    const queued = fake.requests.findIndex((r) => r.method === 'POST' && r.path === '/prompt');
    expect(ws).toBeGreaterThanOrEqual(0);
    expect(ws).toBeLessThan(queued);
    expect(fake.requests[ws]!.query.clientId).toBe(sent.clientId);
    expect(result.info).toEqual({
      promptId: sent.promptId,
      outputs: { '9': ['Hearth_00001_.png'] },
      workflowId: 'default',
    });
    expect(fake.requests.some((r) => r.path === '/view' && r.query.type === 'output')).toBe(true);

    const steps = h.progress.filter((p) => p.step !== null && !p.preview);
    expect(steps.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps.every((p) => p.steps === 6)).toBe(true);
    const fractions = h.progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(steps.at(-1)!.fraction).toBeCloseTo(0.99);
    expect(steps.some((p) => p.etaSeconds !== null)).toBe(true);
    const previews = h.progress.filter((p) => p.preview);
    expect(previews.length).toBe(6);
    expect(previews[0]!.preview!.mime).toBe('image/jpeg');
    expect([...previews[0]!.preview!.data.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    await until(() => fake.openConnections() === 0);
  });

  it('draws a seed when none is asked and returns every image of a batch', async () => {
    const result = await client().generate(
      { prompt: 'boats', steps: 2, width: 64, height: 64, batchSize: 2 },
      hooks().hooks,
    );
    const seed = fake.prompts[0]!.prompt['3']!.inputs.seed as number;
    expect(Number.isInteger(seed)).toBe(true);
    expect(result.images.map((i) => i.seed)).toEqual([seed, seed]);
    expect(result.images.map((i) => colourOf(i.data))).toEqual([fakeComfyColour(seed, 0), fakeComfyColour(seed, 1)]);
    expect(result.info).toMatchObject({ outputs: { '9': ['Hearth_00001_.png', 'Hearth_00002_.png'] } });
  });

  it("applies a user workflow's mapping to its own node ids", async () => {
    const result = await client().generate(
      {
        prompt: 'a castle',
        negativePrompt: 'fog',
        steps: 3,
        cfgScale: 5,
        width: 72,
        height: 64,
        seed: 99,
        sampler: 'heun',
      },
      hooks({
        workflow: {
          ...twoPass,
          workflow: {
            ...twoPass.workflow,
            s2: { ...twoPass.workflow.s2!, inputs: { ...twoPass.workflow.s2!.inputs, steps: 2 } },
          },
        },
      }).hooks,
    );
    const sent = fake.prompts[0]!.prompt;
    expect(sent.p!.inputs.text).toBe('a castle');
    expect(sent.n!.inputs.text).toBe('fog');
    expect(sent.s1!.inputs).toMatchObject({ seed: 99, steps: 3, cfg: 5, sampler_name: 'heun' });
    expect(sent.s2!.inputs).toMatchObject({ steps: 2, sampler_name: 'euler' });
    expect(sent.l!.inputs).toMatchObject({ width: 72, height: 64 });
    expect(result.model).toBe('sd_xl_base_1.0.safetensors');
    expect(result.info).toMatchObject({
      workflowId: 'two-pass',
      outputs: { '10': ['first_00001_.png'], '20': ['second_00001_.png'] },
    });
    expect(result.images.map((i) => [i.width, i.height])).toEqual([
      [72, 64],
      [96, 96],
    ]);
  });

  it('refuses a workflow whose node types ComfyUI lacks, before queueing it', async () => {
    fake.behavior.missingNodeTypes = ['LatentUpscale'];
    const e = await refusal(client().generate({ prompt: 'x' }, hooks({ workflow: twoPass }).hooks));
    expect(e.kind).toBe('missing_node');
    expect(e.message).toContain('"LatentUpscale"');
    expect(e.message).toContain('ComfyUI-Manager');
    expect(e.message).toContain('choose another workflow');
    expect(posts('/prompt')).toHaveLength(0);
    expect(fake.requests.some((r) => r.path === '/ws')).toBe(false);
  });

  it("refuses a workflow in ComfyUI's UI format with the way to export it", async () => {
    const ui = { nodes: [], links: [] } as unknown as ComfyWorkflow['workflow'];
    const e = await refusal(
      client().generate({ prompt: 'x' }, hooks({ workflow: { ...twoPass, workflow: ui } }).hooks),
    );
    expect(e.kind).toBe('validation');
    expect(e.message).toContain("export it with 'Export (API)'");
  });

  it("names a checkpoint ComfyUI doesn't have, and another refused value with its field", async () => {
    let e = await refusal(client().generate({ prompt: 'x', checkpoint: 'gone.safetensors' }, hooks().hooks));
    expect(e.kind).toBe('unknown_checkpoint');
    expect(e.field).toBe('checkpoint');
    expect(e.message).toContain('"gone.safetensors"');
    e = await refusal(client().generate({ prompt: 'x', sampler: 'warp_drive' }, hooks().hooks));
    expect(e.kind).toBe('validation');
    expect(e.field).toBe('sampler');
    expect(e.message).toContain('sampler_name');
    expect(e.message).toContain('Value not in list');
    await until(() => fake.openConnections() === 0);
  });

  it('names a node type ComfyUI refuses at queueing time (it went missing after the check)', async () => {
    const c = client({
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (String(url).endsWith('/object_info')) fake.behavior.missingNodeTypes = ['SaveImage'];
        return res;
      },
    });
    const e = await refusal(c.generate({ prompt: 'x' }, hooks().hooks));
    expect(e.kind).toBe('missing_node');
    expect(e.message).toContain('"SaveImage"');
    expect(e.message).toContain('ComfyUI-Manager');
    await until(() => fake.openConnections() === 0);
  });

  it('reconnects when the socket drops mid-job and still gets the image', async () => {
    const h = hooks();
    const job = client().generate({ prompt: 'x', steps: 30, width: 64, height: 64, seed: 3 }, h.hooks);
    await until(() => h.progress.some((p) => (p.step ?? 0) >= 2));
    fake.dropConnections();
    const result = await job;
    expect(result.interrupted).toBe(false);
    expect(result.images.map((i) => colourOf(i.data))).toEqual([fakeComfyColour(3)]);
    expect(new Set(fake.connections).size).toBe(1);
    expect(fake.connections.length).toBe(2);
  });

  it('reports running out of GPU memory', async () => {
    fake.behavior.failWith = 'oom';
    const e = await refusal(client().generate({ prompt: 'x', steps: 4, width: 64, height: 64 }, hooks().hooks));
    expect(e.kind).toBe('out_of_memory');
    expect(e.message).toContain('KSampler');
    fake.behavior.failWith = 'error';
    const b = await refusal(client().generate({ prompt: 'x', steps: 4, width: 64, height: 64 }, hooks().hooks));
    expect(b.kind).toBe('backend');
    expect(b.message).toContain('RuntimeError');
  });
});

describe('ComfyUI client: cancel', () => {
  it('interrupts a running job and keeps the image finished before', async () => {
    const h = hooks({ workflow: twoPass });
    const job = client().generate({ prompt: 'x', seed: 7 }, h.hooks);
    await until(() => h.progress.some((p) => p.steps === 200 && (p.step ?? 0) >= 2));
    h.controller.abort();
    const result = await job;
    expect(result.interrupted).toBe(true);
    expect(result.images).toHaveLength(1);
    expect(colourOf(result.images[0]!.data)).toEqual(fakeComfyColour(7));
    expect(result.info).toMatchObject({ outputs: { '10': ['first_00001_.png'] } });
    expect(posts('/interrupt').map((r) => r.body)).toEqual([{ prompt_id: fake.prompts[0]!.promptId }]);
    await until(() => fake.openConnections() === 0);
  });

  it('interrupts a job with nothing finished yet: no images, no error', async () => {
    const h = hooks();
    const job = client().generate({ prompt: 'x', steps: 500, width: 64, height: 64 }, h.hooks);
    await until(() => h.progress.some((p) => p.step !== null));
    h.controller.abort();
    const result = await job;
    expect(result).toMatchObject({ images: [], interrupted: true });
  });

  it('drops a job still waiting in the queue', async () => {
    fake.behavior.holdQueue = true;
    const h = hooks();
    const job = client().generate({ prompt: 'x' }, h.hooks);
    await until(() => fake.prompts.length === 1);
    h.controller.abort();
    const result = await job;
    expect(result).toMatchObject({ images: [], interrupted: true });
    expect(posts('/queue').map((r) => r.body)).toEqual([{ delete: [fake.prompts[0]!.promptId] }]);
    expect(posts('/interrupt')).toHaveLength(0);
    const q = (await (await fetch(`${fake.url}/queue`)).json()) as { queue_pending: unknown[] };
    expect(q.queue_pending).toEqual([]);
    await until(() => fake.openConnections() === 0);
  });

  it('gives up on a job that makes no progress', async () => {
    fake.behavior.holdQueue = true;
    const e = await refusal(client({ idleTimeoutMs: 150 }).generate({ prompt: 'x' }, hooks().hooks));
    expect(e.kind).toBe('backend');
    expect(e.message).toContain('made no progress');
    await until(() => posts('/queue').length === 1);
    await until(() => fake.openConnections() === 0);
  });
});
