import { describe, expect, it } from 'vitest';
import { breakdown, kindOf, type TraceEvent } from './trace-breakdown';

const MAIN = { pid: 1, tid: 10 };
const meta = (pid: number, tid: number, name: string): TraceEvent => ({
  name: 'thread_name',
  ph: 'M',
  ts: 0,
  pid,
  tid,
  args: { name },
});
const x = (name: string, ts: number, dur: number, tdur = dur, at = MAIN): TraceEvent => ({
  name,
  ph: 'X',
  ts,
  dur,
  tdur,
  ...at,
});

describe('trace breakdown', () => {
  it('groups event names the way the Performance panel does', () => {
    expect(kindOf('FunctionCall')).toBe('scripting');
    expect(kindOf('UpdateLayoutTree')).toBe('style');
    expect(kindOf('Layout')).toBe('layout');
    expect(kindOf('Paint')).toBe('paint');
    expect(kindOf('MinorGC')).toBe('gc');
    expect(kindOf('RunTask')).toBe('other');
  });

  it('counts self CPU time per kind on the busiest renderer main thread only', () => {
    const events: TraceEvent[] = [
      meta(1, 10, 'CrRendererMain'),
      meta(2, 20, 'CrRendererMain'),
      meta(1, 11, 'Compositor'),
      // Task 1: 10 ms wall, 8 ms CPU: a 5 ms script with a 2 ms forced layout inside, then 1 ms paint.
      x('RunTask', 0, 10_000, 8_000),
      x('FunctionCall', 1_000, 5_000),
      x('Layout', 2_000, 2_000),
      x('Paint', 7_000, 1_000),
      // Task 2: style recalc.
      x('RunTask', 20_000, 2_000),
      x('UpdateLayoutTree', 20_500, 1_000),
      // Another renderer with less task time, and a compositor thread: ignored.
      x('RunTask', 0, 5_000, 5_000, { pid: 2, tid: 20 }),
      x('FunctionCall', 0, 5_000, 5_000, { pid: 2, tid: 20 }),
      x('RunTask', 0, 50_000, 50_000, { pid: 1, tid: 11 }),
    ];
    const b = breakdown(events);
    expect(b.taskMs).toBe(12);
    expect(b.taskCpuMs).toBe(10);
    expect(b.byKind.scripting).toBe(3);
    expect(b.byKind.layout).toBe(2);
    expect(b.byKind.paint).toBe(1);
    expect(b.byKind.style).toBe(1);
    // RunTask self: 8 − 5 − 1 and 2 − 1.
    expect(b.byKind.other).toBe(3);
    expect(b.counts).toMatchObject({ RunTask: 2, FunctionCall: 1, Layout: 1, Paint: 1, UpdateLayoutTree: 1 });
    expect(b.topNames[0]).toEqual(['FunctionCall', 3]);
  });

  it('returns zeros when the trace has no renderer main thread', () => {
    expect(breakdown([x('RunTask', 0, 1_000)]).taskMs).toBe(0);
  });
});
