/**
 * Progress over the sampler steps of the whole job (a hires-fix graph has two samplers), with an ETA
 * from the step rate. Progress of other nodes (an upscaler) is not counted when samplers are known.
 */
import type { BackendProgress } from './backend';

export interface ProgressTracker {
  /** The progress as it stands (also the base of a preview frame's report). */
  current(): BackendProgress;
  /** A `progress` message: node `id` is at step `v` of `m`; reports through `emit`. */
  step(id: string, v: number, m: number): void;
}

export function progressTracker(samplers: string[], emit: (p: BackendProgress) => void): ProgressTracker {
  const done = new Set<string>();
  let node: string | null = null;
  let value = 0;
  let max = 0;
  let t0 = 0;
  let v0 = 0;
  let fraction = 0;
  let eta: number | null = null;
  const current = (): BackendProgress => ({
    fraction,
    etaSeconds: eta,
    step: node ? value : null,
    steps: node ? max : null,
  });
  return {
    current,
    step(id: string, v: number, m: number) {
      if (!Number.isFinite(v) || !Number.isFinite(m) || m <= 0) return;
      if (samplers.length && !samplers.includes(id)) return;
      const now = Date.now();
      if (id !== node) {
        if (node) done.add(node);
        node = id;
        t0 = now;
        v0 = v;
      }
      value = v;
      max = m;
      const total = Math.max(samplers.length, done.size + 1);
      fraction = Math.max(fraction, Math.min(0.99, (done.size + v / m) / total));
      const rate = v > v0 && now > t0 ? (v - v0) / (now - t0) : 0;
      const remaining = m - v + m * Math.max(0, total - done.size - 1);
      eta = rate > 0 ? Math.round(remaining / rate / 100) / 10 : null;
      emit(current());
    },
  };
}
