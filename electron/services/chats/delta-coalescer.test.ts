/** DeltaCoalescer: the first text at once, then one flush per interval carrying both channels; empty text sends nothing. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer, type CoalescedDelta } from './delta-coalescer';

describe('DeltaCoalescer', () => {
  let t = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    t = 1000;
  });
  afterEach(() => vi.useRealTimers());
  const tick = (ms: number) => {
    t += ms;
    vi.advanceTimersByTime(ms);
  };

  it('sends the first token at once and gathers the rest into one flush per interval', () => {
    const out: CoalescedDelta[] = [];
    const c = new DeltaCoalescer(
      (d) => out.push(d),
      100,
      () => t,
    );
    c.push('Hel');
    expect(out).toEqual([{ content: 'Hel', thinking: '' }]);
    c.push('lo');
    tick(30);
    c.push('hmm', 'thinking');
    c.push(',');
    expect(out).toHaveLength(1);
    tick(70);
    expect(out).toEqual([
      { content: 'Hel', thinking: '' },
      { content: 'lo,', thinking: 'hmm' },
    ]);
    c.push(' world');
    tick(10);
    c.flush();
    expect(out.at(-1)).toEqual({ content: ' world', thinking: '' });
    expect(out).toHaveLength(3);
    // Nothing pending: flush and empty text send nothing.
    c.flush();
    c.push('');
    tick(500);
    expect(out).toHaveLength(3);
  });
});
