import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { chooseModelsDir, gpuEnv, serveEnv } from './bundled-env';

afterEach(() => removeTempDirs());

describe('GPU choice → visible-device variables', () => {
  it('cpu hides every GPU (NVIDIA, AMD, Vulkan) with an invalid id', () => {
    expect(gpuEnv({ driver: 'cpu', count: null })).toEqual({
      CUDA_VISIBLE_DEVICES: '-1',
      HIP_VISIBLE_DEVICES: '-1',
      ROCR_VISIBLE_DEVICES: '-1',
      GGML_VK_VISIBLE_DEVICES: '-1',
    });
    expect(gpuEnv({ driver: null, count: 0 })).toMatchObject({ CUDA_VISIBLE_DEVICES: '-1' });
  });

  it('cuda with a count shows the first n NVIDIA GPUs and hides AMD ones', () => {
    expect(gpuEnv({ driver: 'cuda', count: 2 })).toEqual({
      CUDA_VISIBLE_DEVICES: '0,1',
      HIP_VISIBLE_DEVICES: '-1',
      ROCR_VISIBLE_DEVICES: '-1',
    });
  });

  it('rocm with a count shows the first n AMD GPUs and hides NVIDIA ones', () => {
    expect(gpuEnv({ driver: 'rocm', count: 3 })).toEqual({
      HIP_VISIBLE_DEVICES: '0,1,2',
      ROCR_VISIBLE_DEVICES: '0,1,2',
      CUDA_VISIBLE_DEVICES: '-1',
    });
  });

  it('"all" removes an inherited limit; no choice keeps the user environment', () => {
    const all = serveEnv({
      base: { PATH: '/bin', CUDA_VISIBLE_DEVICES: '1' },
      port: 40000,
      modelsDir: '/m',
      keepAlive: '5m',
      gpu: { driver: 'cuda', count: 'all' },
    });
    expect(all.CUDA_VISIBLE_DEVICES).toBeUndefined();
    expect(all.HIP_VISIBLE_DEVICES).toBe('-1');
    const none = serveEnv({
      base: { PATH: '/bin', CUDA_VISIBLE_DEVICES: '1' },
      port: 40000,
      modelsDir: '/m',
      keepAlive: '5m',
      gpu: { driver: null, count: null },
    });
    expect(none.CUDA_VISIBLE_DEVICES).toBe('1');
    expect(none.HIP_VISIBLE_DEVICES).toBeUndefined();
  });

  it('the server gets its own host, models folder, keep-alive, and drops an inherited OLLAMA_ORIGINS=*', () => {
    const env = serveEnv({
      base: { PATH: '/bin', OLLAMA_HOST: '0.0.0.0:11434', OLLAMA_ORIGINS: '*' },
      port: 40001,
      modelsDir: '/models',
      keepAlive: '10m',
      gpu: { driver: null, count: null },
    });
    expect(env).toMatchObject({
      PATH: '/bin',
      OLLAMA_HOST: '127.0.0.1:40001',
      OLLAMA_MODELS: '/models',
      OLLAMA_KEEP_ALIVE: '10m',
      OLLAMA_ORIGINS: '',
    });
  });
});

describe('models folder', () => {
  it('settings, then OLLAMA_MODELS, then the user’s ~/.ollama/models when it exists, else <data>/models', () => {
    const home = makeTempDir();
    const dataDir = makeTempDir();
    expect(chooseModelsDir({ setting: null, env: {}, dataDir, home })).toBe(join(dataDir, 'models'));
    mkdirSync(join(home, '.ollama', 'models'), { recursive: true });
    expect(chooseModelsDir({ setting: null, env: {}, dataDir, home })).toBe(join(home, '.ollama', 'models'));
    expect(chooseModelsDir({ setting: null, env: { OLLAMA_MODELS: '/srv/models' }, dataDir, home })).toBe(
      '/srv/models',
    );
    expect(chooseModelsDir({ setting: '/mine', env: { OLLAMA_MODELS: '/srv/models' }, dataDir, home })).toBe('/mine');
  });
});
