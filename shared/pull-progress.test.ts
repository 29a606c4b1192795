/** Pull arithmetic: layer sums, the windowed speed, time left, plain-words errors. */
import { describe, expect, it } from 'vitest';
import { addSample, etaOf, plainPullError, speedOf, sumLayers, type SpeedSample } from './pull-progress';

describe('sumLayers', () => {
  it('adds bytes there and bytes in all over the layers', () => {
    expect(sumLayers([])).toEqual({ completed: 0, total: 0 });
    expect(
      sumLayers([
        { digest: 'a', completed: 50, total: 100 },
        { digest: 'b', completed: 0, total: 300 },
      ]),
    ).toEqual({ completed: 50, total: 400 });
  });
});

describe('speed', () => {
  it('gives none until the samples span 200 ms, then whole bytes per second', () => {
    let s: SpeedSample[] = [];
    s = addSample(s, { t: 0, bytes: 0 });
    expect(speedOf(s)).toBeUndefined();
    s = addSample(s, { t: 150, bytes: 100 });
    expect(speedOf(s)).toBeUndefined();
    s = addSample(s, { t: 300, bytes: 100 });
    expect(speedOf(s)).toBe(333);
  });

  it('averages over the window, keeping one older sample, and leaves the given array alone', () => {
    let s: SpeedSample[] = [];
    // 1 MB/s for four seconds, then 100 KB/s for three and a half.
    for (let i = 0; i <= 8; i++) s = addSample(s, { t: i * 500, bytes: i * 500_000 }, 3000);
    expect(speedOf(s)).toBe(1_000_000);
    expect(s[0]!.t).toBe(1000);
    for (let i = 1; i <= 7; i++) s = addSample(s, { t: 4000 + i * 500, bytes: 4_000_000 + i * 50_000 }, 3000);
    expect(speedOf(s)).toBe(100_000);
    const before = [...s];
    addSample(s, { t: 99_000, bytes: 5_000_000 }, 3000);
    expect(s).toEqual(before);
  });
});

describe('etaOf', () => {
  it('is whole seconds left, 0 when all is there, unknown without a speed', () => {
    expect(etaOf(10_000_000, 4_000_000, 1_000_000)).toBe(6);
    expect(etaOf(1000, 700, 300)).toBe(1);
    expect(etaOf(1000, 1000, 0)).toBe(0);
    expect(etaOf(1000, 500, 0)).toBeUndefined();
    expect(etaOf(1000, 500, null)).toBeUndefined();
    expect(etaOf(0, 0, 100)).toBeUndefined();
  });
});

describe('plainPullError', () => {
  it('says an unknown model, a full disk, a lost connection and a bad name in plain words', () => {
    expect(plainPullError('nosuch', 'Ollama could not pull "nosuch": pull model manifest: file does not exist')).toBe(
      '“nosuch” is not in the Ollama library. Check the spelling and the tag (for example llama3.2:1b) at ollama.com/library.',
    );
    expect(plainPullError('m', 'write /models/blobs/x: no space left on device')).toMatch(/disk is full/);
    expect(plainPullError('m', 'read tcp: connection reset by peer')).toMatch(/lost its network connection/);
    expect(plainPullError('m', 'invalid model name')).toMatch(/not a valid model name/);
    expect(plainPullError('m', "Can't reach Ollama: model not found")).toBe("Can't reach Ollama: model not found");
    expect(plainPullError('m', 'something else')).toBe('something else');
  });
});
