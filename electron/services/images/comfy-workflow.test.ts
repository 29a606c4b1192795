import { describe, expect, it } from 'vitest';
import { ImageBackendError } from './backend';
import {
  DEFAULT_COMFY_WORKFLOW,
  applyRequest,
  checkpointOf,
  detectMapping,
  findSamplers,
  validateWorkflowShape,
  type ComfyGraph,
} from './comfy-workflow';

/** The default graph with other node ids, a LoRA between loader and sampler, and a hires-fix second pass. */
const renumbered: ComfyGraph = {
  ckpt: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
  lora: {
    class_type: 'LoraLoader',
    inputs: {
      model: ['ckpt', 0],
      clip: ['ckpt', 1],
      lora_name: 'detail.safetensors',
      strength_model: 1,
      strength_clip: 1,
    },
  },
  '21': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['lora', 1] } },
  '22': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['lora', 1] } },
  '30': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 768, batch_size: 1 } },
  '40': {
    class_type: 'KSampler',
    inputs: {
      model: ['lora', 0],
      seed: 5,
      steps: 12,
      cfg: 4,
      sampler_name: 'euler',
      scheduler: 'karras',
      positive: ['21', 0],
      negative: ['22', 0],
      latent_image: ['41', 0],
      denoise: 0.5,
    },
  },
  '41': {
    class_type: 'LatentUpscale',
    inputs: { samples: ['50', 0], upscale_method: 'bilinear', width: 1536, height: 1152, crop: 'disabled' },
  },
  '50': {
    class_type: 'KSampler',
    inputs: {
      model: ['lora', 0],
      seed: 1,
      steps: 25,
      cfg: 6.5,
      sampler_name: 'dpmpp_2m',
      scheduler: 'normal',
      positive: ['21', 0],
      negative: ['22', 0],
      latent_image: ['30', 0],
      denoise: 1,
    },
  },
  '60': { class_type: 'VAEDecode', inputs: { samples: ['40', 0], vae: ['ckpt', 2] } },
  '70': { class_type: 'SaveImage', inputs: { images: ['60', 0], filename_prefix: 'hires' } },
};

/** A Flux-style graph: SamplerCustomAdvanced and its parts, FluxGuidance, a seed from a primitive node. */
const flux: ComfyGraph = {
  unet: { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } },
  clip: {
    class_type: 'DualCLIPLoader',
    inputs: { clip_name1: 't5xxl.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' },
  },
  text: { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse', clip: ['clip', 0] } },
  guidance: { class_type: 'FluxGuidance', inputs: { conditioning: ['text', 0], guidance: 3.5 } },
  guider: { class_type: 'BasicGuider', inputs: { model: ['unet', 0], conditioning: ['guidance', 0] } },
  seed: { class_type: 'PrimitiveInt', inputs: { value: 42 } },
  noise: { class_type: 'RandomNoise', inputs: { noise_seed: ['seed', 0] } },
  select: { class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } },
  sched: { class_type: 'BasicScheduler', inputs: { model: ['unet', 0], scheduler: 'simple', steps: 28, denoise: 1 } },
  latent: { class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
  sample: {
    class_type: 'SamplerCustomAdvanced',
    inputs: {
      noise: ['noise', 0],
      guider: ['guider', 0],
      sampler: ['select', 0],
      sigmas: ['sched', 0],
      latent_image: ['latent', 0],
    },
  },
  vae: { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
  decode: { class_type: 'VAEDecode', inputs: { samples: ['sample', 0], vae: ['vae', 0] } },
  save: { class_type: 'SaveImage', inputs: { images: ['decode', 0], filename_prefix: 'flux' } },
};

function refusal(fn: () => unknown): ImageBackendError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImageBackendError);
    return err as ImageBackendError;
  }
  throw new Error('expected a refusal');
}

describe('detectMapping', () => {
  it('finds every parameter of the built-in graph', () => {
    const { mapping, nodes } = detectMapping(DEFAULT_COMFY_WORKFLOW.workflow);
    expect(mapping).toEqual(DEFAULT_COMFY_WORKFLOW.mapping);
    expect(nodes.map((n) => n.id)).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    // Only plain values are offered: links (model, positive…) are not.
    expect(nodes.find((n) => n.id === '3')).toEqual({
      id: '3',
      classType: 'KSampler',
      inputs: ['seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise'],
    });
  });

  it('follows the links of a graph with other ids to the first-pass sampler, through a LoRA', () => {
    const { mapping } = detectMapping(renumbered);
    expect(mapping).toEqual({
      prompt: '21.text',
      negativePrompt: '22.text',
      seed: '50.seed',
      steps: '50.steps',
      cfgScale: '50.cfg',
      sampler: '50.sampler_name',
      scheduler: '50.scheduler',
      width: '30.width',
      height: '30.height',
      batchSize: '30.batch_size',
      checkpoint: 'ckpt.ckpt_name',
    });
    expect(findSamplers(renumbered)).toEqual(['50', '40']);
  });

  it("maps SamplerCustomAdvanced's parts, a prompt behind FluxGuidance and a seed from a primitive node", () => {
    const { mapping } = detectMapping(flux);
    expect(mapping).toEqual({
      prompt: 'text.text',
      seed: 'seed.value',
      steps: 'sched.steps',
      sampler: 'select.sampler_name',
      scheduler: 'sched.scheduler',
      width: 'latent.width',
      height: 'latent.height',
      batchSize: 'latent.batch_size',
    });
  });
});

describe('applyRequest', () => {
  const mapping = DEFAULT_COMFY_WORKFLOW.mapping;

  it('sets the mapped inputs on a copy and keeps the rest', () => {
    const { prompt, seed } = applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, mapping, {
      prompt: 'a red fox',
      negativePrompt: 'text, watermark',
      steps: 8,
      cfgScale: 5.5,
      width: 640,
      height: 384,
      sampler: 'dpmpp_2m',
      scheduler: 'karras',
      batchSize: 2,
      seed: 1234,
      checkpoint: 'sd_xl_base_1.0.safetensors',
    });
    expect(seed).toBe(1234);
    expect(prompt['6']!.inputs.text).toBe('a red fox');
    expect(prompt['7']!.inputs.text).toBe('text, watermark');
    expect(prompt['3']!.inputs).toMatchObject({
      seed: 1234,
      steps: 8,
      cfg: 5.5,
      sampler_name: 'dpmpp_2m',
      scheduler: 'karras',
    });
    expect(prompt['5']!.inputs).toEqual({ width: 640, height: 384, batch_size: 2 });
    expect(prompt['4']!.inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');
    expect(prompt['3']!.inputs.model).toEqual(['4', 0]);
    expect(checkpointOf(prompt, mapping)).toBe('sd_xl_base_1.0.safetensors');
    // The built-in workflow itself is untouched.
    expect(DEFAULT_COMFY_WORKFLOW.workflow['6']!.inputs.text).toBe('');
    expect(DEFAULT_COMFY_WORKFLOW.workflow['5']!.inputs.width).toBe(512);
  });

  it('draws a random seed when none or -1 is asked, and keeps unasked values', () => {
    const seeds = new Set<number>();
    for (const s of [undefined, -1, undefined, -1]) {
      const { prompt, seed } = applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, mapping, { prompt: 'x', seed: s });
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed!).toBeGreaterThanOrEqual(0);
      expect(seed!).toBeLessThanOrEqual(2 ** 50);
      expect(prompt['3']!.inputs.seed).toBe(seed);
      expect(prompt['3']!.inputs.steps).toBe(20);
      seeds.add(seed!);
    }
    expect(seeds.size).toBeGreaterThan(1);
    expect(applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, mapping, { prompt: 'x', seed: 0 }).seed).toBe(0);
  });

  it('writes into the primitive node a seed is linked from, and reports no seed when none is mapped', () => {
    const { mapping: detected } = detectMapping(flux);
    const { prompt, seed } = applyRequest(flux, detected as typeof mapping, { prompt: 'a ship', seed: 77, steps: 4 });
    expect(seed).toBe(77);
    expect(prompt.seed!.inputs.value).toBe(77);
    expect(prompt.noise!.inputs.noise_seed).toEqual(['seed', 0]);
    expect(prompt.sched!.inputs.steps).toBe(4);
    expect(applyRequest(flux, { prompt: 'text.text' }, { prompt: 'a ship', seed: 5 }).seed).toBeNull();
  });

  it('names a mapping that points to a node or input the graph does not have', () => {
    let e = refusal(() =>
      applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, { ...mapping, steps: '99.steps' }, { prompt: 'x' }),
    );
    expect(e.kind).toBe('validation');
    expect(e.message).toContain('"99.steps"');
    expect(e.message).toContain('no node "99"');
    expect(e.field).toBe('steps');
    e = refusal(() =>
      applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, { ...mapping, cfgScale: '3.guidance' }, { prompt: 'x' }),
    );
    expect(e.message).toContain('has no input "guidance"');
    e = refusal(() =>
      applyRequest(DEFAULT_COMFY_WORKFLOW.workflow, { ...mapping, prompt: '3.positive' }, { prompt: 'x' }),
    );
    expect(e.message).toContain('connected to another node');
  });
});

describe('validateWorkflowShape', () => {
  it("refuses ComfyUI's UI format with the way to export the API format", () => {
    const ui = {
      last_node_id: 9,
      last_link_id: 9,
      nodes: [{ id: 3, type: 'KSampler' }],
      links: [[1, 4, 0, 3, 0, 'MODEL']],
      version: 0.4,
    };
    const e = refusal(() => validateWorkflowShape(ui));
    expect(e.kind).toBe('validation');
    expect(e.message).toBe(
      "This is ComfyUI's UI format; export it with 'Export (API)' (enable dev mode options in older versions).",
    );
  });

  it('names a node without class_type and a link to a node that is not there; accepts JSON text', () => {
    expect(refusal(() => validateWorkflowShape({ '1': { inputs: {} } })).message).toContain(
      'Node "1" has no class_type',
    );
    expect(
      refusal(() => validateWorkflowShape({ '1': { class_type: 'VAEDecode', inputs: { samples: ['7', 0] } } })).message,
    ).toContain('to node "7", which is not in the workflow');
    expect(refusal(() => validateWorkflowShape({})).message).toContain('no nodes');
    expect(Object.keys(validateWorkflowShape(JSON.stringify(DEFAULT_COMFY_WORKFLOW.workflow)))).toHaveLength(7);
  });
});
