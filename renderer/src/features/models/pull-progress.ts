/**
 * One download as the model manager shows it, folded from 'models.pullProgress' events: phase,
 * per-layer bytes, overall bytes, speed and ETA. The service sends layers, sums, speed and ETA;
 * when an event lacks them (an older service, or a pull started elsewhere) they are derived here
 * from the per-layer status lines, so the bar never stands still for lack of a field.
 */
import type { EventPayload } from '../../../../shared/contract';
import { ollamaRef } from '../../../../shared/model-id';

export type PullPhase =
  'starting' | 'manifest' | 'downloading' | 'verifying' | 'writing' | 'cleanup' | 'success' | 'error' | 'cancelled';

export interface PullLayer {
  digest: string;
  completed: number;
  total: number;
}

export interface ManagedPull {
  /** What was sent to models.pull (`<providerId>/<name>`), and what events carry back. */
  key: string;
  providerId: string;
  name: string;
  phase: PullPhase;
  status: string;
  layers: PullLayer[];
  completed: number;
  total: number;
  bytesPerSec: number | null;
  etaSec: number | null;
  done: boolean;
  error: string | null;
  /** The last sample for deriving speed when the service sends none. */
  sampleAt: number;
  sampleBytes: number;
}

type Progress = EventPayload<'models.pullProgress'>;

export function startPull(key: string, now = Date.now()): ManagedPull {
  return {
    key,
    ...ollamaRef(key),
    phase: 'starting',
    status: 'starting',
    layers: [],
    completed: 0,
    total: 0,
    bytesPerSec: null,
    etaSec: null,
    done: false,
    error: null,
    sampleAt: now,
    sampleBytes: 0,
  };
}

export function phaseOf(status: string): PullPhase {
  const s = status.toLowerCase();
  if (s === 'success') return 'success';
  if (s.startsWith('pulling manifest')) return 'manifest';
  if (s.startsWith('pulling ') || s.startsWith('downloading')) return 'downloading';
  if (s.startsWith('verifying')) return 'verifying';
  if (s.startsWith('writing manifest')) return 'writing';
  if (s.startsWith('removing')) return 'cleanup';
  if (s === 'error') return 'error';
  return 'starting';
}

export const PHASE_TEXT: Record<PullPhase, string> = {
  starting: 'Starting…',
  manifest: 'Pulling manifest…',
  downloading: 'Downloading',
  verifying: 'Verifying sha256 digest…',
  writing: 'Writing manifest…',
  cleanup: 'Removing unused layers…',
  success: 'Installed',
  error: 'Failed',
  cancelled: 'Cancelled',
};

/** Fold one progress event into the download's state. */
export function applyProgress(prev: ManagedPull | undefined, p: Progress, now = Date.now()): ManagedPull {
  const base = prev ?? startPull(p.model, now);
  const next: ManagedPull = { ...base, status: p.status, done: p.done };

  if (p.layers) {
    next.layers = p.layers.map((l) => ({ ...l }));
  } else if (p.total !== undefined && /^pulling /i.test(p.status) && !/manifest/i.test(p.status)) {
    const digest = p.status.slice('pulling '.length).trim();
    const layer = { digest, completed: p.completed ?? 0, total: p.total };
    const i = base.layers.findIndex((l) => l.digest === digest);
    next.layers = i < 0 ? [...base.layers, layer] : base.layers.map((l, j) => (j === i ? layer : l));
  }
  const sum = (f: (l: PullLayer) => number) => next.layers.reduce((a, l) => a + f(l), 0);
  next.total = p.overallTotal ?? (next.layers.length ? sum((l) => l.total) : base.total);
  next.completed = Math.min(
    next.total || Infinity,
    p.overallCompleted ?? (next.layers.length ? sum((l) => l.completed) : base.completed),
  );

  if (p.bytesPerSec !== undefined) next.bytesPerSec = p.bytesPerSec;
  else if (now - base.sampleAt >= 500 && next.completed > base.sampleBytes) {
    const instant = ((next.completed - base.sampleBytes) * 1000) / (now - base.sampleAt);
    next.bytesPerSec = base.bytesPerSec === null ? instant : base.bytesPerSec * 0.6 + instant * 0.4;
  }
  if (next.bytesPerSec !== base.bytesPerSec || p.bytesPerSec !== undefined) {
    next.sampleAt = now;
    next.sampleBytes = next.completed;
  }
  if (p.etaSec !== undefined) next.etaSec = p.etaSec;
  else if (next.bytesPerSec && next.total > next.completed)
    next.etaSec = (next.total - next.completed) / next.bytesPerSec;

  if (p.done) {
    next.bytesPerSec = null;
    next.etaSec = null;
    if (p.cancelled) {
      next.phase = 'cancelled';
      next.error = null;
    } else if (p.error) {
      next.phase = 'error';
      next.error = plainPullError(next.name, p.error);
    } else {
      next.phase = 'success';
      next.error = null;
      if (next.total) next.completed = next.total;
    }
  } else {
    next.phase = phaseOf(p.status);
    next.error = null;
  }
  return next;
}

/** Overall percentage (0–100, whole numbers), or null before any size is known. */
export function percentOf(pull: Pick<ManagedPull, 'completed' | 'total'>): number | null {
  if (!pull.total) return null;
  return Math.min(100, Math.floor((pull.completed / pull.total) * 100));
}

/**
 * Ollama's own pull errors are terse ("pull model manifest: file does not exist"); say what
 * happened and what to do. Messages already in plain words pass through.
 */
export function plainPullError(name: string, raw: string): string {
  const msg = raw.replace(/^Ollama could not pull "[^"]*":\s*/, '');
  if (/file does not exist|manifest unknown|not found/i.test(msg) && !/Can't reach/i.test(msg)) {
    return `“${name}” is not in the Ollama library. Check the spelling and the tag (for example llama3.2:1b) at ollama.com/library.`;
  }
  if (/no space left|disk full|not enough space/i.test(msg)) {
    return `The disk is full: “${name}” needs more free space where Ollama keeps its models. Free some space or move the models folder in Settings, then retry.`;
  }
  if (
    /ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|i\/o timeout|connection reset|TLS handshake|dial tcp|network is unreachable|no such host/i.test(
      msg,
    )
  ) {
    return `The download of “${name}” lost its network connection (${msg}). Check the internet connection and retry; what was downloaded is kept.`;
  }
  if (/invalid model name|invalid reference format/i.test(msg)) {
    return `“${name}” is not a valid model name. Use a name like llama3.2 or llama3.2:1b.`;
  }
  return raw;
}
