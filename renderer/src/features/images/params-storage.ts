/**
 * The parameter panel's values, remembered per backend in localStorage
 * (`hearth.images.params.<backendId>`) and the backend last used (`hearth.images.lastBackend`, which
 * the chat's `/image` reads too). Everything read back is checked field by field: a field that is
 * not what it should be takes its default, and a value that is not JSON at all is ignored.
 */
import type { ImageBackendKind } from '../../../../shared/types/images';
import { LAST_BACKEND_KEY } from '../chat/image-command';

export interface ImageParams {
  negativePrompt: string;
  /** A1111 checkpoint title, ComfyUI ckpt_name, OpenAI model; '' leaves it to the backend. */
  checkpoint: string;
  sampler: string;
  scheduler: string;
  steps: number;
  cfgScale: number;
  width: number;
  height: number;
  /** Used when `randomSeed` is off. */
  seed: number;
  randomSeed: boolean;
  /** Images per job (OpenAI: the count). */
  batchSize: number;
  /** ComfyUI: '' is the built-in default workflow. */
  workflowId: string;
  /** OpenAI: '' leaves size and quality to the model. */
  size: string;
  quality: string;
  /** img2img: 0..1. */
  denoisingStrength: number;
}

export const PARAMS_KEY_PREFIX = 'hearth.images.params.';
export const MAX_SEED = 2 ** 53 - 1;

export function defaultParams(kind: ImageBackendKind): ImageParams {
  return {
    negativePrompt: '',
    checkpoint: '',
    sampler: '',
    scheduler: '',
    steps: kind === 'comfyui' ? 20 : 25,
    cfgScale: 7,
    width: kind === 'openai' ? 1024 : 512,
    height: kind === 'openai' ? 1024 : 512,
    seed: 0,
    randomSeed: true,
    batchSize: 1,
    workflowId: '',
    size: '',
    quality: '',
    denoisingStrength: 0.6,
  };
}

type Check = (v: unknown) => boolean;
const str =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;
const int =
  (min: number, max: number, multipleOf = 1): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max && v % multipleOf === 0;
const num =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const bool: Check = (v) => typeof v === 'boolean';

const CHECKS: { [K in keyof ImageParams]: Check } = {
  negativePrompt: str(20_000),
  checkpoint: str(500),
  sampler: str(100),
  scheduler: str(100),
  steps: int(1, 150),
  cfgScale: num(0, 30),
  width: int(64, 4096, 8),
  height: int(64, 4096, 8),
  seed: int(0, MAX_SEED),
  randomSeed: bool,
  batchSize: int(1, 8),
  workflowId: (v) => v === '' || (typeof v === 'string' && /^[a-z0-9-]{1,40}$/.test(v)),
  size: str(20),
  quality: str(20),
  denoisingStrength: num(0, 1),
};

/** Keep each field of `raw` that passes its check; the rest come from `base`. */
export function validParams(raw: unknown, base: ImageParams): ImageParams {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return base;
  const out: ImageParams = { ...base };
  const src = raw as Record<string, unknown>;
  for (const key of Object.keys(CHECKS) as (keyof ImageParams)[]) {
    const v = src[key];
    if (CHECKS[key](v)) (out as unknown as Record<string, unknown>)[key] = v;
  }
  return out;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** localStorage when the page has one and may use it (it throws in some sandboxes). */
export function pageStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readParams(
  backendId: string,
  kind: ImageBackendKind,
  storage: KeyValueStorage | null = pageStorage(),
): ImageParams {
  const base = defaultParams(kind);
  try {
    const text = storage?.getItem(PARAMS_KEY_PREFIX + backendId);
    return text ? validParams(JSON.parse(text), base) : base;
  } catch {
    return base; // not JSON, or storage refused: the defaults
  }
}

export function writeParams(
  backendId: string,
  params: ImageParams,
  storage: KeyValueStorage | null = pageStorage(),
): void {
  try {
    storage?.setItem(PARAMS_KEY_PREFIX + backendId, JSON.stringify(params));
  } catch {
    // Full or refused: the values are only a convenience.
  }
}

/** The backend last used here (LAST_BACKEND_KEY): the chat's `/image` uses the same one. */
export function readLastBackend(storage: KeyValueStorage | null = pageStorage()): string | null {
  try {
    return storage?.getItem(LAST_BACKEND_KEY) ?? null;
  } catch {
    return null;
  }
}

export function writeLastBackend(id: string, storage: KeyValueStorage | null = pageStorage()): void {
  try {
    storage?.setItem(LAST_BACKEND_KEY, id);
  } catch {}
}
