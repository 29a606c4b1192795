/**
 * A test server for ComfyUI, faithful to its HTTP + WebSocket API (server.py, execution.py, main.py):
 * `GET /system_stats`, `/object_info[/{class}]`, `POST /prompt` (validated like validate_prompt:
 * 400 `missing_node_type`, `prompt_no_outputs`, `prompt_outputs_failed_validation` with per-node
 * `value_not_in_list` / `required_input_missing` / min-max errors), `GET|POST /queue`, `POST /interrupt`
 * (optionally for one prompt_id), `/history[/{id}]`, `/view` (real PNGs whose colour comes from the
 * seed) and `/ws?clientId=`: status, execution_start, execution_cached, executing per node, progress
 * (+ progress_state) per sampler step with binary JPEG preview frames, executed for output nodes,
 * execution_success / execution_error / execution_interrupted, then executing {node: null}. Every
 * route also answers under /api. Tests steer it through `behavior`. Loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PNG } from 'pngjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenOnLoopback, readBody, sleep } from './http-util';

type Graph = Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }>;
type InputSpec = [unknown, Record<string, unknown>?];

export interface FakeComfyBehavior {
  /** Delay per sampler step (a progress message and a preview frame each). */
  stepDelayMs: number;
  /** Delay for every other node. */
  nodeDelayMs: number;
  /** 'oom': the sampler fails with torch.OutOfMemoryError after its first step; 'error': a RuntimeError. */
  failWith: 'oom' | 'error' | null;
  /** Node types this ComfyUI does not have (left out of /object_info; /prompt refuses them). */
  missingNodeTypes: string[];
  /** models/checkpoints (the ckpt_name list). */
  checkpoints: string[];
  /** Send binary preview frames during sampling. */
  previews: boolean;
  /** Keep new prompts waiting in the queue (as if another job held the GPU) until set back to false. */
  holdQueue: boolean;
}

export interface FakeComfyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeComfyUI {
  url: string;
  port: number;
  behavior: FakeComfyBehavior;
  /** Every HTTP request, in order (the /api prefix removed). */
  requests: FakeComfyRequest[];
  /** Every prompt that was queued: what ComfyUI would run. */
  prompts: { promptId: string; clientId: string | null; prompt: Graph }[];
  /** WebSocket connections made, by clientId, in order (each also recorded in `requests` as GET /ws). */
  connections: string[];
  /** How many WebSocket connections are open now. */
  openConnections(): number;
  /** Drop every WebSocket connection (as a restart of ComfyUI's web server or a network blip would). */
  dropConnections(): void;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_COMFY_SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'dpm_2',
  'dpmpp_2m',
  'dpmpp_sde',
  'ddim',
  'uni_pc',
];
export const FAKE_COMFY_SCHEDULERS = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
];
export const FAKE_COMFY_CHECKPOINTS = [
  'v1-5-pruned-emaonly.safetensors',
  'sd_xl_base_1.0.safetensors',
  'SDXL/juggernautXL_v9.safetensors',
];

const SAMPLER_TYPES = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced']);
const isLink = (v: unknown): v is [string, number] =>
  Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number');

/** The node definitions this fake knows, shaped like server.py's node_info. */
function nodeDefinitions(b: FakeComfyBehavior): Record<string, Record<string, unknown>> {
  const INT = (def: number, min: number, max: number, extra: Record<string, unknown> = {}): InputSpec => [
    'INT',
    { default: def, min, max, ...extra },
  ];
  const FLOAT = (def: number, min: number, max: number): InputSpec => [
    'FLOAT',
    { default: def, min, max, step: 0.01, round: 0.01 },
  ];
  const seed = INT(0, 0, 2 ** 64 - 1, { control_after_generate: true });
  const size = (def: number) => INT(def, 16, 16384, { step: 8 });
  const samplers: InputSpec = [FAKE_COMFY_SAMPLERS, { tooltip: 'The algorithm used when sampling.' }];
  const schedulers: InputSpec = [FAKE_COMFY_SCHEDULERS, { tooltip: 'How noise is removed step by step.' }];
  const def = (
    name: string,
    category: string,
    required: Record<string, InputSpec>,
    output: string[],
    extra: {
      optional?: Record<string, InputSpec>;
      hidden?: Record<string, string>;
      outputNode?: boolean;
      display?: string;
    } = {},
  ) => {
    const input: Record<string, unknown> = { required };
    if (extra.optional) input.optional = extra.optional;
    if (extra.hidden) input.hidden = extra.hidden;
    return {
      input,
      input_order: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Object.keys(v as object)])),
      output,
      output_is_list: output.map(() => false),
      output_name: output,
      name,
      display_name: extra.display ?? name,
      description: '',
      python_module: 'nodes',
      category,
      output_node: extra.outputNode ?? false,
    };
  };
  const all = [
    def(
      'CheckpointLoaderSimple',
      'loaders',
      { ckpt_name: [b.checkpoints, { tooltip: 'The checkpoint to load.' }] },
      ['MODEL', 'CLIP', 'VAE'],
      { display: 'Load Checkpoint' },
    ),
    def(
      'UNETLoader',
      'advanced/loaders',
      { unet_name: [['flux1-dev.safetensors'], {}], weight_dtype: [['default', 'fp8_e4m3fn'], {}] },
      ['MODEL'],
      { display: 'Load Diffusion Model' },
    ),
    def('VAELoader', 'loaders', { vae_name: [['ae.safetensors', 'sdxl_vae.safetensors'], {}] }, ['VAE'], {
      display: 'Load VAE',
    }),
    def(
      'LoraLoader',
      'loaders',
      {
        model: ['MODEL'],
        clip: ['CLIP'],
        lora_name: [['detail.safetensors'], {}],
        strength_model: FLOAT(1, -100, 100),
        strength_clip: FLOAT(1, -100, 100),
      },
      ['MODEL', 'CLIP'],
      { display: 'Load LoRA' },
    ),
    def(
      'CLIPTextEncode',
      'conditioning',
      { text: ['STRING', { multiline: true, dynamicPrompts: true }], clip: ['CLIP'] },
      ['CONDITIONING'],
      { display: 'CLIP Text Encode (Prompt)' },
    ),
    def(
      'FluxGuidance',
      'advanced/conditioning/flux',
      { conditioning: ['CONDITIONING'], guidance: FLOAT(3.5, 0, 100) },
      ['CONDITIONING'],
    ),
    def(
      'EmptyLatentImage',
      'latent',
      { width: size(512), height: size(512), batch_size: INT(1, 1, 4096) },
      ['LATENT'],
      { display: 'Empty Latent Image' },
    ),
    def('EmptySD3LatentImage', 'latent/sd3', { width: size(1024), height: size(1024), batch_size: INT(1, 1, 4096) }, [
      'LATENT',
    ]),
    def(
      'LatentUpscale',
      'latent',
      {
        samples: ['LATENT'],
        upscale_method: [['nearest-exact', 'bilinear', 'bicubic'], {}],
        width: INT(512, 0, 16384),
        height: INT(512, 0, 16384),
        crop: [['disabled', 'center'], {}],
      },
      ['LATENT'],
      { display: 'Upscale Latent' },
    ),
    def(
      'KSampler',
      'sampling',
      {
        model: ['MODEL'],
        seed,
        steps: INT(20, 1, 10000),
        cfg: FLOAT(8, 0, 100),
        sampler_name: samplers,
        scheduler: schedulers,
        positive: ['CONDITIONING'],
        negative: ['CONDITIONING'],
        latent_image: ['LATENT'],
        denoise: FLOAT(1, 0, 1),
      },
      ['LATENT'],
    ),
    def(
      'KSamplerAdvanced',
      'sampling',
      {
        model: ['MODEL'],
        add_noise: [['enable', 'disable'], {}],
        noise_seed: seed,
        steps: INT(20, 1, 10000),
        cfg: FLOAT(8, 0, 100),
        sampler_name: samplers,
        scheduler: schedulers,
        positive: ['CONDITIONING'],
        negative: ['CONDITIONING'],
        latent_image: ['LATENT'],
        start_at_step: INT(0, 0, 10000),
        end_at_step: INT(10000, 0, 10000),
        return_with_leftover_noise: [['disable', 'enable'], {}],
      },
      ['LATENT'],
      { display: 'KSampler (Advanced)' },
    ),
    def(
      'SamplerCustomAdvanced',
      'sampling/custom_sampling',
      { noise: ['NOISE'], guider: ['GUIDER'], sampler: ['SAMPLER'], sigmas: ['SIGMAS'], latent_image: ['LATENT'] },
      ['LATENT', 'LATENT'],
    ),
    def('RandomNoise', 'sampling/custom_sampling/noise', { noise_seed: seed }, ['NOISE']),
    def(
      'CFGGuider',
      'sampling/custom_sampling/guiders',
      { model: ['MODEL'], positive: ['CONDITIONING'], negative: ['CONDITIONING'], cfg: FLOAT(8, 0, 100) },
      ['GUIDER'],
    ),
    def('BasicGuider', 'sampling/custom_sampling/guiders', { model: ['MODEL'], conditioning: ['CONDITIONING'] }, [
      'GUIDER',
    ]),
    def('KSamplerSelect', 'sampling/custom_sampling/samplers', { sampler_name: [FAKE_COMFY_SAMPLERS, {}] }, [
      'SAMPLER',
    ]),
    def(
      'BasicScheduler',
      'sampling/custom_sampling/schedulers',
      { model: ['MODEL'], scheduler: [FAKE_COMFY_SCHEDULERS, {}], steps: INT(20, 1, 10000), denoise: FLOAT(1, 0, 1) },
      ['SIGMAS'],
    ),
    def(
      'PrimitiveInt',
      'utils/primitive',
      { value: INT(0, -9007199254740991, 9007199254740991, { control_after_generate: true }) },
      ['INT'],
      { display: 'Int' },
    ),
    def('PrimitiveString', 'utils/primitive', { value: ['STRING', {}] }, ['STRING'], { display: 'String' }),
    def('VAEDecode', 'latent', { samples: ['LATENT'], vae: ['VAE'] }, ['IMAGE'], { display: 'VAE Decode' }),
    def('SaveImage', 'image', { images: ['IMAGE'], filename_prefix: ['STRING', { default: 'ComfyUI' }] }, [], {
      hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
      outputNode: true,
      display: 'Save Image',
    }),
    def('PreviewImage', 'image', { images: ['IMAGE'] }, [], {
      hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
      outputNode: true,
      display: 'Preview Image',
    }),
  ];
  return Object.fromEntries(all.filter((d) => !b.missingNodeTypes.includes(d.name)).map((d) => [d.name, d]));
}

/** Python's repr of a list of strings, as validation details show it. */
const pyList = (xs: unknown[]) => `[${xs.map((x) => `'${String(x)}'`).join(', ')}]`;

/** The colour an image of this seed (and batch index) gets: the same seed, the same picture. */
export function fakeComfyColour(seed: number, index = 0): [number, number, number] {
  const s = Math.abs(Math.floor(seed)) + index * 7919;
  return [s % 251, Math.floor(s / 251) % 241, Math.floor(s / 60_491) % 239];
}

function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    img.data[i * 4] = rgb[0];
    img.data[i * 4 + 1] = rgb[1];
    img.data[i * 4 + 2] = rgb[2];
    img.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(img);
}

/**
 * The preview frame's image: a 16×16 JPEG made once with jpeg-js (whose encoder takes ~200 ms per call,
 * far too slow to run per step).
 */
const PREVIEW_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2MBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIABAAEAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AJa8s9UKACgAoA//2Q==',
  'base64',
);

interface Task {
  number: number;
  promptId: string;
  prompt: Graph;
  clientId: string | null;
  outputs: string[];
}

interface HistoryEntry {
  prompt: [number, string, Graph, { client_id?: string }, string[]];
  outputs: Record<string, { images: { filename: string; subfolder: string; type: string }[] }>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, unknown][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

export async function startFakeComfyUI(
  options: { port?: number; version?: string; deviceName?: string; checkpoints?: string[] } = {},
): Promise<FakeComfyUI> {
  const defaults = (): FakeComfyBehavior => ({
    stepDelayMs: 20,
    nodeDelayMs: 1,
    failWith: null,
    missingNodeTypes: [],
    checkpoints: [...(options.checkpoints ?? FAKE_COMFY_CHECKPOINTS)],
    previews: true,
    holdQueue: false,
  });
  const version = options.version ?? 'v0.3.62';
  const deviceName = options.deviceName ?? 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync';

  const queue: Task[] = [];
  let running: Task | null = null;
  let interruptFlag = false;
  let closed = false;
  let number = 0;
  const history = new Map<string, HistoryEntry>();
  const files = new Map<string, Buffer>();
  const counters = new Map<string, number>();
  const sockets = new Map<string, WebSocket>();
  let lastNode: string | null = null;
  /** The last prompt run and its node results: unchanged nodes are cached, as ComfyUI does. */
  let previous: { prompt: Graph; ui: Record<string, HistoryEntry['outputs'][string]> } | null = null;

  const fake: FakeComfyUI = {
    url: '',
    port: 0,
    behavior: defaults(),
    requests: [],
    prompts: [],
    connections: [],
    openConnections: () => sockets.size,
    dropConnections() {
      for (const ws of sockets.values()) ws.terminate();
      sockets.clear();
    },
    reset() {
      fake.behavior = defaults();
      fake.requests.length = 0;
      fake.prompts.length = 0;
      fake.connections.length = 0;
      queue.length = 0;
      history.clear();
      files.clear();
      counters.clear();
      previous = null;
    },
    close: async () => {
      closed = true;
      for (const ws of sockets.values()) ws.terminate();
      wss.close();
      await listening.close();
    },
  };

  const queueInfo = () => ({ exec_info: { queue_remaining: queue.length + (running ? 1 : 0) } });
  const sendJson = (type: string, data: unknown, sid: string | null) => {
    const msg = JSON.stringify({ type, data });
    if (sid === null) for (const ws of sockets.values()) ws.send(msg);
    else sockets.get(sid)?.send(msg);
  };
  const queueUpdated = () => sendJson('status', { status: queueInfo() }, null);

  // ---- HTTP ----
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const empty = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(status === 200 ? '' : `${status}: ${status === 404 ? 'Not Found' : 'Bad Request'}`);
  };

  const server = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(err) });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname.replace(/^\/api(?=\/)/, '');
    const query = Object.fromEntries(u.searchParams);
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req) : '';
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    fake.requests.push({ method, path, query, body });
    const b = fake.behavior;

    if (method === 'GET' && path === '/system_stats') {
      const gib = 1024 ** 3;
      return json(res, 200, {
        system: {
          os: 'posix',
          ram_total: 64 * gib,
          ram_free: 41 * gib,
          comfyui_version: version,
          python_version: '3.12.9 (main, Feb 12 2025, 14:50:50) [GCC 12.2.0]',
          pytorch_version: '2.8.0+cu128',
          embedded_python: false,
          argv: ['main.py', '--listen', '0.0.0.0'],
        },
        devices: [
          {
            name: deviceName,
            type: deviceName.startsWith('cpu') ? 'cpu' : 'cuda',
            index: 0,
            vram_total: 24 * gib,
            vram_free: 22 * gib,
            torch_vram_total: 0,
            torch_vram_free: 0,
          },
        ],
      });
    }
    if (method === 'GET' && path === '/object_info') return json(res, 200, nodeDefinitions(b));
    if (method === 'GET' && path.startsWith('/object_info/')) {
      const cls = decodeURIComponent(path.slice('/object_info/'.length));
      const defs = nodeDefinitions(b);
      return json(res, 200, defs[cls] ? { [cls]: defs[cls] } : {});
    }
    if (method === 'GET' && path === '/prompt') return json(res, 200, queueInfo());
    if (method === 'POST' && path === '/prompt') return postPrompt(res, body);
    if (method === 'GET' && path === '/queue') {
      const row = (t: Task) => [t.number, t.promptId, t.prompt, t.clientId ? { client_id: t.clientId } : {}, t.outputs];
      return json(res, 200, { queue_running: running ? [row(running)] : [], queue_pending: queue.map(row) });
    }
    if (method === 'POST' && path === '/queue') {
      const j = (body ?? {}) as { clear?: boolean; delete?: string[] };
      if (j.clear) queue.length = 0;
      for (const id of j.delete ?? []) {
        const i = queue.findIndex((t) => t.promptId === id);
        if (i >= 0) queue.splice(i, 1);
      }
      queueUpdated();
      return empty(res, 200);
    }
    if (method === 'POST' && path === '/interrupt') {
      const id = (body as { prompt_id?: string } | undefined)?.prompt_id;
      if (!id || running?.promptId === id) interruptFlag = true;
      return empty(res, 200);
    }
    if (method === 'GET' && path === '/history') return json(res, 200, Object.fromEntries(history));
    if (method === 'GET' && path.startsWith('/history/')) {
      const id = decodeURIComponent(path.slice('/history/'.length));
      const h = history.get(id);
      return json(res, 200, h ? { [id]: h } : {});
    }
    if (method === 'GET' && path === '/view') {
      const filename = query.filename;
      if (!filename) return empty(res, 404);
      if (filename.startsWith('/') || filename.includes('..')) return empty(res, 400);
      const key = `${query.type ?? 'output'}/${query.subfolder ?? ''}/${filename}`;
      const file = files.get(key);
      if (!file) return empty(res, 404);
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Disposition': `filename="${filename}"` });
      return res.end(file);
    }
    return empty(res, 404);
  }

  function validationError(type: string, message: string, details: string, extra: Record<string, unknown>) {
    return { type, message, details, extra_info: extra };
  }

  function postPrompt(res: ServerResponse, body: unknown) {
    const j = (body ?? {}) as {
      prompt?: unknown;
      client_id?: string;
      prompt_id?: string;
      number?: number;
      front?: boolean;
    };
    let num = number;
    if (typeof j.number === 'number') num = j.number;
    else {
      if (j.front) num = -num;
      number++;
    }
    if (!j.prompt || typeof j.prompt !== 'object') {
      return json(res, 400, {
        error: validationError('no_prompt', 'No prompt provided', 'No prompt provided', {}),
        node_errors: {},
      });
    }
    const prompt = j.prompt as Graph;
    const defs = nodeDefinitions(fake.behavior);
    const outputs: string[] = [];
    for (const [id, node] of Object.entries(prompt)) {
      const title = node._meta?.title;
      if (!node.class_type) {
        return json(res, 400, {
          error: validationError(
            'missing_node_type',
            `Node '${title ?? `ID #${id}`}' has no class_type. The workflow may be corrupted or a custom node is missing.`,
            `Node ID '#${id}'`,
            { node_id: id, class_type: null, node_title: title ?? null },
          ),
          node_errors: {},
        });
      }
      const d = defs[node.class_type];
      if (!d) {
        return json(res, 400, {
          error: validationError(
            'missing_node_type',
            `Node '${title ?? node.class_type}' not found. The custom node may not be installed.`,
            `Node ID '#${id}'`,
            { node_id: id, class_type: node.class_type, node_title: title ?? node.class_type },
          ),
          node_errors: {},
        });
      }
      if (d.output_node) outputs.push(id);
    }
    if (outputs.length === 0) {
      return json(res, 400, {
        error: validationError('prompt_no_outputs', 'Prompt has no outputs', '', {}),
        node_errors: {},
      });
    }
    const nodeErrors: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> = {};
    for (const [id, node] of Object.entries(prompt)) {
      const required = (defs[node.class_type]!.input as { required: Record<string, InputSpec> }).required;
      const errors: ReturnType<typeof validationError>[] = [];
      for (const [name, spec] of Object.entries(required)) {
        const v = node.inputs?.[name];
        const extra = { input_name: name, input_config: spec, received_value: v };
        if (v === undefined) {
          errors.push(
            validationError('required_input_missing', 'Required input is missing', name, { input_name: name }),
          );
          continue;
        }
        if (isLink(v)) {
          if (!prompt[String(v[0])]) {
            errors.push(
              validationError(
                'bad_linked_input',
                'Bad linked input, must be a length-2 list of [node_id, slot_index]',
                `${name}, ${JSON.stringify(v)}`,
                extra,
              ),
            );
          }
          continue;
        }
        const [type, opts = {}] = spec;
        if (Array.isArray(type)) {
          if (!type.includes(v)) {
            const shown = type.length > 20 ? `(list of length ${type.length})` : pyList(type);
            errors.push(
              validationError(
                'value_not_in_list',
                'Value not in list',
                `${name}: '${String(v)}' not in ${shown}`,
                extra,
              ),
            );
          }
        } else if (type === 'INT' || type === 'FLOAT') {
          const n = Number(v);
          if (typeof v === 'boolean' || !Number.isFinite(n) || (type === 'INT' && !Number.isInteger(n))) {
            errors.push(
              validationError(
                'invalid_input_type',
                `Failed to convert an input value to a ${type} value`,
                `${name}, ${String(v)}, invalid literal`,
                extra,
              ),
            );
          } else if (typeof opts.min === 'number' && n < opts.min) {
            errors.push(
              validationError('value_smaller_than_min', `Value ${n} smaller than min of ${opts.min}`, `${name}`, extra),
            );
          } else if (typeof opts.max === 'number' && n > opts.max) {
            errors.push(
              validationError('value_bigger_than_max', `Value ${n} bigger than max of ${opts.max}`, `${name}`, extra),
            );
          }
        }
      }
      if (errors.length) nodeErrors[id] = { errors, dependent_outputs: [...outputs], class_type: node.class_type };
    }
    if (Object.keys(nodeErrors).length) {
      const details = Object.values(nodeErrors)
        .flatMap((e) => e.errors as { message: string; details: string }[])
        .map((e) => `${e.message}: ${e.details}`)
        .join('\n');
      return json(res, 400, {
        error: validationError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {}),
        node_errors: nodeErrors,
      });
    }
    const promptId = typeof j.prompt_id === 'string' && j.prompt_id ? j.prompt_id : randomUUID();
    const task: Task = { number: num, promptId, prompt, clientId: j.client_id ?? null, outputs: outputs.sort() };
    fake.prompts.push({ promptId, clientId: task.clientId, prompt });
    queue.push(task);
    queue.sort((a, b) => a.number - b.number);
    queueUpdated();
    json(res, 200, { prompt_id: promptId, number: num, node_errors: {} });
  }

  // ---- execution ----
  /** Dependencies first, from each output node (as ComfyUI walks the graph from its outputs). */
  function executionOrder(prompt: Graph, outputs: string[]): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id) || !prompt[id]) return;
      seen.add(id);
      for (const v of Object.values(prompt[id]!.inputs ?? {})) if (isLink(v)) visit(String(v[0]));
      order.push(id);
    };
    outputs.forEach(visit);
    return order;
  }

  function unchanged(prompt: Graph, id: string, memo = new Map<string, boolean>()): boolean {
    if (memo.has(id)) return memo.get(id)!;
    const old = previous?.prompt[id];
    const node = prompt[id]!;
    let same =
      !!old && old.class_type === node.class_type && JSON.stringify(old.inputs) === JSON.stringify(node.inputs);
    if (same) {
      for (const v of Object.values(node.inputs)) if (isLink(v) && !unchanged(prompt, String(v[0]), memo)) same = false;
    }
    memo.set(id, same);
    return same;
  }

  async function execute(task: Task) {
    const { promptId, prompt, clientId } = task;
    const b = fake.behavior;
    const messages: [string, unknown][] = [];
    const send = (type: string, data: Record<string, unknown>, keep = true) => {
      if (keep) messages.push([type, data]);
      sendJson(type, data, clientId);
    };
    const binary = (frame: Buffer) => {
      if (clientId) sockets.get(clientId)?.send(frame);
    };
    interruptFlag = false;
    send('execution_start', { prompt_id: promptId, timestamp: Date.now() });
    const order = executionOrder(prompt, task.outputs);
    const memo = new Map<string, boolean>();
    const cached = order.filter((id) => unchanged(prompt, id, memo));
    send('execution_cached', { nodes: cached, prompt_id: promptId, timestamp: Date.now() });

    const values = new Map<string, Record<string, unknown>>();
    const ui: Record<string, HistoryEntry['outputs'][string]> = {};
    const executed: string[] = [];
    let status: 'success' | 'error' = 'success';
    const input = (id: string, name: string): unknown => {
      const v = prompt[id]?.inputs[name];
      if (!isLink(v)) return v;
      const from = prompt[String(v[0])];
      return from?.inputs.value ?? from?.inputs[name];
    };

    for (const id of order) {
      const node = prompt[id]!;
      const merged: Record<string, unknown> = {};
      for (const v of Object.values(node.inputs)) if (isLink(v)) Object.assign(merged, values.get(String(v[0])));
      if (cached.includes(id)) {
        values.set(id, { ...merged, ...ownValues(id) });
        if (previous?.ui[id]) {
          ui[id] = previous.ui[id]!;
          send('executed', { node: id, display_node: id, output: previous.ui[id], prompt_id: promptId }, false);
        }
        executed.push(id);
        continue;
      }
      if (interruptFlag || closed) {
        status = 'error';
        send('execution_interrupted', {
          prompt_id: promptId,
          node_id: id,
          node_type: node.class_type,
          executed: [...executed],
          timestamp: Date.now(),
        });
        break;
      }
      lastNode = id;
      send('executing', { node: id, display_node: id, prompt_id: promptId }, false);
      const own = ownValues(id);
      const value: Record<string, unknown> = { ...merged, ...own };
      if (SAMPLER_TYPES.has(node.class_type)) {
        const steps = Number(input(id, 'steps') ?? merged.steps ?? 20);
        const seed = Number(input(id, 'seed') ?? input(id, 'noise_seed') ?? merged.noise_seed ?? 0);
        value.seed = seed;
        let stopped: 'interrupted' | 'oom' | 'error' | null = null;
        for (let step = 1; step <= steps; step++) {
          if (interruptFlag || closed) {
            stopped = 'interrupted';
            break;
          }
          await sleep(b.stepDelayMs);
          const progress = { value: step, max: steps, prompt_id: promptId, node: id };
          send('progress', progress, false);
          send(
            'progress_state',
            {
              prompt_id: promptId,
              nodes: {
                [id]: {
                  ...progress,
                  state: 'running',
                  node_id: id,
                  display_node_id: id,
                  parent_node_id: null,
                  real_node_id: id,
                },
              },
            },
            false,
          );
          if (b.previews) {
            const header = Buffer.alloc(8);
            header.writeUInt32BE(1, 0); // PREVIEW_IMAGE
            header.writeUInt32BE(1, 4); // JPEG
            binary(Buffer.concat([header, PREVIEW_JPEG]));
          }
          if (b.failWith && step === 1) {
            stopped = b.failWith;
            break;
          }
        }
        if (stopped === 'interrupted') {
          status = 'error';
          send('execution_interrupted', {
            prompt_id: promptId,
            node_id: id,
            node_type: node.class_type,
            executed: [...executed],
            timestamp: Date.now(),
          });
          break;
        }
        if (stopped) {
          status = 'error';
          const oom = stopped === 'oom';
          send('execution_error', {
            prompt_id: promptId,
            node_id: id,
            node_type: node.class_type,
            executed: [...executed],
            exception_message: oom
              ? 'Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.'
              : 'mat1 and mat2 shapes cannot be multiplied (154x2048 and 768x320)',
            exception_type: oom ? 'torch.OutOfMemoryError' : 'RuntimeError',
            traceback: [
              '  File "/ComfyUI/execution.py", line 496, in execute\n',
              '    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(...)\n',
            ],
            current_inputs: {},
            current_outputs: {},
            timestamp: Date.now(),
          });
          break;
        }
      } else {
        await sleep(b.nodeDelayMs);
      }
      if (node.class_type === 'SaveImage' || node.class_type === 'PreviewImage') {
        const out = saveImages(
          node.class_type === 'SaveImage',
          value,
          String(input(id, 'filename_prefix') ?? 'ComfyUI'),
        );
        ui[id] = { images: out };
        send('executed', { node: id, display_node: id, output: ui[id], prompt_id: promptId }, false);
      }
      values.set(id, value);
      executed.push(id);
    }
    if (status === 'success') send('execution_success', { prompt_id: promptId, timestamp: Date.now() });
    lastNode = null;
    if (status === 'success') previous = { prompt: structuredClone(prompt), ui };
    else previous = null;
    history.set(promptId, {
      prompt: [task.number, promptId, prompt, clientId ? { client_id: clientId } : {}, task.outputs],
      outputs: ui,
      status: { status_str: status, completed: status === 'success', messages },
      meta: Object.fromEntries(
        Object.keys(ui).map((id) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }]),
      ),
    });
    running = null;
    queueUpdated();
    if (clientId) sendJson('executing', { node: null, prompt_id: promptId }, clientId);

    function ownValues(nodeId: string): Record<string, unknown> {
      const n = prompt[nodeId]!;
      if (/^Empty.*Latent/.test(n.class_type)) {
        return {
          width: Number(input(nodeId, 'width') ?? 512),
          height: Number(input(nodeId, 'height') ?? 512),
          batch: Number(input(nodeId, 'batch_size') ?? 1),
        };
      }
      if (n.class_type === 'LatentUpscale')
        return { width: Number(input(nodeId, 'width')), height: Number(input(nodeId, 'height')) };
      if (n.class_type === 'RandomNoise') return { noise_seed: input(nodeId, 'noise_seed') };
      if (n.class_type === 'BasicScheduler') return { steps: input(nodeId, 'steps') };
      return {};
    }
  }

  function saveImages(output: boolean, value: Record<string, unknown>, prefix: string) {
    const width = Math.max(8, Math.min(2048, Number(value.width ?? 512)));
    const height = Math.max(8, Math.min(2048, Number(value.height ?? 512)));
    const batch = Math.max(1, Number(value.batch ?? 1));
    const seed = Number(value.seed ?? 0);
    const type = output ? 'output' : 'temp';
    const base = output ? prefix : `ComfyUI_temp_${Math.random().toString(36).slice(2, 7)}`;
    const slash = base.lastIndexOf('/');
    const subfolder = slash >= 0 ? base.slice(0, slash) : '';
    const name = slash >= 0 ? base.slice(slash + 1) : base;
    return Array.from({ length: batch }, (_, i) => {
      const counter = (counters.get(`${type}/${base}`) ?? 0) + 1;
      counters.set(`${type}/${base}`, counter);
      const filename = `${name}_${String(counter).padStart(5, '0')}_.png`;
      files.set(`${type}/${subfolder}/${filename}`, png(width, height, fakeComfyColour(seed, i)));
      return { filename, subfolder, type };
    });
  }

  async function worker() {
    while (!closed) {
      const task = fake.behavior.holdQueue ? undefined : queue.shift();
      if (!task) {
        await sleep(5);
        continue;
      }
      running = task;
      try {
        await execute(task);
      } catch {
        running = null;
      }
    }
  }

  // ---- WebSocket ----
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/ws' && u.pathname !== '/api/ws') {
      socket.destroy();
      return;
    }
    fake.requests.push({ method: 'GET', path: '/ws', query: Object.fromEntries(u.searchParams), body: undefined });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = u.searchParams.get('clientId') || randomUUID().replace(/-/g, '');
      sockets.get(sid)?.terminate();
      sockets.set(sid, ws);
      fake.connections.push(sid);
      ws.on('close', () => {
        if (sockets.get(sid) === ws) sockets.delete(sid);
      });
      ws.on('error', () => {});
      ws.send(JSON.stringify({ type: 'status', data: { status: queueInfo(), sid } }));
      if (running?.clientId === sid && lastNode !== null)
        ws.send(JSON.stringify({ type: 'executing', data: { node: lastNode } }));
    });
  });

  const listening = await listenOnLoopback(server, options.port ?? 0);
  fake.port = listening.port;
  fake.url = `http://127.0.0.1:${listening.port}`;
  void worker();
  return fake;
}
