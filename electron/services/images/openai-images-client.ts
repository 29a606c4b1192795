/**
 * OpenAI Images (and OpenAI-compatible image endpoints) as an ImageBackendClient, through the
 * `openai` package: POST /images/generations for images, GET /models for the model list and test.
 *
 * The API sends no progress: a job reports 0 at the start and 1 at the end (dall-e-3 takes one
 * image per request, so a batch also moves after each image). Models differ in what they accept:
 * gpt-image-* always answers base64 and refuses response_format; dall-e-* answer with a URL unless
 * asked for b64_json. Errors become ImageBackendError in plain words.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import type { ImageRequest } from '../../../shared/types/images';
import { isAbortError, isConnectionError } from '../providers/provider';
import {
  ImageBackendError,
  type GeneratedImage,
  type GenerateHooks,
  type GenerateResult,
  type ImageBackendClient,
  type ImageBackendConfig,
  type ImageClientDeps,
} from './backend';
import { sniffImage } from './image-files';

/** Offered when the service does not list its models (or lists none that make images). */
export const FALLBACK_IMAGE_MODELS = ['gpt-image-1', 'dall-e-3', 'dall-e-2'];
/** Used when the request names no model. */
export const DEFAULT_IMAGE_MODEL = 'gpt-image-1';

const isGptImage = (model: string) => /(^|\/)gpt-image/i.test(model);
const isDalle = (model: string) => /(^|\/)dall-e/i.test(model);
const isDalle3 = (model: string) => /(^|\/)dall-e-3/i.test(model);
const isDalle2 = (model: string) => /(^|\/)dall-e-2/i.test(model);

/** Does this model id look like one that makes images? */
export function isImageModel(id: string): boolean {
  return (
    isGptImage(id) || isDalle(id) || /image|dall|flux|stable-diffusion/i.test(id) || /(^|[^a-z])sd/i.test(id) // sdxl, sd3, sd-turbo: "sd" starting a word, not inside one
  );
}

/** The sizes a model takes, "auto" first where it exists. */
export function openAiImageSizes(model: string): string[] {
  if (isDalle2(model)) return ['256x256', '512x512', '1024x1024'];
  if (isDalle3(model)) return ['1024x1024', '1792x1024', '1024x1792'];
  return ['auto', '1024x1024', '1536x1024', '1024x1536'];
}

/** The qualities a model takes ([] = it has no quality setting). */
export function openAiImageQualities(model: string): string[] {
  if (isDalle3(model)) return ['standard', 'hd'];
  if (isGptImage(model)) return ['auto', 'low', 'medium', 'high'];
  return [];
}

/** gpt-image first, then dall-e-3, dall-e-2, then the rest by name. */
function modelRank(id: string): number {
  if (isGptImage(id)) return 0;
  if (isDalle3(id)) return 1;
  if (isDalle2(id)) return 2;
  return 3;
}

/** Our parameter names for OpenAI's, so the panel can point at the field it refused. */
const FIELD_FOR_PARAM: Record<string, keyof ImageRequest> = {
  prompt: 'prompt',
  size: 'size',
  quality: 'quality',
  n: 'batchSize',
  model: 'checkpoint',
};

export function createOpenAiImagesClient(config: ImageBackendConfig, deps: ImageClientDeps = {}): ImageBackendClient {
  const label = config.label || 'OpenAI Images';
  const client = new OpenAI({
    baseURL: config.baseUrl,
    // Local servers need no key, but the package insists on one.
    apiKey: config.apiKey || 'no-key',
    maxRetries: 0,
    // gpt-image-1 at high quality can take a couple of minutes.
    timeout: 10 * 60_000,
    fetch: deps.fetch,
  });
  const fetchImpl = deps.fetch ?? globalThis.fetch;

  function translate(err: unknown, model?: string): ImageBackendError {
    if (err instanceof ImageBackendError) return err;
    if (err instanceof APIError && err.status !== undefined) {
      const detail = (err.error as { message?: string } | undefined)?.message ?? err.message.replace(/^\d{3}\s*/, '');
      const status = err.status;
      const code = err.code ?? null;
      if (status === 401 || status === 403) {
        return new ImageBackendError(
          'unauthorized',
          `${label} refused the API key (HTTP ${status}). Set the API key in Settings (or OPENAI_API_KEY).`,
        );
      }
      if (status === 429) {
        return new ImageBackendError(
          'backend',
          code === 'insufficient_quota'
            ? `${label}: the account's quota is used up. Check the plan and billing, then try again.`
            : `${label} is rate-limiting requests. Wait a moment and try again. (${detail})`,
        );
      }
      if (code === 'content_policy_violation' || code === 'moderation_blocked') {
        return new ImageBackendError(
          'backend',
          `${label} refused the prompt: its safety system blocked it. Rephrase the prompt and try again.`,
        );
      }
      if (status === 404) {
        if (model && (code === 'model_not_found' || /model/i.test(detail))) {
          return new ImageBackendError(
            'unknown_checkpoint',
            `${label} has no image model "${model}" (or this key cannot use it). Choose another model.`,
            'checkpoint',
          );
        }
        return new ImageBackendError(
          'no_api',
          `${label} at ${config.baseUrl} does not offer the images API (HTTP 404).`,
        );
      }
      if (status === 400 && err.param) {
        const field = FIELD_FOR_PARAM[err.param] ?? err.param;
        return new ImageBackendError('validation', `${label} refused the ${err.param}: ${detail}`, field);
      }
      return new ImageBackendError('backend', `${label} answered HTTP ${status}: ${detail}`);
    }
    if (err instanceof APIConnectionTimeoutError) {
      return new ImageBackendError('unreachable', `${label} at ${config.baseUrl} did not answer in time.`);
    }
    if (err instanceof APIConnectionError || isConnectionError(err)) {
      return new ImageBackendError(
        'unreachable',
        `Can't reach ${label} at ${config.baseUrl}. Check the address in Settings and your connection.`,
      );
    }
    return new ImageBackendError('backend', `${label}: ${(err as Error)?.message ?? String(err)}`);
  }

  async function listImageModels(): Promise<string[]> {
    const page = await client.models.list({ signal: AbortSignal.timeout(15_000) });
    return page.data
      .map((m) => m.id)
      .filter(isImageModel)
      .sort((a, b) => modelRank(a) - modelRank(b) || a.localeCompare(b));
  }

  /** The images of one response: base64, or downloaded when the service answered with URLs. */
  async function imagesOf(res: ImagesResponse, signal: AbortSignal): Promise<GeneratedImage[]> {
    const out: GeneratedImage[] = [];
    for (const item of res.data ?? []) {
      let data: Buffer | null = null;
      if (item.b64_json) data = Buffer.from(item.b64_json, 'base64');
      else if (item.url && /^https?:\/\//i.test(item.url)) {
        const got = await fetchImpl(item.url, { signal });
        if (!got.ok)
          throw new ImageBackendError('backend', `${label}: the image could not be downloaded (HTTP ${got.status}).`);
        data = Buffer.from(await got.arrayBuffer());
      }
      if (!data) continue;
      const kind = sniffImage(data);
      if (!kind) throw new ImageBackendError('backend', `${label} sent something that is not an image.`);
      out.push({ data, mime: kind.mime, seed: null, width: kind.width, height: kind.height });
    }
    return out;
  }

  return {
    async test() {
      let models: string[];
      try {
        models = await listImageModels();
      } catch (err) {
        throw translate(err);
      }
      const n = models.length;
      return `OpenAI-compatible API answers · ${n === 0 ? 'no image models listed' : `${n} image model${n === 1 ? '' : 's'}`}`;
    },

    async options() {
      let models: string[] = [];
      try {
        models = await listImageModels();
      } catch (err) {
        const e = translate(err);
        // A wrong key fails generation too: say so now. Otherwise offer the usual models.
        if (e.kind === 'unauthorized') throw e;
      }
      if (models.length === 0) models = FALLBACK_IMAGE_MODELS;
      // No model chosen means DEFAULT_IMAGE_MODEL (generate); its sizes are the ones shown then.
      const all = [...new Set([DEFAULT_IMAGE_MODEL, ...models])];
      return {
        checkpoints: models.map((name) => ({ name, title: name })),
        currentCheckpoint: DEFAULT_IMAGE_MODEL,
        samplers: [],
        schedulers: [],
        sizes: openAiImageSizes(DEFAULT_IMAGE_MODEL),
        qualities: openAiImageQualities(DEFAULT_IMAGE_MODEL),
        sizesByModel: Object.fromEntries(all.map((m) => [m, openAiImageSizes(m)])),
        qualitiesByModel: Object.fromEntries(all.map((m) => [m, openAiImageQualities(m)])),
        img2img: false,
      };
    },

    async generate(req: ImageRequest, hooks: GenerateHooks): Promise<GenerateResult> {
      const model = req.checkpoint?.trim() || DEFAULT_IMAGE_MODEL;
      const count = Math.max(1, req.batchSize ?? 1);
      // dall-e-3 makes one image per request.
      const perRequest = isDalle3(model) ? 1 : count;
      const size =
        req.size ||
        (req.width && req.height && openAiImageSizes(model).includes(`${req.width}x${req.height}`)
          ? `${req.width}x${req.height}`
          : undefined);
      let sendResponseFormat = !isGptImage(model);
      const images: GeneratedImage[] = [];
      const responses: ImagesResponse[] = [];
      const revised: (string | null)[] = [];
      const progress = (fraction: number) => hooks.onProgress({ fraction, etaSeconds: null, step: null, steps: null });
      const result = (interrupted: boolean): GenerateResult => ({
        images,
        info: infoOf(model, responses, revised),
        model,
        interrupted,
      });

      if (hooks.signal.aborted) return result(true);
      progress(0);
      while (images.length < count) {
        const body: ImageGenerateParamsNonStreaming = {
          model,
          prompt: req.prompt,
          n: Math.min(perRequest, count - images.length),
          ...(size ? { size: size as ImageGenerateParamsNonStreaming['size'] } : {}),
          ...(req.quality ? { quality: req.quality as ImageGenerateParamsNonStreaming['quality'] } : {}),
          ...(sendResponseFormat ? { response_format: 'b64_json' as const } : {}),
        };
        let res: ImagesResponse;
        try {
          res = await client.images.generate(body, { signal: hooks.signal });
        } catch (err) {
          if (hooks.signal.aborted || isAbortError(err)) return result(true);
          // A compatible service that serves a gpt-image model under another name: ask again without it.
          if (sendResponseFormat && err instanceof APIError && err.status === 400 && err.param === 'response_format') {
            sendResponseFormat = false;
            continue;
          }
          throw translate(err, model);
        }
        let got: GeneratedImage[];
        try {
          got = await imagesOf(res, hooks.signal);
        } catch (err) {
          if (hooks.signal.aborted || isAbortError(err)) return result(true);
          throw translate(err, model);
        }
        if (got.length === 0) throw new ImageBackendError('backend', `${label} answered without an image.`);
        responses.push(res);
        for (const item of res.data ?? []) revised.push(item.revised_prompt ?? null);
        images.push(...got);
        if (images.length < count) progress(images.length / count);
      }
      progress(1);
      return result(false);
    },
  };
}

/** What the gallery keeps of OpenAI's answer: the revised prompt(s), time, model, usage, size. */
function infoOf(model: string, responses: ImagesResponse[], revised: (string | null)[]): Record<string, unknown> {
  const first = responses[0];
  const info: Record<string, unknown> = { model, created: first?.created ?? null };
  const revisedPrompts = revised.filter((r): r is string => typeof r === 'string');
  if (revisedPrompts.length) {
    info.revised_prompt = revisedPrompts[0];
    if (revised.length > 1) info.revised_prompts = revised;
  }
  if (first?.size) info.size = first.size;
  if (first?.quality) info.quality = first.quality;
  if (first?.background) info.background = first.background;
  if (first?.output_format) info.output_format = first.output_format;
  const usages = responses.map((r) => r.usage).filter((u) => u !== undefined);
  if (usages.length === 1) info.usage = usages[0];
  else if (usages.length > 1) {
    info.usage = {
      input_tokens: usages.reduce((s, u) => s + (u.input_tokens ?? 0), 0),
      output_tokens: usages.reduce((s, u) => s + (u.output_tokens ?? 0), 0),
      total_tokens: usages.reduce((s, u) => s + (u.total_tokens ?? 0), 0),
    };
  }
  return info;
}
