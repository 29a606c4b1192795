/**
 * What the bundled `ollama serve` is started with: where it listens, where models live, which
 * origins it accepts, keep-alive, and which GPUs it may see.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type GpuDriver = 'cuda' | 'rocm' | 'cpu' | null;
export interface GpuChoice {
  driver: GpuDriver;
  count: number | 'all' | null;
}

/** Ollama's models folder: settings > OLLAMA_MODELS > the user's ~/.ollama/models when it exists > <data>/models. */
export function chooseModelsDir(o: {
  setting: string | null;
  env: Record<string, string | undefined>;
  dataDir: string;
  home?: string;
}): string {
  if (o.setting) return o.setting;
  const fromEnv = o.env.OLLAMA_MODELS?.trim();
  if (fromEnv) return fromEnv;
  const shared = join(o.home ?? homedir(), '.ollama', 'models');
  if (existsSync(shared)) return shared;
  return join(o.dataDir, 'models');
}

/** "0,1,…,n-1" */
const firstN = (n: number) => Array.from({ length: n }, (_, i) => String(i)).join(',');

/**
 * GPU variables from OLLAMA_GPU_DRIVER / OLLAMA_GPU_COUNT. Ollama's own docs (gpu.md) hide GPUs with
 * CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ROCR_VISIBLE_DEVICES and force the CPU with an invalid
 * id ("-1"); GGML_VK_VISIBLE_DEVICES does the same for its Vulkan backend. A value of undefined
 * removes the variable (all GPUs); a variable not mentioned keeps whatever the user's environment has.
 */
export function gpuEnv(gpu: GpuChoice): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const hideNvidia = () => (out.CUDA_VISIBLE_DEVICES = '-1');
  const hideAmd = () => {
    out.HIP_VISIBLE_DEVICES = '-1';
    out.ROCR_VISIBLE_DEVICES = '-1';
  };
  const count = gpu.count;
  if (gpu.driver === 'cpu' || count === 0) {
    hideNvidia();
    hideAmd();
    out.GGML_VK_VISIBLE_DEVICES = '-1';
    return out;
  }
  const devices = count === 'all' ? undefined : count === null ? null : firstN(count);
  const setNvidia = () => {
    if (devices !== null) out.CUDA_VISIBLE_DEVICES = devices;
  };
  const setAmd = () => {
    if (devices === null) return;
    out.HIP_VISIBLE_DEVICES = devices;
    out.ROCR_VISIBLE_DEVICES = devices;
  };
  if (gpu.driver === 'cuda') {
    setNvidia();
    hideAmd();
  } else if (gpu.driver === 'rocm') {
    setAmd();
    hideNvidia();
  } else {
    setNvidia();
    setAmd();
  }
  return out;
}

export interface ServeEnvInput {
  /** The environment Hearth itself runs with (PATH, HOME, proxies, the user's CUDA settings…). */
  base: Record<string, string | undefined>;
  port: number;
  modelsDir: string;
  keepAlive: string;
  gpu: GpuChoice;
}

/**
 * The child's environment. OLLAMA_ORIGINS is set to empty on purpose: Hearth talks to its server from
 * the main process (no Origin header), so only Ollama's built-in loopback/app origins remain, and an
 * OLLAMA_ORIGINS=* the user set for another tool does not open Hearth's server to every web page.
 */
export function serveEnv(i: ServeEnvInput): Record<string, string> {
  const env: Record<string, string | undefined> = { ...i.base };
  env.OLLAMA_HOST = `127.0.0.1:${i.port}`;
  env.OLLAMA_MODELS = i.modelsDir;
  env.OLLAMA_ORIGINS = '';
  env.OLLAMA_KEEP_ALIVE = i.keepAlive;
  Object.assign(env, gpuEnv(i.gpu));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
