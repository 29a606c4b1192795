/**
 * Turns Ollama's /api/pull status lines into 'models.pullProgress' payloads: bytes per layer, the sums
 * for an overall bar, a speed smoothed over the last few seconds and an ETA. Updates are throttled to
 * a few a second, but a new phase (pulling manifest, a new layer, verifying sha256 digest, writing
 * manifest) always goes out, preceded by the last held-back update so no layer's final bytes are lost.
 *
 * A resumed pull starts from the bytes Ollama already has: the first line of a layer reports them as
 * `completed`, so the overall bar starts there and those bytes do not count towards the speed.
 */
import type { EventPayload } from '../../../shared/contract';
import type { PullProgress } from '../providers/provider';

export type PullPayload = Omit<EventPayload<'models.pullProgress'>, 'model'>;

interface Layer {
  digest: string;
  completed: number;
  total: number;
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
  private readonly samples: { t: number; bytes: number }[] = [];
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
    this.windowMs = o.speedWindowMs ?? 3000;
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
    this.samples.push({ t, bytes });
    // Keep one sample older than the window, so the average spans the whole window.
    while (this.samples.length > 2 && this.samples[1]!.t <= t - this.windowMs) this.samples.shift();
  }

  private speed(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < 200) return undefined;
    return Math.max(0, Math.round(((last.bytes - first.bytes) * 1000) / (last.t - first.t)));
  }

  private payload(status: string, digest?: string): PullPayload {
    const layers = [...this.layers.values()].map(({ digest: d, completed, total }) => ({
      digest: d,
      completed,
      total,
    }));
    const overallCompleted = layers.reduce((n, l) => n + l.completed, 0);
    const overallTotal = layers.reduce((n, l) => n + l.total, 0);
    const bytesPerSec = this.speed();
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
      if (bytesPerSec > 0 && overallTotal > overallCompleted) {
        payload.etaSec = Math.ceil((overallTotal - overallCompleted) / bytesPerSec);
      } else if (overallTotal > 0 && overallTotal === overallCompleted) payload.etaSec = 0;
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
