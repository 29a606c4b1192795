/**
 * Turns Ollama's /api/pull status lines into 'models.pullProgress' payloads: bytes per layer, the sums
 * for an overall bar, a speed smoothed over the last few seconds and an ETA. Updates are throttled to
 * a few a second, but a new phase (pulling manifest, a new layer, verifying sha256 digest, writing
 * manifest) always goes out, preceded by the last held-back update so no layer's final bytes are lost.
 *
 * A resumed pull starts from the bytes Ollama already has: the first line of a layer reports them as
 * `completed`, so the overall bar starts there and those bytes do not count towards the speed.
 * The sums, speed and ETA are computed by shared/pull-progress.ts (the renderer uses it too).
 */
import type { EventPayload } from '../../../shared/contract';
import {
  addSample,
  etaOf,
  speedOf,
  sumLayers,
  SPEED_WINDOW_MS,
  type PullLayer,
  type SpeedSample,
} from '../../../shared/pull-progress';
import type { PullProgress } from '../providers/provider';

export type PullPayload = Omit<EventPayload<'models.pullProgress'>, 'model'>;

interface Layer extends PullLayer {
  /** Bytes the layer had when this pull first saw it (already on disk before). */
  startedAt: number;
}

export interface PullTrackerOptions {
  now?: () => number;
  /** Least time between two byte updates (phase changes are never held back). */
  intervalMs?: number;
  /** The window the speed is averaged over. */
  speedWindowMs?: number;
}

export class PullTracker {
  private readonly layers = new Map<string, Layer>();
  private samples: SpeedSample[] = [];
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private phase = '';
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private held: PullPayload | null = null;
  private last: PullPayload | null = null;

  constructor(o: PullTrackerOptions = {}) {
    this.now = o.now ?? Date.now;
    this.intervalMs = o.intervalMs ?? 250;
    this.windowMs = o.speedWindowMs ?? SPEED_WINDOW_MS;
  }

  /** Feed one status line; returns the payloads to send now (none, one, or a held-back one and this). */
  update(p: PullProgress): PullPayload[] {
    const t = this.now();
    let newPhase = false;
    if (p.digest) {
      let layer = this.layers.get(p.digest);
      const completed = Math.max(0, p.completed ?? 0);
      if (!layer) {
        layer = { digest: p.digest, completed, total: p.total ?? 0, startedAt: completed };
        this.layers.set(p.digest, layer);
        newPhase = true;
      }
      layer.completed = Math.max(layer.completed, completed);
      if (p.total) layer.total = p.total;
      if (this.phase !== 'downloading') newPhase = true;
      this.phase = 'downloading';
    } else if (p.status !== this.phase) {
      this.phase = p.status;
      newPhase = true;
    }
    this.sample(t);
    const payload = this.payload(p.status, p.digest);
    const out: PullPayload[] = [];
    if (newPhase) {
      if (this.held) out.push(this.held);
      out.push(payload);
    } else if (t - this.lastEmitAt >= this.intervalMs) {
      out.push(payload);
    } else {
      this.held = payload;
      return out;
    }
    this.held = null;
    this.lastEmitAt = t;
    this.last = out.at(-1)!;
    return out;
  }

  /** The state as it stands (for the final event of a pull that ends, fails or is cancelled). */
  snapshot(status: string): PullPayload {
    this.sample(this.now());
    return { ...this.payload(status), done: true };
  }

  /** What was last sent, if anything. */
  lastSent(): PullPayload | null {
    return this.last;
  }

  private sample(t: number): void {
    let bytes = 0;
    for (const l of this.layers.values()) bytes += l.completed - l.startedAt;
    this.samples = addSample(this.samples, { t, bytes }, this.windowMs);
  }

  private payload(status: string, digest?: string): PullPayload {
    const layers = [...this.layers.values()].map(({ digest: d, completed, total }) => ({
      digest: d,
      completed,
      total,
    }));
    const { completed: overallCompleted, total: overallTotal } = sumLayers(layers);
    const bytesPerSec = speedOf(this.samples);
    const current = digest ? this.layers.get(digest) : undefined;
    const payload: PullPayload = { status, done: false };
    if (current) {
      payload.completed = current.completed;
      payload.total = current.total;
    }
    if (layers.length) {
      payload.layers = layers;
      payload.overallCompleted = overallCompleted;
      payload.overallTotal = overallTotal;
    }
    if (bytesPerSec !== undefined) {
      payload.bytesPerSec = bytesPerSec;
      const etaSec = etaOf(overallTotal, overallCompleted, bytesPerSec);
      if (etaSec !== undefined) payload.etaSec = etaSec;
    }
    return payload;
  }
}

/** "Fits this machine?": the model's size against free memory — fits, tight (within 20%), or too big. */
export function fitsHint(sizeBytes: number | undefined, freeBytes: number): 'yes' | 'tight' | 'no' | undefined {
  if (!sizeBytes || !(freeBytes > 0)) return undefined;
  if (sizeBytes <= freeBytes * 0.8) return 'yes';
  if (sizeBytes <= freeBytes) return 'tight';
  return 'no';
}
