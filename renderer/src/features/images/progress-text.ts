/** A job in words: its state, its progress bar's label, and its error with the field it names. */
import type { ImageJob } from '../../../../shared/types/images';
import { fieldLabel } from './build-request';

export interface JobProgress {
  progress: number;
  etaSeconds: number | null;
  step: number | null;
  steps: number | null;
  preview?: string;
}

/** "6 s", "2 min 5 s", "1 h 3 min". */
export function durationText(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

export const percent = (progress: number): number => Math.max(0, Math.min(100, Math.round(progress * 100)));

/** "Step 12 of 20 · 45% · about 6 s left" (parts the backend did not report are left out). */
export function progressLabel(p: JobProgress): string {
  const parts: string[] = [];
  if (p.step !== null && p.steps) parts.push(`Step ${p.step} of ${p.steps}`);
  parts.push(`${percent(p.progress)}%`);
  if (p.etaSeconds !== null && p.etaSeconds > 0) parts.push(`about ${durationText(p.etaSeconds)} left`);
  return parts.join(' · ');
}

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

export function jobStateText(job: ImageJob): string {
  const n = job.imageIds.length;
  switch (job.state) {
    case 'queued':
      return 'Waiting';
    case 'running':
      return 'Generating';
    case 'done':
      return n ? `Done · ${images(n)}` : 'Done';
    case 'error':
      return 'Failed';
    case 'cancelled':
      return n ? `Cancelled · kept ${images(n)}` : 'Cancelled';
    case 'interrupted':
      return n ? `Interrupted · kept ${images(n)}` : 'Interrupted · no images kept';
  }
}

/** The job's error as a sentence: the backend's words, with the field it refused named. */
export function jobErrorText(job: ImageJob): string | null {
  const e = job.error;
  if (!e) return null;
  const message = e.message.trim() || 'The backend gave no reason.';
  return e.field ? `${fieldLabel(e.field)}: ${message}` : message;
}

/** Is the job over (nothing more will happen to it)? */
export const isFinished = (job: Pick<ImageJob, 'state'>): boolean => job.state !== 'queued' && job.state !== 'running';
