/**
 * One download as the Models page and a chat's pull offer show it, folded from 'models.pullProgress' events: phase,
 * per-layer bytes, overall bytes, speed and ETA. The service sends layers, sums, speed and ETA;
 * when an event lacks them (an older service, or a pull started elsewhere) they are derived here
 * from the per-layer status lines, with the same arithmetic (shared/pull-progress.ts), so the bar
 * never stands still for lack of a field.
 */
import type { EventPayload } from '../../../../shared/contract';
import { ollamaRef } from '../../../../shared/model-id';
import {
  addSample,
  etaOf,
  plainPullError,
  speedOf,
  sumLayers,
  type PullLayer,
  type SpeedSample,
} from '../../../../shared/pull-progress';

export type PullPhase =
  'starting' | 'manifest' | 'downloading' | 'verifying' | 'writing' | 'cleanup' | 'success' | 'error' | 'cancelled';

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
  /** Why it failed, in plain words. */
  error: string | null;
  /** Why it failed as the service worded it (a chat's pull offer shows this). */
  rawError: string | null;
  /** A failed answer to regenerate once this model is installed (a pull offered under it). */
  retryMessageId?: string;
  /** Recent bytes over time, for the speed when the service sends none. */
  samples: SpeedSample[];
}

type Progress = EventPayload<'models.pullProgress'>;

export function startPull(key: string): ManagedPull {
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
    rawError: null,
    samples: [],
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
  const base = prev ?? startPull(p.model);
  const next: ManagedPull = { ...base, status: p.status, done: p.done };

  if (p.layers) {
    next.layers = p.layers.map((l) => ({ ...l }));
  } else if (p.total !== undefined && /^pulling /i.test(p.status) && !/manifest/i.test(p.status)) {
    const digest = p.status.slice('pulling '.length).trim();
    const layer = { digest, completed: p.completed ?? 0, total: p.total };
    const i = base.layers.findIndex((l) => l.digest === digest);
    next.layers = i < 0 ? [...base.layers, layer] : base.layers.map((l, j) => (j === i ? layer : l));
  }
  const sums = next.layers.length ? sumLayers(next.layers) : { completed: base.completed, total: base.total };
  next.total = p.overallTotal ?? sums.total;
  next.completed = Math.min(next.total || Infinity, p.overallCompleted ?? sums.completed);

  next.samples = addSample(base.samples, { t: now, bytes: next.completed });
  next.bytesPerSec = p.bytesPerSec ?? speedOf(next.samples) ?? base.bytesPerSec;
  next.etaSec = p.etaSec ?? etaOf(next.total, next.completed, next.bytesPerSec) ?? base.etaSec;

  next.error = null;
  next.rawError = null;
  if (p.done) {
    next.bytesPerSec = null;
    next.etaSec = null;
    if (p.cancelled) {
      next.phase = 'cancelled';
    } else if (p.error) {
      next.phase = 'error';
      next.error = plainPullError(next.name, p.error);
      next.rawError = p.error;
    } else {
      next.phase = 'success';
      if (next.total) next.completed = next.total;
    }
  } else {
    next.phase = phaseOf(p.status);
  }
  return next;
}

/** Overall percentage (0–100, whole numbers), or null before any size is known. */
export function percentOf(pull: Pick<ManagedPull, 'completed' | 'total'>): number | null {
  if (!pull.total) return null;
  return Math.min(100, Math.floor((pull.completed / pull.total) * 100));
}
