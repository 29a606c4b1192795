import { describe, expect, it } from 'vitest';
import type { ImageBackendOptions } from '../../../../shared/types/images';
import { buildRequest, checkRequest, explainRefusal, paramsFromRequest, rollSeed } from './build-request';
import { defaultParams } from './params-storage';

const opts = (img2img: boolean) => ({ img2img }) as ImageBackendOptions;

describe('buildRequest', () => {
  it('A1111: sampling parameters, a random seed as -1, empty choices left out', () => {
    const p = { ...defaultParams('a1111'), negativePrompt: '  ', checkpoint: 'sdxl [abc]' };
    expect(buildRequest('a1111', ' a cat ', p, null, null)).toEqual({
      prompt: 'a cat',
      batchSize: 1,
      checkpoint: 'sdxl [abc]',
      steps: 25,
      cfgScale: 7,
      width: 512,
      height: 512,
      seed: -1,
    });
  });

  it('ComfyUI takes its workflow; img2img only when the backend offers it', () => {
    const p = { ...defaultParams('comfyui'), workflowId: 'portrait', seed: 9, randomSeed: false };
    const r = buildRequest('comfyui', 'x', p, 'img-1', opts(true));
    expect(r).toMatchObject({ workflowId: 'portrait', seed: 9, initImageId: 'img-1', denoisingStrength: 0.6 });
    expect(buildRequest('comfyui', 'x', p, 'img-1', opts(false))).not.toHaveProperty('initImageId');
  });

  it('OpenAI: model, size, quality and count only', () => {
    const p = {
      ...defaultParams('openai'),
      checkpoint: 'gpt-image-1',
      size: '1024x1536',
      quality: 'high',
      batchSize: 2,
    };
    expect(buildRequest('openai', 'x', { ...p, negativePrompt: 'no' }, null, null)).toEqual({
      prompt: 'x',
      batchSize: 2,
      checkpoint: 'gpt-image-1',
      size: '1024x1536',
      quality: 'high',
    });
  });
});

describe('checkRequest', () => {
  it('says what is wrong in words, naming the field', () => {
    expect(checkRequest({ prompt: ' ' })?.field).toBe('prompt');
    expect(checkRequest({ prompt: 'x', steps: 0 })).toEqual({
      field: 'steps',
      message: 'Steps must be a whole number from 1 to 150.',
    });
    expect(checkRequest({ prompt: 'x', height: 1000 + 4 })?.field).toBe('height');
    expect(checkRequest({ prompt: 'x', cfgScale: Number.NaN })?.field).toBe('cfgScale');
    expect(checkRequest({ prompt: 'x', seed: 1.5 })?.field).toBe('seed');
    expect(checkRequest({ prompt: 'x', batchSize: 9 })?.field).toBe('batchSize');
    expect(checkRequest({ prompt: 'x', denoisingStrength: 2 })?.field).toBe('denoisingStrength');
    expect(checkRequest({ prompt: 'x', steps: 20, width: 1216, height: 832, seed: -1 })).toBeNull();
  });
});

describe('paramsFromRequest (Reuse parameters)', () => {
  it('takes the real seed as a fixed one and keeps fields the request does not set', () => {
    const base = { ...defaultParams('a1111'), sampler: 'Euler', batchSize: 3 };
    const got = paramsFromRequest({ prompt: 'x', steps: 12, seed: -1, negativePrompt: 'ugly' }, 424242, base);
    expect(got).toEqual({ ...base, steps: 12, seed: 424242, randomSeed: false, negativePrompt: 'ugly' });
  });

  it('without a known seed, the seed setting stays as it was', () => {
    const base = defaultParams('openai');
    expect(paramsFromRequest({ prompt: 'x', size: '1024x1024' }, null, base)).toEqual({ ...base, size: '1024x1024' });
  });
});

describe('explainRefusal', () => {
  it('a contract check names the field as the panel does', () => {
    expect(explainRefusal('Invalid input for images.generate: request.width: must be a multiple of 8')).toEqual({
      field: 'width',
      message: 'Width: must be a multiple of 8',
    });
    expect(explainRefusal('Invalid input for images.generate: backendId: must be an image backend id')).toEqual({
      message: 'must be an image backend id',
    });
    expect(explainRefusal('The backend is not answering.')).toEqual({ message: 'The backend is not answering.' });
  });
});

it('rollSeed gives a whole 32-bit number', () => {
  expect(rollSeed(() => 0)).toBe(0);
  expect(rollSeed(() => 0.999999999)).toBeLessThan(2 ** 32);
  expect(Number.isInteger(rollSeed())).toBe(true);
});
