import { describe, expect, it } from 'vitest';
import { applyProgress, percentOf, startPull } from './pull-progress';
import { formatBytes, formatEta, formatExpiry, formatContext } from './format';

const ev = (p: Partial<Parameters<typeof applyProgress>[1]>) => ({
  model: 'ollama/llama3.2:1b',
  status: '',
  done: false,
  ...p,
});

describe('pull progress', () => {
  it('uses the layers, sums, speed and ETA the service sends', () => {
    let s = applyProgress(undefined, ev({ status: 'pulling manifest' }), 0);
    expect(s.phase).toBe('manifest');
    expect(percentOf(s)).toBeNull();
    s = applyProgress(
      s,
      ev({
        status: 'pulling aaaa',
        completed: 50,
        total: 100,
        layers: [
          { digest: 'sha256:aaaa', completed: 50, total: 100 },
          { digest: 'sha256:bbbb', completed: 0, total: 300 },
        ],
        overallCompleted: 50,
        overallTotal: 400,
        bytesPerSec: 25,
        etaSec: 14,
      }),
      1000,
    );
    expect(s).toMatchObject({ phase: 'downloading', completed: 50, total: 400, bytesPerSec: 25, etaSec: 14 });
    expect(s.layers).toHaveLength(2);
    expect(percentOf(s)).toBe(12);
    expect(s.providerId).toBe('ollama');
    expect(s.name).toBe('llama3.2:1b');
  });

  it('derives layers, overall bytes, speed and ETA from bare Ollama lines', () => {
    let s = startPull('ollama/x');
    s = applyProgress(s, ev({ model: 'ollama/x', status: 'pulling aaaa', completed: 0, total: 1000 }), 0);
    s = applyProgress(s, ev({ model: 'ollama/x', status: 'pulling bbbb', completed: 0, total: 1000 }), 100);
    s = applyProgress(s, ev({ model: 'ollama/x', status: 'pulling aaaa', completed: 500, total: 1000 }), 1000);
    expect(s.layers.map((l) => l.digest)).toEqual(['aaaa', 'bbbb']);
    expect(s.total).toBe(2000);
    expect(s.completed).toBe(500);
    expect(s.bytesPerSec).toBe(500);
    expect(s.etaSec).toBe(3);
    s = applyProgress(s, ev({ model: 'ollama/x', status: 'verifying sha256 digest' }), 1200);
    expect(s.phase).toBe('verifying');
    expect(s.completed).toBe(500);
    s = applyProgress(s, ev({ model: 'ollama/x', status: 'success', done: true }), 1300);
    expect(s).toMatchObject({ phase: 'success', done: true, completed: 2000, error: null, etaSec: null });
  });

  it('keeps the bytes of a cancelled pull and clears them on nothing', () => {
    let s = applyProgress(undefined, ev({ status: 'pulling aaaa', completed: 300, total: 1000 }), 0);
    s = applyProgress(s, ev({ status: 'cancelled', done: true, cancelled: true }), 10);
    expect(s).toMatchObject({ phase: 'cancelled', done: true, completed: 300, total: 1000, error: null });
  });

  it('says a failed pull in plain words (shared/pull-progress.ts)', () => {
    const s = applyProgress(
      undefined,
      ev({
        model: 'ollama/nosuch',
        status: 'error',
        done: true,
        error: 'Ollama could not pull "nosuch": pull model manifest: file does not exist',
      }),
    );
    expect(s.phase).toBe('error');
    expect(s.error).toContain('“nosuch” is not in the Ollama library');
  });
});

describe('format', () => {
  it('writes sizes, times and context lengths for people', () => {
    expect(formatBytes(1_321_098_329)).toBe('1.3 GB');
    expect(formatBytes(397_821_319)).toBe('398 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatEta(12)).toBe('12 s left');
    expect(formatEta(185)).toBe('about 3 min left');
    expect(formatExpiry(null)).toBe('stays loaded');
    expect(formatExpiry(1_000 + 4 * 60_000, 1_000)).toBe('unloads in 4 min');
    expect(formatContext(131072)).toBe('128K');
  });
});
