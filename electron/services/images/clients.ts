/**
 * One client per backend kind (the image service asks by kind; tests use the same factory).
 * Image backends answer a request only when the whole job is done — a big SDXL batch or a CPU-only
 * machine can take many minutes — so their default fetch has no header or body timeout (Node's
 * built-in one gives up after 5 minutes without response headers). Cancelling aborts it.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { ImageBackendKind } from '../../../shared/types/images';
import type { FetchLike } from '../providers/provider';
import type { ImageBackendClient, ImageBackendConfig, ImageClientDeps } from './backend';
import { createA1111Client } from './a1111-client';
import { createComfyClient } from './comfy-client';
import { createOpenAiImagesClient } from './openai-images-client';

let patient: FetchLike | null = null;

/** fetch without header/body timeouts (connecting still times out). */
export function patientFetch(): FetchLike {
  if (!patient) {
    const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0, connectTimeout: 10_000 });
    patient = ((input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]) =>
      undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchLike;
  }
  return patient;
}

export function createImageClient(
  kind: ImageBackendKind,
  config: ImageBackendConfig,
  deps: ImageClientDeps,
): ImageBackendClient {
  const d = { ...deps, fetch: deps.fetch ?? patientFetch() };
  if (kind === 'a1111') return createA1111Client(config, d);
  if (kind === 'comfyui') return createComfyClient(config, d);
  return createOpenAiImagesClient(config, d);
}
