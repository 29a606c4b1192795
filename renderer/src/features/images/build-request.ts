/**
 * Between the form and images.generate: the request a backend kind takes from the panel's values,
 * a check in plain words before it is sent (the same limits as the contract's ImageRequestSchema),
 * and the way back for "Reuse parameters" (a gallery image's request fills the panel, seed included).
 */
import type { ImageBackendKind, ImageBackendOptions, ImageRequest } from '../../../../shared/types/images';
import { MAX_SEED, type ImageParams } from './params-storage';

/** Field names as the panel shows them (also for the backend's `error.field`). */
export const FIELD_LABELS: Record<string, string> = {
  prompt: 'Prompt',
  negativePrompt: 'Negative prompt',
  steps: 'Steps',
  cfgScale: 'CFG scale',
  width: 'Width',
  height: 'Height',
  sampler: 'Sampler',
  scheduler: 'Scheduler',
  seed: 'Seed',
  batchSize: 'Batch size',
  checkpoint: 'Checkpoint',
  initImageId: 'Init image',
  denoisingStrength: 'Denoising strength',
  workflowId: 'Workflow',
  size: 'Size',
  quality: 'Quality',
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field;

export interface FieldProblem {
  field: keyof ImageRequest;
  message: string;
}

export function buildRequest(
  kind: ImageBackendKind,
  prompt: string,
  p: ImageParams,
  initImageId: string | null,
  options: ImageBackendOptions | null,
): ImageRequest {
  const r: ImageRequest = { prompt: prompt.trim(), batchSize: p.batchSize };
  if (p.checkpoint) r.checkpoint = p.checkpoint;
  if (kind === 'openai') {
    if (p.size) r.size = p.size;
    if (p.quality) r.quality = p.quality;
  } else {
    if (p.negativePrompt.trim()) r.negativePrompt = p.negativePrompt;
    r.steps = p.steps;
    r.cfgScale = p.cfgScale;
    r.width = p.width;
    r.height = p.height;
    if (p.sampler) r.sampler = p.sampler;
    if (p.scheduler) r.scheduler = p.scheduler;
    r.seed = p.randomSeed ? -1 : p.seed;
    if (kind === 'comfyui' && p.workflowId) r.workflowId = p.workflowId;
  }
  if (initImageId && options?.img2img) {
    r.initImageId = initImageId;
    r.denoisingStrength = p.denoisingStrength;
  }
  return r;
}

const whole = (v: number | undefined, min: number, max: number) =>
  v === undefined || (Number.isInteger(v) && v >= min && v <= max);

/** The first thing wrong with a request, in words, or null. */
export function checkRequest(r: ImageRequest): FieldProblem | null {
  if (!r.prompt.trim()) return { field: 'prompt', message: 'Write a prompt: what should the image show?' };
  if (r.prompt.length > 20_000)
    return { field: 'prompt', message: 'The prompt is too long (20,000 characters at most).' };
  if ((r.negativePrompt?.length ?? 0) > 20_000)
    return { field: 'negativePrompt', message: 'The negative prompt is too long (20,000 characters at most).' };
  if (!whole(r.steps, 1, 150)) return { field: 'steps', message: 'Steps must be a whole number from 1 to 150.' };
  if (r.cfgScale !== undefined && !(r.cfgScale >= 0 && r.cfgScale <= 30))
    return { field: 'cfgScale', message: 'CFG scale must be between 0 and 30.' };
  for (const field of ['width', 'height'] as const) {
    const v = r[field];
    if (v !== undefined && !(whole(v, 64, 4096) && v % 8 === 0))
      return { field, message: `${FIELD_LABELS[field]} must be a multiple of 8 from 64 to 4096.` };
  }
  if (r.seed !== undefined && !whole(r.seed, -1, MAX_SEED))
    return { field: 'seed', message: 'The seed must be a whole number of 0 or more.' };
  if (!whole(r.batchSize, 1, 8)) return { field: 'batchSize', message: 'Batch size must be from 1 to 8.' };
  if (r.denoisingStrength !== undefined && !(r.denoisingStrength >= 0 && r.denoisingStrength <= 1))
    return { field: 'denoisingStrength', message: 'Denoising strength must be between 0 and 1.' };
  return null;
}

/**
 * "Reuse parameters": the panel's values from an image's request. The seed is the one the image was
 * made with (`seed`, the real one, when known), fixed so the same image can be made again.
 */
export function paramsFromRequest(r: ImageRequest, seed: number | null, base: ImageParams): ImageParams {
  const next: ImageParams = { ...base, negativePrompt: r.negativePrompt ?? '' };
  if (r.checkpoint !== undefined) next.checkpoint = r.checkpoint;
  if (r.sampler !== undefined) next.sampler = r.sampler;
  if (r.scheduler !== undefined) next.scheduler = r.scheduler;
  if (r.steps !== undefined) next.steps = r.steps;
  if (r.cfgScale !== undefined) next.cfgScale = r.cfgScale;
  if (r.width !== undefined) next.width = r.width;
  if (r.height !== undefined) next.height = r.height;
  if (r.batchSize !== undefined) next.batchSize = r.batchSize;
  if (r.workflowId !== undefined) next.workflowId = r.workflowId;
  if (r.size !== undefined) next.size = r.size;
  if (r.quality !== undefined) next.quality = r.quality;
  if (r.denoisingStrength !== undefined) next.denoisingStrength = r.denoisingStrength;
  const used = seed ?? r.seed;
  if (used !== undefined && used !== null && used >= 0) {
    next.seed = used;
    next.randomSeed = false;
  }
  return next;
}

/** A fresh fixed seed (the dice): within 32 bits, which every backend takes. */
export function rollSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 2 ** 32);
}

/**
 * The app's answer to a refused images.generate in words: a contract check ("Invalid input for
 * images.generate: request.steps: …") names the field as the panel does; other messages stay.
 */
export function explainRefusal(message: string): { message: string; field?: string } {
  const m = /^Invalid input for [\w.]+: (?:(?:request\.)?([\w.]+): )?(.*)$/.exec(message);
  if (!m) return { message };
  const field = m[1];
  if (!field || !(field in FIELD_LABELS)) return { message: m[2] ?? message };
  return { message: `${FIELD_LABELS[field]}: ${m[2]}`, field };
}
