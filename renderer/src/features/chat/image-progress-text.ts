/**
 * The words of an image turn's progress bar (ImageTurnProgress), in the Images page's words
 * ("Step 12 of 30 · 40% · about 6 s left"), plus the moments before the backend reports anything.
 */
import type { ImageJob } from '../../../../shared/types/images';
import { percent, progressLabel, type JobProgress } from '../images/progress-text';

/** `percent` null: the bar has no value yet (waiting or starting). */
export function turnProgress(job: ImageJob | null, live: JobProgress | null): { text: string; percent: number | null } {
  if (job?.state === 'queued') return { text: 'Waiting for the image backend…', percent: null };
  const p: JobProgress | null =
    live ?? (job ? { progress: job.progress, etaSeconds: job.etaSeconds, step: job.step, steps: job.steps } : null);
  if (!p || (p.progress <= 0 && p.step === null)) return { text: 'Starting…', percent: null };
  const steps = p.steps && p.step !== null ? { ...p, step: Math.min(p.step, p.steps) } : p;
  return { text: progressLabel(steps), percent: percent(p.progress) };
}
