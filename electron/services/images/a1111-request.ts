/**
 * One txt2img / img2img exchange with AUTOMATIC1111: the request body built from an ImageRequest
 * (img2img when there is an init image, sized like it unless a size is asked), and the images read
 * back from its answer with their seeds and sizes (its `info` is JSON inside a string).
 */
import type { ImageRequest } from '../../../shared/types/images';
import type { GeneratedImage, GenerateHooks } from './backend';
import { noImages } from './a1111-errors';
import { decodeBase64, isObject, num, type Json } from './a1111-json';
import { sniffImage } from './image-files';

interface GenerationInfo {
  seed?: number;
  all_seeds?: number[];
  sd_model_name?: string | null;
  index_of_first_image?: number;
  job_timestamp?: string;
  width?: number;
  height?: number;
}

export interface A1111Result {
  images: GeneratedImage[];
  /** A1111's generation info, parsed when it is JSON. */
  info: unknown;
  model: string | null;
  jobTimestamp: string | null;
}

/** The endpoint and body for `req`. */
export function buildRequest(req: ImageRequest, hooks: Pick<GenerateHooks, 'initImage'>): { path: string; body: Json } {
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
  return { path, body };
}

/** The images of A1111's answer (grids skipped), each with its seed and size. */
export function readResult(answer: unknown, req: ImageRequest, body: Json, where: string): A1111Result {
  if (!isObject(answer) || !Array.isArray(answer.images)) throw noImages(where);
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

const roundTo8 = (v: number) => Math.max(64, Math.round(v / 8) * 8);
