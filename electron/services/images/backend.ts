/**
 * What every image backend client (AUTOMATIC1111/Forge, ComfyUI, OpenAI Images) offers the image
 * service, and the one error type they throw. Clients are plain Node over an injected fetch, so tests
 * run them against the test servers in e2e/support.
 */
import type { ComfyWorkflow, ImageBackendOptions, ImageJobError, ImageRequest } from '../../../shared/types/images';
import type { FetchLike } from '../providers/provider';

export interface ImageBackendConfig {
  id: string;
  label: string;
  baseUrl: string;
  /** A1111 --api-auth (sent up front as Basic auth). */
  username?: string | null;
  password?: string | null;
  /** OpenAI-compatible services. */
  apiKey?: string | null;
}

export interface BackendProgress {
  /** 0..1 over the whole job (all images of a batch). */
  fraction: number;
  etaSeconds: number | null;
  step: number | null;
  steps: number | null;
  /** The current preview image, when the backend offers one (PNG/JPEG bytes). */
  preview?: { data: Buffer; mime: string };
}

export interface GeneratedImage {
  data: Buffer;
  mime: string;
  /** The seed this image was made with, when the backend says. */
  seed: number | null;
  width: number | null;
  height: number | null;
}

export interface GenerateResult {
  images: GeneratedImage[];
  /** The backend's info: A1111's parsed `info` JSON, ComfyUI's prompt id and outputs, OpenAI's revised prompt. */
  info: unknown;
  /** The model/checkpoint used, when known. */
  model: string | null;
  /** True when the job was interrupted: `images` holds what was finished before. */
  interrupted: boolean;
}

export interface GenerateHooks {
  /** Aborting means the user cancelled: the client stops the backend (interrupt) and resolves with what is finished. */
  signal: AbortSignal;
  onProgress(p: BackendProgress): void;
  /** img2img: the init image's bytes, looked up by the service. */
  initImage?: { data: Buffer; mime: string };
  /** ComfyUI: the workflow to run (the built-in default or the user's), with its mapping. */
  workflow?: ComfyWorkflow;
}

export interface ImageBackendClient {
  /** Checks the backend answers and the credentials work; resolves with a one-line description. */
  test(): Promise<string>;
  options(): Promise<Omit<ImageBackendOptions, 'backendId' | 'kind' | 'workflows'>>;
  generate(req: ImageRequest, hooks: GenerateHooks): Promise<GenerateResult>;
}

export interface ImageClientDeps {
  fetch?: FetchLike;
  /** A1111 progress polling interval (tests make it short). */
  pollMs?: number;
}

/** The error every client throws: a kind the UI can act on and a message in plain words. */
export class ImageBackendError extends Error {
  readonly kind: ImageJobError['kind'];
  readonly field?: string;
  constructor(kind: ImageJobError['kind'], message: string, field?: string) {
    super(message);
    this.name = 'ImageBackendError';
    this.kind = kind;
    this.field = field;
  }
  toJob(): ImageJobError {
    return this.field
      ? { kind: this.kind, message: this.message, field: this.field }
      : { kind: this.kind, message: this.message };
  }
}
