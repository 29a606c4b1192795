/** One client per backend kind (the image service asks by kind; tests use the same factory). */
import type { ImageBackendKind } from '../../../shared/types/images';
import type { ImageBackendClient, ImageBackendConfig, ImageClientDeps } from './backend';
import { createA1111Client } from './a1111-client';
import { createComfyClient } from './comfy-client';
import { createOpenAiImagesClient } from './openai-images-client';

export function createImageClient(
  kind: ImageBackendKind,
  config: ImageBackendConfig,
  deps: ImageClientDeps,
): ImageBackendClient {
  if (kind === 'a1111') return createA1111Client(config, deps);
  if (kind === 'comfyui') return createComfyClient(config, deps);
  return createOpenAiImagesClient(config, deps);
}
