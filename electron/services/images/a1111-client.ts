/**
 * The AUTOMATIC1111 / Forge client: its web API (`--api`) behind ImageBackendClient.
 *
 *   createA1111Client(config, deps) → { test, options, generate }
 *
 * generate() switches the checkpoint when asked (POST /sdapi/v1/options), runs txt2img or img2img
 * (a1111-request.ts), and polls /sdapi/v1/progress meanwhile for fractions, steps and live previews
 * (a1111-progress.ts). Cancelling posts /sdapi/v1/interrupt and waits for A1111's answer, which holds
 * the images finished so far. Every failure becomes an ImageBackendError whose message says what to
 * do (a1111-errors.ts); the calls themselves are in a1111-http.ts.
 */
import type { ImageRequest } from '../../../shared/types/images';
import {
  ImageBackendError,
  type GenerateHooks,
  type GenerateResult,
  type ImageBackendClient,
  type ImageBackendConfig,
  type ImageClientDeps,
} from './backend';
import { samplerError, unknownCheckpoint } from './a1111-errors';
import { createA1111Api } from './a1111-http';
import { asList, isObject } from './a1111-json';
import { interruptedOnServer, startPolling } from './a1111-progress';
import { buildRequest, readResult, type A1111Result } from './a1111-request';

/** After a cancel, how long to wait for A1111 to hand back the finished images. */
const CANCEL_GRACE_MS = 60_000;

interface SdModel {
  title: string;
  model_name: string;
}

const isSdModel = (v: unknown): v is SdModel =>
  isObject(v) && typeof v.title === 'string' && typeof v.model_name === 'string';
const titleOf = (m: SdModel) => m.title;
/** "name.safetensors [6ce0161689]" → "name.safetensors" */
const stripHash = (title: string) => title.replace(/\s*\[[0-9a-f]+\]$/i, '');

export function createA1111Client(config: ImageBackendConfig, deps: ImageClientDeps = {}): ImageBackendClient {
  const pollMs = deps.pollMs ?? 500;
  const { where, call } = createA1111Api(config, deps.fetch ?? fetch);

  const sdModels = async () => asList(await call('GET', '/sdapi/v1/sd-models')).filter(isSdModel);
  const loadedCheckpoint = async () => {
    const opts = await call('GET', '/sdapi/v1/options');
    return isObject(opts) && typeof opts.sd_model_checkpoint === 'string' ? opts.sd_model_checkpoint : null;
  };

  /** Load the asked checkpoint unless it is loaded already; refuse a name A1111 does not have. */
  async function ensureCheckpoint(wanted: string): Promise<void> {
    const [models, current] = await Promise.all([sdModels(), loadedCheckpoint()]);
    const match = models.find((m) => m.title === wanted || m.model_name === wanted || stripHash(m.title) === wanted);
    if (!match) throw unknownCheckpoint(wanted, models.map(titleOf));
    if (current === match.title) return;
    // A1111 answers once the model is loaded, which can take a minute.
    await call('POST', '/sdapi/v1/options', { sd_model_checkpoint: match.title }, { timeoutMs: null });
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

    const { path, body } = buildRequest(req, hooks);
    const requestAbort = new AbortController();
    let cancelTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      call('POST', '/sdapi/v1/interrupt', {}).catch(() => undefined);
      cancelTimer = setTimeout(() => requestAbort.abort(), CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const polling = startPolling(call, hooks, pollMs);
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

    let result: A1111Result;
    try {
      result = readResult(answer, req, body, where);
    } catch (err) {
      if (signal.aborted) return cancelled();
      throw err;
    }
    let interrupted = signal.aborted || polling.seen.interrupted;
    if (!interrupted) interrupted = await interruptedOnServer(call, result.jobTimestamp);
    return { images: result.images, info: result.info, model: result.model, interrupted };
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

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
