/**
 * Main-thread time by kind (scripting, style, layout, paint, …) from a Chromium trace
 * (devtools.timeline events): self time of each event on the renderer main thread, grouped the way
 * the DevTools Performance panel groups them. Pure; the bench records the trace over CDP.
 */

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event, µs: unlike `dur`, not inflated while the thread waits for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export type Kind = 'scripting' | 'style' | 'layout' | 'paint' | 'gc' | 'parse' | 'other';

const KIND_BY_NAME: Record<string, Kind> = {
  FunctionCall: 'scripting',
  EvaluateScript: 'scripting',
  'v8.compile': 'scripting',
  'v8.compileModule': 'scripting',
  'v8.evaluateModule': 'scripting',
  TimerFire: 'scripting',
  EventDispatch: 'scripting',
  RunMicrotasks: 'scripting',
  FireAnimationFrame: 'scripting',
  FireIdleCallback: 'scripting',
  XHRReadyStateChange: 'scripting',
  'v8.execute': 'scripting',
  V8Execute: 'scripting',
  ProfileCall: 'scripting',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ScheduleStyleRecalculation: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  UpdateLayerTree: 'paint',
  Layerize: 'paint',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  RasterTask: 'paint',
  CompositeLayers: 'paint',
  Commit: 'paint',
  'Document::updateStyleAndLayout': 'layout',
  MajorGC: 'gc',
  MinorGC: 'gc',
  'V8.GC_SCAVENGER': 'gc',
  'BlinkGC.AtomicPhase': 'gc',
  ParseHTML: 'parse',
};

export function kindOf(name: string): Kind {
  return KIND_BY_NAME[name] ?? (/GC/.test(name) ? 'gc' : 'other');
}

export interface Breakdown {
  /** Sum of top-level RunTask durations on the main thread, ms (wall clock). */
  taskMs: number;
  /** The same tasks' thread CPU time, ms: steadier than wall time on a busy machine. */
  taskCpuMs: number;
  /** Self CPU time by kind, ms. */
  byKind: Record<Kind, number>;
  /** Self CPU time per event name, ms, largest first (top 20). */
  topNames: [string, number][];
  /** How many times the main thread ran these (robust to a busy machine, unlike durations). */
  counts: Record<string, number>;
}

const COUNTED = ['RunTask', 'FunctionCall', 'UpdateLayoutTree', 'Layout', 'Paint', 'Commit', 'EventDispatch'];

/** The renderer main thread: the thread named CrRendererMain with the most RunTask time. */
function mainThread(events: TraceEvent[]): { pid: number; tid: number } | null {
  const names = new Set<string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') names.add(`${e.pid}:${e.tid}`);
  const time = new Map<string, number>();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (e.name === 'RunTask' && e.ph === 'X' && names.has(k)) time.set(k, (time.get(k) ?? 0) + (e.dur ?? 0));
  }
  let best: string | null = null;
  for (const [k, t] of time) if (best === null || t > time.get(best)!) best = k;
  if (!best) return null;
  const [pid, tid] = best.split(':').map(Number);
  return { pid: pid!, tid: tid! };
}

/** Self-time breakdown of complete ('X') events on the renderer main thread between t0 and t1 (µs). */
export function breakdown(events: TraceEvent[], t0 = -Infinity, t1 = Infinity): Breakdown {
  const byKind: Record<Kind, number> = { scripting: 0, style: 0, layout: 0, paint: 0, gc: 0, parse: 0, other: 0 };
  const main = mainThread(events);
  if (!main) return { taskMs: 0, taskCpuMs: 0, byKind, topNames: [], counts: {} };
  const xs = events
    .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.ts >= t0 && e.ts <= t1)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const counts: Record<string, number> = Object.fromEntries(COUNTED.map((n) => [n, 0]));
  for (const e of xs) if (e.name in counts) counts[e.name]!++;
  const stack: { e: TraceEvent; end: number; child: number }[] = [];
  let taskUs = 0;
  let taskCpuUs = 0;
  const cpu = (e: TraceEvent) => e.tdur ?? e.dur ?? 0;
  const close = (upTo: number) => {
    while (stack.length && stack.at(-1)!.end <= upTo) {
      const f = stack.pop()!;
      const s = Math.max(0, cpu(f.e) - f.child);
      self.set(f.e.name, (self.get(f.e.name) ?? 0) + s);
    }
  };
  for (const e of xs) {
    close(e.ts);
    const dur = e.dur ?? 0;
    if (stack.length) stack.at(-1)!.child += cpu(e);
    else if (e.name === 'RunTask') {
      taskUs += dur;
      taskCpuUs += cpu(e);
    }
    stack.push({ e, end: e.ts + dur, child: 0 });
  }
  close(Infinity);
  for (const [name, us] of self) byKind[kindOf(name)] += us / 1000;
  const topNames = [...self.entries()]
    .map(([n, us]) => [n, us / 1000] as [string, number])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20);
  return { taskMs: taskUs / 1000, taskCpuMs: taskCpuUs / 1000, byKind, topNames, counts };
}

export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'toplevel',
].join(',');
