/**
 * A test server for the AUTOMATIC1111 / Forge web API (started with `--api`), faithful to its wire
 * formats: `/sdapi/v1/sd-models`, `options` (GET/POST), `samplers`, `schedulers`, `txt2img`,
 * `img2img`, `progress` and `interrupt`. Results and live previews are real PNGs (or JPEGs when the
 * `samples_format` option says so) coloured from the seed; generation takes `stepDelayMs` per step per
 * image so progress can be watched, and an interrupt returns the images finished so far.
 * Errors come in A1111's own shapes: 404 `{"detail":"Not Found"}` without `--api`, 401 with
 * `--api-auth`, FastAPI's 422 `{detail:[{loc,msg,type}]}`, and `{error, detail, body, errors}` for
 * failures such as CUDA running out of memory. Tests steer it through `behavior`. Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { listenOnLoopback, readBody, sleep } from './http-util';

export interface FakeA1111Checkpoint {
  /** "name.safetensors [shorthash]": what `sd_model_checkpoint` holds. */
  title: string;
  model_name: string;
  hash: string;
  sha256: string;
  filename: string;
  config: string | null;
}

const MODELS_DIR = '/home/user/stable-diffusion-webui/models/Stable-diffusion';

export const FAKE_A1111_CHECKPOINTS: FakeA1111Checkpoint[] = [
  {
    title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]',
    model_name: 'v1-5-pruned-emaonly',
    hash: '6ce0161689',
    sha256: '6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa',
    filename: `${MODELS_DIR}/v1-5-pruned-emaonly.safetensors`,
    config: null,
  },
  {
    title: 'sd_xl_base_1.0.safetensors [31e35c80fc]',
    model_name: 'sd_xl_base_1.0',
    hash: '31e35c80fc',
    sha256: '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b',
    filename: `${MODELS_DIR}/sd_xl_base_1.0.safetensors`,
    config: null,
  },
  {
    title: 'dreamshaper_8.safetensors [879db523c3]',
    model_name: 'dreamshaper_8',
    hash: '879db523c3',
    sha256: '879db523c30d3b9017143d56705015e15a2cb5628762c11d086fed9538abd7fd',
    filename: `${MODELS_DIR}/dreamshaper_8.safetensors`,
    config: null,
  },
];

/** /sdapi/v1/samplers as A1111 1.10 lists them (a subset). */
const SAMPLERS: { name: string; aliases: string[]; options: Record<string, string> }[] = [
  { name: 'DPM++ 2M', aliases: ['k_dpmpp_2m'], options: {} },
  { name: 'DPM++ SDE', aliases: ['k_dpmpp_sde'], options: { second_order: 'True', brownian_noise: 'True' } },
  { name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], options: { uses_ensd: 'True' } },
  { name: 'Euler', aliases: ['k_euler'], options: {} },
  { name: 'LMS', aliases: ['k_lms'], options: {} },
  { name: 'Heun', aliases: ['k_heun'], options: { second_order: 'True' } },
  { name: 'DDIM', aliases: ['ddim'], options: {} },
  { name: 'UniPC', aliases: ['unipc'], options: {} },
];

/** /sdapi/v1/schedulers (A1111 1.9 and later). */
const SCHEDULERS = [
  { name: 'automatic', label: 'Automatic', aliases: null, default_rho: -1, need_inner_model: false },
  { name: 'uniform', label: 'Uniform', aliases: null, default_rho: -1, need_inner_model: true },
  { name: 'karras', label: 'Karras', aliases: null, default_rho: 7.0, need_inner_model: false },
  { name: 'exponential', label: 'Exponential', aliases: null, default_rho: -1, need_inner_model: false },
  { name: 'polyexponential', label: 'Polyexponential', aliases: null, default_rho: 1.0, need_inner_model: false },
  { name: 'sgm_uniform', label: 'SGM Uniform', aliases: ['SGMUniform'], default_rho: -1, need_inner_model: true },
];

export interface FakeA1111Behavior {
  /** Started without --api: every path answers 404 {"detail":"Not Found"}. */
  apiOff: boolean;
  /** Time per sampling step per image. */
  stepDelayMs: number;
  /** Time POST /options takes to load another checkpoint. */
  loadDelayMs: number;
  /** 'oom': CUDA runs out of memory after the first step; 'error': a RuntimeError; 'html': a bare text 500. */
  failWith: 'oom' | 'error' | 'html' | null;
  /**
   * Put a grid of the batch first (index_of_first_image 1). A1111 does so when its return_grid option
   * is on and the request saves images; some versions and extensions always do.
   */
  returnGrid: boolean;
  /** false: a server older than 1.9, where /sdapi/v1/schedulers answers 404. */
  schedulers: boolean;
  /** Interrupt by itself after this many sampling steps of a job, as if Interrupt were pressed in A1111's page. */
  interruptAfterSteps: number | null;
}

export interface FakeA1111Request {
  method: string;
  /** Path with query string. */
  path: string;
  /** The JSON body (the raw text when it was not JSON; null when empty). */
  body: unknown;
  /** The Authorization header as sent. */
  auth: string | undefined;
}

export interface FakeA1111 {
  url: string;
  port: number;
  behavior: FakeA1111Behavior;
  /** Every request, in order (progress polls included). */
  requests: FakeA1111Request[];
  checkpoints: FakeA1111Checkpoint[];
  /** What GET /sdapi/v1/options answers (a few of A1111's many keys); POST changes it. */
  options: Record<string, unknown>;
  /** Requests to one path (no query), e.g. requestsTo('/sdapi/v1/txt2img'). */
  requestsTo(path: string): FakeA1111Request[];
  reset(): void;
  close(): Promise<void>;
}

/** shared.state as /sdapi/v1/progress reports it (state.dict()). */
interface JobState {
  skipped: boolean;
  interrupted: boolean;
  stopping_generation: boolean;
  job: string;
  job_count: number;
  job_timestamp: string;
  job_no: number;
  sampling_step: number;
  sampling_steps: number;
}

type Json = Record<string, unknown>;

const VERSION = 'v1.10.1';

export async function startFakeA1111(
  opts: { auth?: { username: string; password: string }; checkpoints?: FakeA1111Checkpoint[]; port?: number } = {},
): Promise<FakeA1111> {
  const checkpoints = opts.checkpoints ?? FAKE_A1111_CHECKPOINTS;
  const defaults = (): FakeA1111Behavior => ({
    apiOff: false,
    stepDelayMs: 20,
    loadDelayMs: 0,
    failWith: null,
    returnGrid: false,
    schedulers: true,
    interruptAfterSteps: null,
  });
  const defaultOptions = (): Record<string, unknown> => ({
    sd_model_checkpoint: checkpoints[0]?.title ?? null,
    sd_checkpoint_hash: checkpoints[0]?.sha256 ?? null,
    sd_vae: 'Automatic',
    CLIP_stop_at_last_layers: 1,
    samples_format: 'png',
    jpeg_quality: 80,
    return_grid: true,
    grid_save: true,
    live_previews_enable: true,
    live_previews_image_format: 'png',
    // A1111's default is 10; small here so short test jobs show previews.
    show_progress_every_n_steps: 2,
    outdir_txt2img_samples: 'outputs/txt2img-images',
  });

  const state: JobState = {
    skipped: false,
    interrupted: false,
    stopping_generation: false,
    job: '',
    job_count: 0,
    job_timestamp: '0',
    job_no: 0,
    sampling_step: 0,
    sampling_steps: 0,
  };
  let timeStart = 0;
  let currentImage: string | null = null;
  // A1111 runs one job at a time (its queue lock).
  let queue: Promise<unknown> = Promise.resolve();
  const queued = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const fake: FakeA1111 = {
    url: '',
    port: 0,
    behavior: defaults(),
    requests: [],
    checkpoints,
    options: defaultOptions(),
    requestsTo: (path) => fake.requests.filter((r) => r.path.split('?')[0] === path),
    reset() {
      fake.behavior = defaults();
      fake.options = defaultOptions();
      fake.requests.length = 0;
    },
    close: async () => undefined,
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  /** A1111's api_middleware error shape. */
  const a1111Error = (res: ServerResponse, status: number, error: string, detail: string, errors: string) =>
    send(res, status, { error, detail, body: '', errors });
  const httpException = (res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}) =>
    send(res, status, { error: 'HTTPException', detail, body: '', errors: `${status}: ${detail}` }, headers);

  const findCheckpoint = (name: string) =>
    checkpoints.find(
      (c) =>
        c.title === name ||
        c.model_name === name ||
        c.hash === name ||
        c.sha256 === name ||
        c.filename.endsWith(`/${name}`),
    );
  const loaded = () => findCheckpoint(String(fake.options.sd_model_checkpoint)) ?? checkpoints[0];

  function progress(): Json {
    if (state.job_count === 0)
      return { progress: 0, eta_relative: 0, state: { ...state }, current_image: null, textinfo: null };
    let p = 0.01;
    if (state.job_count > 0) p += state.job_no / state.job_count;
    if (state.sampling_steps > 0) p += (1 / state.job_count) * (state.sampling_step / state.sampling_steps);
    const elapsed = (Date.now() - timeStart) / 1000;
    const eta = elapsed / p - elapsed;
    return {
      progress: Math.min(p, 1),
      eta_relative: eta,
      state: { ...state },
      current_image: currentImage,
      textinfo: null,
    };
  }

  async function generate(kind: 'txt2img' | 'img2img', body: Json, res: ServerResponse): Promise<void> {
    const invalid = validate(body);
    if (invalid.length) return send(res, 422, { detail: invalid });
    const sampler = body.sampler_name ?? body.sampler_index ?? 'Euler';
    if (!SAMPLERS.some((s) => s.name === sampler || s.aliases.includes(String(sampler))))
      return httpException(res, 404, 'Sampler not found');
    let init: Buffer | null = null;
    if (kind === 'img2img') {
      const first = Array.isArray(body.init_images) ? body.init_images[0] : undefined;
      if (typeof first !== 'string') return httpException(res, 404, 'Init image not found');
      init = Buffer.from(first.replace(/^data:image\/\w+;base64,/, ''), 'base64');
      if (!isPng(init) && !isJpeg(init)) return httpException(res, 500, 'Invalid encoded image');
    }
    const p = {
      prompt: String(body.prompt ?? ''),
      negative: String(body.negative_prompt ?? ''),
      steps: Number(body.steps ?? 50),
      cfg: Number(body.cfg_scale ?? 7),
      width: Number(body.width ?? 512),
      height: Number(body.height ?? 512),
      batch: Number(body.batch_size ?? 1),
      iterations: Number(body.n_iter ?? 1),
      sampler: String(sampler),
      scheduler: typeof body.scheduler === 'string' ? body.scheduler : 'Automatic',
      denoising: kind === 'img2img' ? Number(body.denoising_strength ?? 0.75) : 0,
    };
    const requestedSeed = Number(body.seed ?? -1);
    const seed = requestedSeed === -1 ? Math.floor(Math.random() * 2 ** 32) : requestedSeed;
    const count = p.batch * p.iterations;
    const seeds = Array.from({ length: count }, (_, i) => seed + i);

    const outcome = await queued(async () => {
      // shared.state.begin()
      Object.assign(state, {
        skipped: false,
        interrupted: false,
        stopping_generation: false,
        job: `scripts_${kind}`,
        job_count: count,
        job_timestamp: jobTimestamp(),
        job_no: 0,
        sampling_step: 0,
        sampling_steps: p.steps,
      });
      timeStart = Date.now();
      currentImage = null;
      const model = loaded();
      const finished: Buffer[] = [];
      const infotexts: string[] = [];
      let stepsDone = 0;
      try {
        for (let i = 0; i < count && !state.interrupted; i++) {
          state.job_no = i;
          state.sampling_step = 0;
          for (let s = 1; s <= p.steps; s++) {
            await sleep(fake.behavior.stepDelayMs);
            if (state.interrupted) break;
            if (fake.behavior.failWith) return { fail: fake.behavior.failWith } as const;
            state.sampling_step = s;
            stepsDone++;
            const every = Math.max(1, Number(fake.options.show_progress_every_n_steps) || 1);
            if (s % every === 0 && fake.options.live_previews_enable !== false)
              currentImage = previewImage(seeds[i]!, p.width, p.height, s / p.steps).toString('base64');
            const limit = fake.behavior.interruptAfterSteps;
            if (limit !== null && stepsDone >= limit) state.interrupted = true;
          }
          if (state.interrupted) break;
          const infotext = makeInfotext(p, seeds[i]!, model);
          infotexts.push(infotext);
          finished.push(resultImage(seeds[i]!, p.width, p.height, String(fake.options.samples_format), infotext));
        }
      } finally {
        // shared.state.end(): job_timestamp and interrupted stay as they were.
        state.job = '';
        state.job_count = 0;
      }
      return { finished, infotexts, model } as const;
    });

    if ('fail' in outcome) {
      if (outcome.fail === 'html') {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('Internal Server Error');
      }
      if (outcome.fail === 'oom') {
        const msg =
          'CUDA out of memory. Tried to allocate 2.25 GiB (GPU 0; 7.79 GiB total capacity; 4.12 GiB already ' +
          'allocated; 1.31 GiB free; 4.35 GiB reserved in total by PyTorch) If reserved memory is >> allocated ' +
          'memory try setting max_split_size_mb to avoid fragmentation.';
        return a1111Error(res, 500, 'OutOfMemoryError', msg, msg);
      }
      return a1111Error(
        res,
        500,
        'RuntimeError',
        '',
        'Expected all tensors to be on the same device, but found cuda:0',
      );
    }

    const images = outcome.finished.map((b) => b.toString('base64'));
    const grid = images.length > 1 && (fake.behavior.returnGrid || (fake.options.return_grid && body.save_images));
    if (grid) images.unshift(gridImage(outcome.finished.length, p.width, p.height).toString('base64'));
    const info = {
      prompt: p.prompt,
      all_prompts: seeds.map(() => p.prompt),
      negative_prompt: p.negative,
      all_negative_prompts: seeds.map(() => p.negative),
      seed,
      all_seeds: seeds,
      subseed: seed + 1000,
      all_subseeds: seeds.map((s) => s + 1000),
      subseed_strength: 0,
      width: p.width,
      height: p.height,
      sampler_name: p.sampler,
      cfg_scale: p.cfg,
      steps: p.steps,
      batch_size: p.batch,
      restore_faces: false,
      face_restoration_model: null,
      sd_model_name: outcome.model?.model_name ?? null,
      sd_model_hash: outcome.model?.hash ?? null,
      sd_vae_name: null,
      sd_vae_hash: null,
      seed_resize_from_w: -1,
      seed_resize_from_h: -1,
      denoising_strength: p.denoising,
      extra_generation_params: { 'Schedule type': p.scheduler },
      index_of_first_image: grid ? 1 : 0,
      infotexts: grid ? [outcome.infotexts[0] ?? '', ...outcome.infotexts] : outcome.infotexts,
      styles: [],
      job_timestamp: state.job_timestamp,
      clip_skip: 1,
      is_using_inpainting_conditioning: false,
      version: VERSION,
    };
    const parameters: Json = {
      prompt: p.prompt,
      negative_prompt: p.negative,
      styles: null,
      seed: requestedSeed,
      subseed: -1,
      subseed_strength: 0,
      sampler_name: body.sampler_name ?? null,
      scheduler: body.scheduler ?? null,
      batch_size: p.batch,
      n_iter: p.iterations,
      steps: p.steps,
      cfg_scale: p.cfg,
      width: p.width,
      height: p.height,
      override_settings: body.override_settings ?? null,
      sampler_index: 'Euler',
      send_images: body.send_images ?? true,
      save_images: body.save_images ?? false,
      alwayson_scripts: {},
      ...(kind === 'img2img'
        ? { init_images: null, denoising_strength: p.denoising, resize_mode: 0, mask: null }
        : { enable_hr: false, denoising_strength: null }),
    };
    send(res, 200, { images: body.send_images === false ? [] : images, parameters, info: JSON.stringify(info) });
  }

  async function setOptions(body: Json, res: ServerResponse): Promise<void> {
    const name = body.sd_model_checkpoint;
    if (name !== undefined && name !== null) {
      const found = findCheckpoint(String(name));
      if (!found) return a1111Error(res, 500, 'RuntimeError', '', `model '${String(name)}' not found`);
      if (found.title !== fake.options.sd_model_checkpoint) await queued(() => sleep(fake.behavior.loadDelayMs));
      // A1111 stores the title of what it loaded, whatever alias it was given.
      Object.assign(fake.options, body, { sd_model_checkpoint: found.title, sd_checkpoint_hash: found.sha256 });
    } else {
      Object.assign(fake.options, body);
    }
    send(res, 200, null);
  }

  const routes: Record<string, Record<string, (body: unknown, res: ServerResponse) => void | Promise<void>>> = {
    '/sdapi/v1/sd-models': { GET: (_b, res) => send(res, 200, checkpoints) },
    '/sdapi/v1/options': {
      GET: (_b, res) => send(res, 200, fake.options),
      POST: (b, res) => setOptions(b as Json, res),
    },
    '/sdapi/v1/samplers': { GET: (_b, res) => send(res, 200, SAMPLERS) },
    '/sdapi/v1/schedulers': {
      GET: (_b, res) =>
        fake.behavior.schedulers ? send(res, 200, SCHEDULERS) : send(res, 404, { detail: 'Not Found' }),
    },
    '/sdapi/v1/progress': { GET: (_b, res) => send(res, 200, progress()) },
    '/sdapi/v1/interrupt': {
      POST: (_b, res) => {
        if (state.job_count !== 0) state.interrupted = true;
        send(res, 200, {});
      },
    },
    '/sdapi/v1/txt2img': { POST: (b, res) => generate('txt2img', b as Json, res) },
    '/sdapi/v1/img2img': { POST: (b, res) => generate('img2img', b as Json, res) },
  };

  const authorized = (header: string | undefined) => {
    if (!opts.auth) return true;
    const expected = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
    return header === expected;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: unknown = null;
    let badJson = false;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const method = req.method ?? 'GET';
    fake.requests.push({ method, path: url.pathname + url.search, body, auth: req.headers.authorization });

    const route = fake.behavior.apiOff ? undefined : routes[url.pathname];
    if (!route) return send(res, 404, { detail: 'Not Found' });
    const handler = route[method];
    if (!handler) return send(res, 405, { detail: 'Method Not Allowed' }, { allow: Object.keys(route).join(', ') });
    if (!authorized(req.headers.authorization)) {
      // HTTPBasic says "Not authenticated" when no credentials came, A1111's check the rest.
      const detail = req.headers.authorization?.startsWith('Basic ')
        ? 'Incorrect username or password'
        : 'Not authenticated';
      return httpException(res, 401, detail, { 'www-authenticate': 'Basic' });
    }
    if (method === 'POST' && TAKES_BODY.has(url.pathname)) {
      if (badJson) return send(res, 422, { detail: [jsonDecodeError()] });
      if (!isObject(body)) return send(res, 422, { detail: [bodyNotDict()] });
    }
    await handler(body, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) a1111Error(res, 500, 'Exception', '', String(err));
      else res.destroy();
    });
  });
  const listening = await listenOnLoopback(server, opts.port);
  fake.port = listening.port;
  fake.url = `http://127.0.0.1:${listening.port}`;
  fake.close = listening.close;
  return fake;
}

// ---- validation (FastAPI + pydantic v1, as A1111 answers 422) ----

const TAKES_BODY = new Set(['/sdapi/v1/options', '/sdapi/v1/txt2img', '/sdapi/v1/img2img']);
const INT_FIELDS = ['steps', 'width', 'height', 'batch_size', 'n_iter', 'seed'];
const FLOAT_FIELDS = ['cfg_scale', 'denoising_strength'];
const STR_FIELDS = ['prompt', 'negative_prompt', 'sampler_name', 'scheduler'];
/** This fake's own upper limits (A1111 has none in its schema; its UI stops steps at 150). */
const MAX: Record<string, number> = { steps: 150, batch_size: 8, width: 2048, height: 2048 };

function validate(body: Json): Json[] {
  const errors: Json[] = [];
  for (const f of INT_FIELDS) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    const ok = (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v));
    if (!ok) errors.push({ loc: ['body', f], msg: 'value is not a valid integer', type: 'type_error.integer' });
    else if (MAX[f] !== undefined && Number(v) > MAX[f])
      errors.push({
        loc: ['body', f],
        msg: `ensure this value is less than or equal to ${MAX[f]}`,
        type: 'value_error.number.not_le',
        ctx: { limit_value: MAX[f] },
      });
  }
  for (const f of FLOAT_FIELDS) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    if (!(typeof v === 'number' && Number.isFinite(v)) && !(typeof v === 'string' && Number.isFinite(Number(v))))
      errors.push({ loc: ['body', f], msg: 'value is not a valid float', type: 'type_error.float' });
  }
  for (const f of STR_FIELDS) {
    const v = body[f];
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number')
      errors.push({ loc: ['body', f], msg: 'str type expected', type: 'type_error.str' });
  }
  return errors;
}

const bodyNotDict = (): Json => ({ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' });
const jsonDecodeError = (): Json => ({
  loc: ['body', 0],
  msg: 'Expecting value: line 1 column 1 (char 0)',
  type: 'value_error.jsondecode',
  ctx: { msg: 'Expecting value', pos: 0, lineno: 1, colno: 1 },
});

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- images ----

function isPng(b: Buffer): boolean {
  return b.length > 8 && b.readUInt32BE(0) === 0x89504e47;
}
function isJpeg(b: Buffer): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** A colour from the seed, so different seeds give visibly different images. */
export function seedColour(seed: number): [number, number, number] {
  let x = (seed ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff];
}

/** RGBA pixels: the seed's colour with a soft vertical gradient; `mix` < 1 blends from grey (a preview). */
function pixels(seed: number, width: number, height: number, mix = 1): Buffer {
  const [r, g, b] = seedColour(seed);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const shade = Math.round((y / Math.max(1, height - 1)) * 48) - 24;
    const row = Buffer.from([
      clamp(128 + (r + shade - 128) * mix),
      clamp(128 + (g + shade - 128) * mix),
      clamp(128 + (b + shade - 128) * mix),
      255,
    ]);
    for (let x = 0; x < width; x++) row.copy(data, (y * width + x) * 4);
  }
  return data;
}
const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

function encodePng(width: number, height: number, data: Buffer): Buffer {
  const png = new PNG({ width, height });
  data.copy(png.data);
  return PNG.sync.write(png, { deflateLevel: 1 });
}

function resultImage(seed: number, width: number, height: number, format: string, infotext: string): Buffer {
  const data = pixels(seed, width, height);
  if (format === 'jpg' || format === 'jpeg') return Buffer.from(jpeg.encode({ data, width, height }, 80).data);
  return withTextChunk(encodePng(width, height, data), 'parameters', infotext);
}

/** A live preview at a quarter of the size (at most 128 px a side), fading in as sampling goes on. */
function previewImage(seed: number, width: number, height: number, done: number): Buffer {
  const w = Math.max(8, Math.min(128, Math.round(width / 4)));
  const h = Math.max(8, Math.min(128, Math.round(height / 4)));
  return encodePng(w, h, pixels(seed, w, h, done));
}

function gridImage(count: number, width: number, height: number): Buffer {
  const cols = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  return encodePng(cols * width, rows * height, pixels(0, cols * width, rows * height, 0));
}

/** Insert a tEXt chunk after IHDR, as A1111 stores the generation parameters in its PNGs. */
function withTextChunk(png: Buffer, key: string, value: string): Buffer {
  const data = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

function makeInfotext(
  p: { prompt: string; negative: string; steps: number; sampler: string; scheduler: string; cfg: number } & {
    width: number;
    height: number;
    denoising: number;
  },
  seed: number,
  model: FakeA1111Checkpoint | undefined,
): string {
  const fields = [
    `Steps: ${p.steps}`,
    `Sampler: ${p.sampler}`,
    `Schedule type: ${p.scheduler}`,
    `CFG scale: ${p.cfg}`,
    `Seed: ${seed}`,
    `Size: ${p.width}x${p.height}`,
    ...(model ? [`Model hash: ${model.hash}`, `Model: ${model.model_name}`] : []),
    ...(p.denoising ? [`Denoising strength: ${p.denoising}`] : []),
    `Version: ${VERSION}`,
  ];
  return [p.prompt, ...(p.negative ? [`Negative prompt: ${p.negative}`] : []), fields.join(', ')].join('\n');
}

function jobTimestamp(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}
