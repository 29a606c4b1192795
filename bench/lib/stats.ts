/** Small statistics helpers for the bench: nearest-rank percentiles over raw samples. */

/** Nearest-rank percentile (p in 0..100): always one of the samples, never interpolated. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN,
  };
}

/** Round to 0.01 for the JSON file (sub-10 µs digits are noise). */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
