/** PullTracker: overall bytes, smoothed speed and ETA, throttling that never drops a phase or a layer's end. */
import { describe, expect, it } from 'vitest';
import { fitsHint, PullTracker } from './pull-progress';

const A = 'sha256:aaa';
const B = 'sha256:bbb';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('PullTracker', () => {
  it('sums layers for the overall bar and averages speed over the last few seconds', () => {
    const c = clock();
    const tr = new PullTracker({ now: c.now, intervalMs: 250, speedWindowMs: 3000 });
    expect(tr.update({ status: 'pulling manifest' })).toEqual([{ status: 'pulling manifest', done: false }]);
    c.advance(100);
    const first = tr.update({ status: 'pulling aaa', digest: A, total: 10_000_000, completed: 0 });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ overallCompleted: 0, overallTotal: 10_000_000, completed: 0, total: 10_000_000 });
    expect(first[0]!.bytesPerSec).toBeUndefined();
    // 1 MB/s for four seconds, a line every 500 ms.
    let last;
    for (let i = 1; i <= 8; i++) {
      c.advance(500);
      last = tr.update({ status: 'pulling aaa', digest: A, total: 10_000_000, completed: i * 500_000 });
      expect(last).toHaveLength(1);
    }
    expect(last![0]).toMatchObject({ overallCompleted: 4_000_000, bytesPerSec: 1_000_000, etaSec: 6 });
    // The speed follows a slow-down within the window, not the average since the start.
    for (let i = 1; i <= 7; i++) {
      c.advance(500);
      last = tr.update({ status: 'pulling aaa', digest: A, total: 10_000_000, completed: 4_000_000 + i * 50_000 });
    }
    expect(last![0]!.bytesPerSec).toBe(100_000);
    c.advance(10);
    const second = tr.update({ status: 'pulling bbb', digest: B, total: 1000, completed: 1000 });
    expect(second.at(-1)).toMatchObject({
      overallCompleted: 4_351_000,
      overallTotal: 10_001_000,
      layers: [
        { digest: A, completed: 4_350_000, total: 10_000_000 },
        { digest: B, completed: 1000, total: 1000 },
      ],
    });
  });

  it('throttles byte updates but sends every phase, preceded by the held-back last bytes', () => {
    const c = clock();
    const tr = new PullTracker({ now: c.now, intervalMs: 250 });
    const sent = [...tr.update({ status: 'pulling manifest' })];
    for (let i = 0; i <= 100; i++) {
      c.advance(10);
      sent.push(...tr.update({ status: 'pulling aaa', digest: A, total: 100, completed: i }));
    }
    c.advance(1);
    sent.push(...tr.update({ status: 'verifying sha256 digest' }));
    c.advance(1);
    sent.push(...tr.update({ status: 'writing manifest' }));
    // 1,010 ms of bytes at most every 250 ms: a handful, not 101.
    expect(sent.length).toBeLessThan(12);
    const statuses = sent.map((p) => p.status);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.slice(-2)).toEqual(['verifying sha256 digest', 'writing manifest']);
    // The layer's final bytes were held back by the throttle and still went out before verifying.
    expect(sent.at(-3)).toMatchObject({ status: 'pulling aaa', completed: 100, total: 100 });
  });

  it('a resumed layer starts at the bytes already there, which do not count as speed', () => {
    const c = clock();
    const tr = new PullTracker({ now: c.now, intervalMs: 0 });
    tr.update({ status: 'pulling manifest' });
    const [resumed] = tr.update({ status: 'pulling aaa', digest: A, total: 1000, completed: 600 });
    expect(resumed).toMatchObject({ completed: 600, overallCompleted: 600, overallTotal: 1000 });
    c.advance(1000);
    const [next] = tr.update({ status: 'pulling aaa', digest: A, total: 1000, completed: 700 });
    expect(next).toMatchObject({ bytesPerSec: 100, etaSec: 3 });
    expect(tr.snapshot('cancelled')).toMatchObject({ status: 'cancelled', done: true, overallCompleted: 700 });
  });
});

describe('fitsHint', () => {
  it('compares the model size with free memory: fits, tight within 20%, too big', () => {
    expect(fitsHint(4e9, 8e9)).toBe('yes');
    expect(fitsHint(7e9, 8e9)).toBe('tight');
    expect(fitsHint(8e9, 8e9)).toBe('tight');
    expect(fitsHint(9e9, 8e9)).toBe('no');
    expect(fitsHint(undefined, 8e9)).toBeUndefined();
  });
});
