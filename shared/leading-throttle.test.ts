/** LeadingThrottle: first at once, then at most one run per interval, flush runs now. */
import { describe, expect, it } from 'vitest';
import { LeadingThrottle, type ThrottleClock } from './leading-throttle';

/** A hand-driven clock: timers fire when `advance` passes them. */
function fakeClock() {
  let t = 1000;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 0;
  const clock: ThrottleClock = {
    now: () => t,
    setTimeout: (run, ms) => {
      const id = ++nextId;
      timers.push({ at: t + ms, run, id });
      return id;
    },
    clearTimeout: (id) => void (timers = timers.filter((x) => x.id !== id)),
  };
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((x) => x !== due);
      t = due.at;
      due.run();
    }
    t = end;
  };
  return { clock, advance, pending: () => timers.length, now: () => t };
}

describe('LeadingThrottle', () => {
  it('runs the first request at once, then at most once per interval', () => {
    const c = fakeClock();
    const runs: number[] = [];
    const th = new LeadingThrottle(() => runs.push(c.now()), 100, c.clock);
    th.schedule();
    expect(runs).toEqual([1000]);
    // A burst within the interval: one run, at its end.
    for (let i = 0; i < 10; i++) {
      c.advance(5);
      th.schedule();
    }
    expect(runs).toEqual([1000]);
    expect(c.pending()).toBe(1);
    c.advance(100);
    expect(runs).toEqual([1000, 1100]);
    // Quiet for longer than the interval: the next request runs at once again.
    c.advance(250);
    th.schedule();
    expect(runs).toEqual([1000, 1100, 1400]);
  });

  it('flush runs now, drops the waiting run and restarts the interval', () => {
    const c = fakeClock();
    let runs = 0;
    const th = new LeadingThrottle(() => runs++, 100, c.clock);
    th.schedule();
    c.advance(10);
    th.schedule();
    expect(runs).toBe(1);
    th.flush();
    expect(runs).toBe(2);
    expect(c.pending()).toBe(0);
    c.advance(50);
    th.schedule();
    expect(runs).toBe(2);
    c.advance(50);
    expect(runs).toBe(3);
  });

  it('uses the host timers by default', async () => {
    let runs = 0;
    const th = new LeadingThrottle(() => runs++, 20);
    th.schedule();
    th.schedule();
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(2);
  });
});
