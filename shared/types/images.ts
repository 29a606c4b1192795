/**
 * Image generation: backends (AUTOMATIC1111/Forge, ComfyUI, OpenAI Images), jobs and the gallery.
 * Shared by the image service, the contract and the renderer. Image bytes never travel inside these
 * rows: files live under <data>/images and reach the page as data URLs on request.
 */

export type ImageBackendKind = 'a1111' | 'comfyui' | 'openai';

export const IMAGE_BACKEND_NAMES: Record<ImageBackendKind, string> = {
  a1111: 'AUTOMATIC1111 / Forge',
  comfyui: 'ComfyUI',
  openai: 'OpenAI Images',
};

/**
 * Which node input of a ComfyUI API-format workflow takes each parameter ("<node id>.<input name>").
 * Only `prompt` is required; unmapped parameters keep the workflow's own values.
 */
export interface ComfyMapping {
  prompt: string;
  negativePrompt?: string;
  seed?: string;
  steps?: string;
  cfgScale?: string;
  width?: string;
  height?: string;
  checkpoint?: string;
  sampler?: string;
  scheduler?: string;
  batchSize?: string;
}

export interface ComfyWorkflow {
  id: string;
  name: string;
  /** The workflow in ComfyUI's API format: { "<node id>": { class_type, inputs } }. */
  workflow: Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: unknown }>;
  mapping: ComfyMapping;
}

/** A configured backend as the UI sees it: secrets are never sent back, only whether one is set. */
export interface ImageBackendView {
  id: string;
  kind: ImageBackendKind;
  label: string;
  baseUrl: string;
  /** AUTOMATIC1111 --api-auth user name (the password is stored encrypted). */
  username: string | null;
  passwordSet: boolean;
  /** OpenAI: whether an API key is stored (or comes from OPENAI_API_KEY). */
  apiKeySet: boolean;
  /** The stored secret cannot be opened (the secrets key changed): ask for it again. */
  secretUnreadable: boolean;
  /** From the environment (AUTOMATIC1111_BASE_URL, COMFYUI_BASE_URL): shown, not editable. */
  fromEnv: boolean;
  /** ComfyUI: the user's imported workflows (the built-in default is always there). */
  workflows: ComfyWorkflow[];
}

export interface ImageBackendOptions {
  backendId: string;
  kind: ImageBackendKind;
  /** A1111 checkpoints / ComfyUI ckpt names / OpenAI models. */
  checkpoints: { name: string; title: string }[];
  /** The checkpoint the backend has loaded now (A1111), if known. */
  currentCheckpoint: string | null;
  samplers: string[];
  schedulers: string[];
  /** OpenAI: the sizes and qualities the first model takes… */
  sizes: string[];
  qualities: string[];
  /** …and those of each model, where they differ (dall-e-2, dall-e-3, gpt-image-1). */
  sizesByModel?: Record<string, string[]>;
  qualitiesByModel?: Record<string, string[]>;
  /** ComfyUI: the workflows to choose from, the built-in default first. */
  workflows: { id: string; name: string }[];
  /** Whether img2img (an init image) is possible with this backend. */
  img2img: boolean;
}

/** What the user asks for. Each backend uses the fields it knows and ignores the rest. */
export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  steps?: number;
  cfgScale?: number;
  width?: number;
  height?: number;
  sampler?: string;
  scheduler?: string;
  /** -1 or absent: random. */
  seed?: number;
  batchSize?: number;
  /** A1111 checkpoint title, ComfyUI ckpt_name, OpenAI model. */
  checkpoint?: string;
  /** img2img: the init image, a gallery image id. */
  initImageId?: string;
  /** img2img: 0..1. */
  denoisingStrength?: number;
  /** ComfyUI: which workflow ('default' for the built-in one). */
  workflowId?: string;
  /** OpenAI: "1024x1024", "auto"… and quality "standard", "hd", "low"… */
  size?: string;
  quality?: string;
}

export type ImageJobState = 'queued' | 'running' | 'done' | 'error' | 'cancelled' | 'interrupted';

export interface ImageJobError {
  /** What went wrong, for the UI to choose words and icons; the message is already plain words. */
  kind:
    | 'unreachable'
    | 'no_api'
    | 'unauthorized'
    | 'validation'
    | 'out_of_memory'
    | 'unknown_checkpoint'
    | 'missing_node'
    | 'interrupted'
    | 'disk_full'
    | 'backend';
  message: string;
  /** 422: the field the backend refused. */
  field?: string;
}

export interface ImageJob {
  id: string;
  backendId: string;
  backendKind: ImageBackendKind;
  backendLabel: string;
  request: ImageRequest;
  state: ImageJobState;
  /** 0..1 */
  progress: number;
  etaSeconds: number | null;
  step: number | null;
  steps: number | null;
  /** Gallery ids of the images this job produced so far. */
  imageIds: string[];
  error: ImageJobError | null;
  /** Set when the job was started from a chat: the assistant message that receives the image. */
  chatId: string | null;
  messageId: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** A gallery image (row only; the file is fetched with images.get / images.thumbs). */
export interface GalleryImage {
  id: string;
  prompt: string;
  negativePrompt: string;
  /** The parameters used, as sent (the seed is the real one the backend used). */
  params: ImageRequest;
  backendKind: ImageBackendKind;
  backendLabel: string;
  model: string | null;
  seed: number | null;
  /** The backend's own info (A1111 `info`, ComfyUI prompt id and outputs, OpenAI revised prompt). */
  info: unknown;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  chatId: string | null;
  messageId: string | null;
  createdAt: number;
  version: string;
}
