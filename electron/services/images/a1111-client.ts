/**
 * The AUTOMATIC1111 / Forge client: its web API (`--api`) behind ImageBackendClient.
 *
 *   createA1111Client(config, deps) → { test, options, generate }
 *
 * generate() switches the checkpoint when asked (POST /sdapi/v1/options), runs txt2img or img2img,
 * and polls /sdapi/v1/progress meanwhile for fractions, steps and live previews. Cancelling posts
 * /sdapi/v1/interrupt and waits for A1111's answer, which holds the images finished so far.
 * Every failure becomes an ImageBackendError whose message says what to do.
 */
import type { ImageRequest } from '../../../shared/types/images';
import { isConnectionError, type FetchLike } from '../providers/provider';
import {
  ImageBackendError,
  type BackendProgress,
  type GeneratedImage,
  type GenerateHooks,
  type GenerateResult,
  type ImageBackendClient,
  type ImageBackendConfig,
  type ImageClientDeps,
} from './backend';
import { sniffImage } from './image-files';

/** Quick calls (lists, options, progress) give up after this long; generation has no limit. */
const QUICK_TIMEOUT_MS = 15_000;
/** After a cancel, how long to wait for A1111 to hand back the finished images. */
const CANCEL_GRACE_MS = 60_000;

interface SdModel {
  title: string;
  model_name: string;
}

interface ProgressAnswer {
  progress?: number;
  eta_relative?: number;
  state?: {
    interrupted?: boolean;
    job_count?: number;
    job_timestamp?: string;
    sampling_step?: number;
    sampling_steps?: number;
  };
  current_image?: string | null;
}

interface GenerationInfo {
  seed?: number;
  all_seeds?: number[];
  sd_model_name?: string | null;
  index_of_first_image?: number;
  job_timestamp?: string;
  width?: number;
  height?: number;
}

type Json = Record<string, unknown>;

export function createA1111Client(config: ImageBackendConfig, deps: ImageClientDeps = {}): ImageBackendClient {
  const doFetch: FetchLike = deps.fetch ?? fetch;
  const pollMs = deps.pollMs ?? 500;
  const base = config.baseUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/sdapi\/v1$/, '');
  const where = safeUrl(base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.username)
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`, 'utf8').toString('base64')}`;

  /** One API call: parsed JSON back, or an ImageBackendError that says what went wrong. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    opts: { timeoutMs?: number | null; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    const timeoutMs = opts.timeoutMs === undefined ? QUICK_TIMEOUT_MS : opts.timeoutMs;
    const signals = [opts.signal, timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => !!s,
    );
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
    } catch (err) {
      throw transportError(err, timeoutMs);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw transportError(err, timeoutMs);
    }
    let json: unknown;
    let isJson = true;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      isJson = false;
    }
    if (!res.ok) throw httpError(res.status, path, isJson ? json : undefined, text);
    if (!isJson)
      throw new ImageBackendError(
        'backend',
        `The server at ${where} answered ${path} with something that is not JSON (${snippet(text, 80)}). ` +
          'Is this the address of AUTOMATIC1111?',
      );
    return json;
  }

  function transportError(err: unknown, timeoutMs: number | null): ImageBackendError {
    const name = (err as { name?: string })?.name;
    if (name === 'TimeoutError')
      return new ImageBackendError(
        'unreachable',
        `AUTOMATIC1111 at ${where} did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s. Is it running, or busy loading a model?`,
      );
    if (hasCode(err, 'UND_ERR_HEADERS_TIMEOUT') || hasCode(err, 'UND_ERR_BODY_TIMEOUT'))
      return new ImageBackendError(
        'backend',
        `AUTOMATIC1111 at ${where} took too long to answer and the connection was given up. ` +
          'The images may still appear in its outputs folder; try a smaller batch or size.',
      );
    if (isConnectionError(err) || err instanceof TypeError)
      return new ImageBackendError('unreachable', `Can't reach AUTOMATIC1111 at ${where}. Is it running?`);
    return new ImageBackendError('backend', `Talking to AUTOMATIC1111 at ${where} failed: ${describe(err)}`);
  }

  function httpError(status: number, path: string, json: unknown, text: string): ImageBackendError {
    const obj = isObject(json) ? json : null;
    const a1111Shaped = !!obj && typeof obj.error === 'string';
    const detail = obj ? obj.detail : undefined;
    if (status === 401)
      return new ImageBackendError(
        'unauthorized',
        config.username
          ? `AUTOMATIC1111 at ${where} refused the user name and password. Check them in Settings: they must match its --api-auth user:password.`
          : `AUTOMATIC1111 at ${where} asks for a user name and password (it was started with --api-auth). Enter them in Settings.`,
      );
    if (status === 404 && !a1111Shaped)
      return new ImageBackendError(
        'no_api',
        `AUTOMATIC1111 answers at ${where} but its API is off: start it with --api (add it to COMMANDLINE_ARGS). ` +
          `If it has --api, check the address (${path} was not found).`,
      );
    if (status === 422 && Array.isArray(detail)) {
      const first = detail.find(isObject);
      const loc = Array.isArray(first?.loc) ? first.loc : [];
      const field = [...loc].reverse().find((p): p is string => typeof p === 'string' && p !== 'body');
      const msg = typeof first?.msg === 'string' ? first.msg : 'invalid value';
      return new ImageBackendError(
        'validation',
        field ? `AUTOMATIC1111 refused the value of "${field}": ${msg}.` : `AUTOMATIC1111 refused the request: ${msg}.`,
        field,
      );
    }
    if ((status === 502 || status === 503 || status === 504) && !obj)
      return new ImageBackendError(
        'unreachable',
        `The server at ${where} answered HTTP ${status}: AUTOMATIC1111 behind it seems to be down. Is it running?`,
      );
    if (!obj)
      return new ImageBackendError(
        'backend',
        `AUTOMATIC1111 at ${where} failed (HTTP ${status}) and its answer is not JSON: ${snippet(text, 120)}`,
      );
    // "HTTPException" says nothing; the detail does.
    const parts = uniqueText([obj.error === 'HTTPException' ? null : obj.error, detail, obj.errors]);
    const all = parts.join(' ');
    if (/OutOfMemory|out of memory/i.test(all))
      return new ImageBackendError(
        'out_of_memory',
        'AUTOMATIC1111 ran out of GPU memory. Try a smaller size or batch, or start it with --medvram (or --lowvram).',
      );
    if (status === 422)
      return new ImageBackendError(
        'validation',
        `AUTOMATIC1111 refused the request: ${snippet(parts.join(': '), 300)}`,
      );
    return new ImageBackendError(
      'backend',
      `AUTOMATIC1111 failed (HTTP ${status}): ${snippet(parts.join(': ') || text, 300)}`,
    );
  }

  const sdModels = async () => asList(await call('GET', '/sdapi/v1/sd-models')).filter(isSdModel);
  const loadedCheckpoint = async () => {
    const opts = await call('GET', '/sdapi/v1/options');
    return isObject(opts) && typeof opts.sd_model_checkpoint === 'string' ? opts.sd_model_checkpoint : null;
  };

  /** Load the asked checkpoint unless it is loaded already; refuse a name A1111 does not have. */
  async function ensureCheckpoint(wanted: string): Promise<void> {
    const [models, current] = await Promise.all([sdModels(), loadedCheckpoint()]);
    const match = models.find((m) => m.title === wanted || m.model_name === wanted || stripHash(m.title) === wanted);
    if (!match) {
      const names = models.map((m) => m.title);
      const list = names.length
        ? `It has: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}.`
        : 'It has none: put .safetensors files in its models/Stable-diffusion folder.';
      throw new ImageBackendError('unknown_checkpoint', `AUTOMATIC1111 has no checkpoint "${wanted}". ${list}`);
    }
    if (current === match.title) return;
    // A1111 answers once the model is loaded, which can take a minute.
    await call('POST', '/sdapi/v1/options', { sd_model_checkpoint: match.title }, { timeoutMs: null });
  }

  /** Poll /sdapi/v1/progress until stopped, turning answers into onProgress calls. */
  function startPolling(hooks: GenerateHooks) {
    const stop = new AbortController();
    let lastPreview: string | null = null;
    let best = 0;
    const seen = { interrupted: false };
    const loop = (async () => {
      while (!stop.signal.aborted) {
        await delay(pollMs, stop.signal);
        if (stop.signal.aborted) break;
        let answer: ProgressAnswer;
        try {
          answer = (await call('GET', '/sdapi/v1/progress?skip_current_image=false', undefined, {
            signal: stop.signal,
          })) as ProgressAnswer;
        } catch {
          continue; // progress is best effort; the generation request decides success
        }
        if (stop.signal.aborted) break;
        if (!isObject(answer)) continue;
        const state = isObject(answer.state) ? answer.state : {};
        if (!state.job_count) continue; // idle: not started yet, or finished
        if (state.interrupted) seen.interrupted = true;
        best = Math.max(best, clamp01(num(answer.progress) ?? 0));
        const eta = num(answer.eta_relative);
        const steps = num(state.sampling_steps);
        const p: BackendProgress = {
          fraction: best,
          etaSeconds: eta !== null && eta >= 0 ? Math.round(eta * 10) / 10 : null,
          step: steps ? (num(state.sampling_step) ?? null) : null,
          steps: steps || null,
        };
        const image = typeof answer.current_image === 'string' ? answer.current_image : null;
        if (image && image !== lastPreview) {
          lastPreview = image;
          const data = decodeBase64(image);
          if (data.length) p.preview = { data, mime: sniffImage(data)?.mime ?? 'image/png' };
        }
        try {
          hooks.onProgress(p);
        } catch {
          // a listener's error must not stop the job
        }
      }
    })();
    return {
      seen,
      async stop() {
        stop.abort();
        await loop;
      },
    };
  }

  async function generate(req: ImageRequest, hooks: GenerateHooks): Promise<GenerateResult> {
    const { signal } = hooks;
    const cancelled = (): GenerateResult => ({ images: [], info: null, model: null, interrupted: true });
    if (signal.aborted) return cancelled();

    if (req.checkpoint) {
      const switching = ensureCheckpoint(req.checkpoint);
      switching.catch(() => undefined);
      const aborted = await Promise.race([switching.then(() => false), whenAborted(signal).then(() => true)]);
      if (aborted) return cancelled();
    }
    if (signal.aborted) return cancelled();

    const batch = req.batchSize ?? 1;
    const body: Json = {
      prompt: req.prompt,
      negative_prompt: req.negativePrompt ?? '',
      seed: req.seed ?? -1,
      batch_size: batch,
      n_iter: 1,
      send_images: true,
      save_images: false,
    };
    if (req.steps !== undefined) body.steps = req.steps;
    if (req.cfgScale !== undefined) body.cfg_scale = req.cfgScale;
    if (req.width !== undefined) body.width = req.width;
    if (req.height !== undefined) body.height = req.height;
    if (req.sampler) body.sampler_name = req.sampler;
    if (req.scheduler) body.scheduler = req.scheduler;
    let path = '/sdapi/v1/txt2img';
    if (hooks.initImage) {
      path = '/sdapi/v1/img2img';
      body.init_images = [hooks.initImage.data.toString('base64')];
      body.denoising_strength = req.denoisingStrength ?? 0.75;
      // Without a size A1111 makes 512×512; keep the init image's own shape instead.
      const size = sniffImage(hooks.initImage.data);
      if (size && body.width === undefined) body.width = roundTo8(size.width);
      if (size && body.height === undefined) body.height = roundTo8(size.height);
    }

    const requestAbort = new AbortController();
    let cancelTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      call('POST', '/sdapi/v1/interrupt', {}).catch(() => undefined);
      cancelTimer = setTimeout(() => requestAbort.abort(), CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const polling = startPolling(hooks);
    let answer: unknown;
    try {
      answer = await call('POST', path, body, { timeoutMs: null, signal: requestAbort.signal });
    } catch (err) {
      if (signal.aborted) return cancelled(); // a user cancel never fails the job
      if (err instanceof ImageBackendError && req.sampler) throw samplerError(err, req.sampler);
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(cancelTimer);
      await polling.stop();
    }

    let result: ReturnType<typeof readResult>;
    try {
      result = readResult(answer, req, body);
    } catch (err) {
      if (signal.aborted) return cancelled();
      throw err;
    }
    let interrupted = signal.aborted || polling.seen.interrupted;
    if (!interrupted) interrupted = await interruptedOnServer(result.jobTimestamp);
    return { images: result.images, info: result.info, model: result.model, interrupted };
  }

  /** After the fact: did A1111 itself interrupt this job (someone pressed Interrupt in its page)? */
  async function interruptedOnServer(jobTimestamp: string | null): Promise<boolean> {
    if (!jobTimestamp) return false;
    try {
      const p = (await call('GET', '/sdapi/v1/progress?skip_current_image=true')) as ProgressAnswer;
      return !!p?.state?.interrupted && p.state.job_timestamp === jobTimestamp;
    } catch {
      return false;
    }
  }

  /** A 404 "Sampler not found" from txt2img names the sampler; other errors pass through. */
  function samplerError(err: ImageBackendError, sampler: string): ImageBackendError {
    if (!/Sampler not found/i.test(err.message)) return err;
    return new ImageBackendError(
      'validation',
      `AUTOMATIC1111 has no sampler "${sampler}". Pick one from the list.`,
      'sampler',
    );
  }

  function readResult(answer: unknown, req: ImageRequest, body: Json) {
    if (!isObject(answer) || !Array.isArray(answer.images))
      throw new ImageBackendError('backend', `AUTOMATIC1111 at ${where} answered without images.`);
    let info: unknown = answer.info ?? null;
    if (typeof info === 'string') {
      try {
        info = JSON.parse(info);
      } catch {
        // keep the text as it came
      }
    }
    const gi: GenerationInfo = isObject(info) ? (info as GenerationInfo) : {};
    const first = Number.isInteger(gi.index_of_first_image) ? Math.max(0, gi.index_of_first_image!) : 0;
    const seeds = Array.isArray(gi.all_seeds) ? gi.all_seeds : typeof gi.seed === 'number' ? [gi.seed] : [];
    const fallbackW = num(gi.width) ?? num(body.width) ?? req.width ?? null;
    const fallbackH = num(gi.height) ?? num(body.height) ?? req.height ?? null;
    const images: GeneratedImage[] = [];
    answer.images.slice(first).forEach((b64, i) => {
      if (typeof b64 !== 'string') return;
      const data = decodeBase64(b64);
      if (!data.length) return;
      const size = sniffImage(data);
      images.push({
        data,
        mime: size?.mime ?? 'application/octet-stream',
        seed: num(seeds[i]) ?? (seeds.length === 1 ? num(seeds[0]) : null),
        width: size?.width ?? fallbackW,
        height: size?.height ?? fallbackH,
      });
    });
    return {
      images,
      info,
      model: (typeof gi.sd_model_name === 'string' && gi.sd_model_name) || req.checkpoint || null,
      jobTimestamp: typeof gi.job_timestamp === 'string' ? gi.job_timestamp : null,
    };
  }

  return {
    async test() {
      const models = await sdModels();
      const current = await loadedCheckpoint().catch(() => null);
      const parts = ['AUTOMATIC1111 answers'];
      parts.push(
        models.length
          ? `${models.length} checkpoint${models.length === 1 ? '' : 's'}`
          : 'no checkpoints (put .safetensors files in models/Stable-diffusion)',
      );
      if (current) parts.push(`loaded: ${current}`);
      return parts.join(' · ');
    },

    async options() {
      const [models, current, samplers, schedulers] = await Promise.all([
        sdModels(),
        loadedCheckpoint(),
        call('GET', '/sdapi/v1/samplers').then(asList),
        // Older than 1.9: no schedulers endpoint (the scheduler is part of the sampler's name).
        call('GET', '/sdapi/v1/schedulers')
          .then(asList)
          .catch((err: unknown) => {
            if (err instanceof ImageBackendError && err.kind === 'no_api') return [];
            throw err;
          }),
      ]);
      return {
        checkpoints: models.map((m) => ({ name: m.model_name, title: m.title })),
        currentCheckpoint: current,
        samplers: samplers.flatMap((s) => (isObject(s) && typeof s.name === 'string' ? [s.name] : [])),
        schedulers: schedulers.flatMap((s) => {
          if (!isObject(s)) return [];
          const label = typeof s.label === 'string' ? s.label : typeof s.name === 'string' ? s.name : null;
          return label ? [label] : [];
        }),
        sizes: [],
        qualities: [],
        img2img: true,
      };
    },

    generate,
  };
}

// ---- helpers ----

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isSdModel = (v: unknown): v is SdModel =>
  isObject(v) && typeof v.title === 'string' && typeof v.model_name === 'string';
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const clamp01 = (v: number) => Math.max(0, Math.min(1, v));
const roundTo8 = (v: number) => Math.max(64, Math.round(v / 8) * 8);
/** "name.safetensors [6ce0161689]" → "name.safetensors" */
const stripHash = (title: string) => title.replace(/\s*\[[0-9a-f]+\]$/i, '');

function hasCode(err: unknown, code: string): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++)
    if ((e as { code?: string }).code === code) return true;
  return false;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The non-empty texts, without one that another already contains ("404: Sampler not found" ⊃ "Sampler not found"). */
function uniqueText(values: unknown[]): string[] {
  const texts = values.map((v) =>
    typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : JSON.stringify(v),
  );
  return texts.filter((t, i) => t && !texts.some((o, j) => j !== i && o.includes(t) && (o !== t || j < i)));
}

function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat || '(empty)';
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Base64 (or a data: URL) → bytes. */
function decodeBase64(s: string): Buffer {
  const comma = s.startsWith('data:') ? s.indexOf(',') : -1;
  return Buffer.from(comma >= 0 ? s.slice(comma + 1) : s, 'base64');
}
