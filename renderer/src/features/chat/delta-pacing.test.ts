import { describe, expect, it } from 'vitest';
import { LeadingThrottle, type ThrottleClock } from '../../../../shared/leading-throttle';
import { COST_FACTOR, DELTA_BATCH_MS, MAX_BATCH_MS, deltaInterval, smoothCost } from './delta-pacing';

describe('adaptive delta pacing', () => {
  it('keeps ~10 updates a second while updates are cheap, spaces them as they cost more, within bounds', () => {
    expect(deltaInterval(0)).toBe(DELTA_BATCH_MS);
    expect(deltaInterval(0.5)).toBe(DELTA_BATCH_MS);
    expect(deltaInterval(1.5)).toBe(1.5 * COST_FACTOR);
    expect(deltaInterval(100)).toBe(MAX_BATCH_MS);
  });

  it('one slow update moves the pace only part of the way', () => {
    let cost = 1;
    cost = smoothCost(cost, 20);
    expect(deltaInterval(cost)).toBeLessThan(MAX_BATCH_MS / 1.5);
    // A lasting rise is followed: updates that keep costing 4 ms space out to the maximum.
    let rising = 1;
    for (let i = 0; i < 20; i++) rising = smoothCost(rising, 4);
    expect(deltaInterval(rising)).toBe(MAX_BATCH_MS);
    for (let i = 0; i < 10; i++) cost = smoothCost(cost, 0.5);
    expect(deltaInterval(cost)).toBe(DELTA_BATCH_MS);
  });

  it('a throttle whose interval grows runs less often over the same stream of deltas', () => {
    const runs = (interval: number) => {
      let now = 0;
      const timers: { at: number; run: () => void }[] = [];
      const clock: ThrottleClock = {
        now: () => now,
        setTimeout: (run, ms) => {
          const t = { at: now + ms, run };
          timers.push(t);
          return t;
        },
        clearTimeout: (h) => {
          const i = timers.indexOf(h as (typeof timers)[number]);
          if (i >= 0) timers.splice(i, 1);
        },
      };
      let count = 0;
      const throttle = new LeadingThrottle(() => count++, DELTA_BATCH_MS, clock);
      throttle.intervalMs = interval;
      // A delta every 100 ms for 10 s.
      for (let t = 0; t <= 10_000; t += 10) {
        now = t;
        for (const timer of timers.filter((x) => x.at <= now)) {
          timers.splice(timers.indexOf(timer), 1);
          timer.run();
        }
        if (t % 100 === 0) throttle.schedule();
      }
      return count;
    };
    expect(runs(deltaInterval(0.5))).toBeGreaterThanOrEqual(100);
    expect(runs(deltaInterval(2))).toBeLessThan(70);
  });
});
