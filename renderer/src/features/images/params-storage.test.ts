import { describe, expect, it } from 'vitest';
import {
  defaultParams,
  readLastBackend,
  readParams,
  validParams,
  writeLastBackend,
  writeParams,
} from './params-storage';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('params per backend', () => {
  it('round-trips under hearth.images.params.<backendId>', () => {
    const s = memory();
    const p = { ...defaultParams('a1111'), steps: 40, seed: 7, randomSeed: false, sampler: 'Euler a' };
    writeParams('forge', p, s);
    expect(s.getItem('hearth.images.params.forge')).toBe(JSON.stringify(p));
    expect(readParams('forge', 'a1111', s)).toEqual(p);
    expect(readParams('other', 'openai', s)).toEqual(defaultParams('openai'));
  });

  it('a value that is not JSON, or not an object, is ignored', () => {
    const s = memory();
    for (const bad of ['{oops', '[1,2]', 'null', '42', '"text"']) {
      s.setItem('hearth.images.params.x', bad);
      expect(readParams('x', 'comfyui', s)).toEqual(defaultParams('comfyui'));
    }
  });

  it('each field is checked: wrong types and out-of-range values take their defaults', () => {
    const base = defaultParams('a1111');
    const got = validParams(
      {
        steps: 0,
        cfgScale: 31,
        width: 1001,
        height: 768,
        seed: -5,
        randomSeed: 'yes',
        batchSize: 9,
        workflowId: 'Bad Id!',
        denoisingStrength: 0.3,
        sampler: 42,
        negativePrompt: 'x'.repeat(20_001),
        extra: 'ignored',
      },
      base,
    );
    expect(got).toEqual({ ...base, height: 768, denoisingStrength: 0.3 });
    expect(got).not.toHaveProperty('extra');
  });

  it('storage that throws (or is missing) gives the defaults and does not throw', () => {
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(readParams('x', 'a1111', throwing)).toEqual(defaultParams('a1111'));
    expect(() => writeParams('x', defaultParams('a1111'), throwing)).not.toThrow();
    expect(readParams('x', 'a1111', null)).toEqual(defaultParams('a1111'));
    expect(readLastBackend(throwing)).toBeNull();
  });

  it('remembers the backend last used', () => {
    const s = memory();
    writeLastBackend('comfy', s);
    expect(readLastBackend(s)).toBe('comfy');
    expect(s.getItem('hearth.images.lastBackend')).toBe('comfy');
  });
});
