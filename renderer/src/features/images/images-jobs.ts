/**
 * The job queue part of the images slice: this run's jobs (images.jobs, then 'images.job' events
 * and the replies of generate, cancel and retry, whichever comes first: job-merge.ts keeps the one
 * furthest along) and each running job's live progress ('images.progress').
 * Public: loadImageJobs, cancelImageJob, retryImageJob, clearFinishedJobs, onImageJob,
 * onImageProgress.
 */
import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../../shared/contract';
import type { ImageJob } from '../../../../shared/types/images';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { upsertJob } from './job-merge';
import { isFinished, type JobProgress } from './progress-text';

export interface ImageJobsSlice {
  /** Newest first. */
  imageJobs: ImageJob[];
  /** Live progress of running jobs by job id; dropped when the job is over. */
  imageProgress: Record<string, JobProgress>;
  loadImageJobs(): Promise<void>;
  cancelImageJob(jobId: string): Promise<void>;
  retryImageJob(jobId: string): Promise<void>;
  /** Take the finished jobs off the queue (they stay finished: late events leave them off). */
  clearFinishedJobs(): void;
  onImageJob(job: ImageJob): void;
  onImageProgress(p: EventPayload<'images.progress'>): void;
}

const errText = (err: unknown) => (err instanceof ClientError ? err.message : 'no answer from Hearth');

export const createImageJobsSlice: StateCreator<AppState, [], [], ImageJobsSlice> = (set, get) => {
  /** Jobs known to be over: progress for them that arrives late is dropped. */
  const finished = new Set<string>();
  /** Jobs taken off the queue by the user. */
  const cleared = new Set<string>();

  const take = (jobs: ImageJob[]) => {
    let list = get().imageJobs;
    let progress = get().imageProgress;
    for (const job of jobs) {
      if (cleared.has(job.id)) continue;
      const next = upsertJob(list, job);
      if (next === list) continue;
      list = next;
      if (isFinished(job)) {
        finished.add(job.id);
        if (job.id in progress) {
          progress = { ...progress };
          delete progress[job.id];
        }
      }
    }
    if (list !== get().imageJobs || progress !== get().imageProgress) set({ imageJobs: list, imageProgress: progress });
  };

  return {
    imageJobs: [],
    imageProgress: {},

    async loadImageJobs() {
      try {
        const { jobs } = await client.call('images.jobs', {});
        take(jobs);
      } catch {
        // The queue fills from events anyway; the gallery reports a dead connection.
      }
    },

    async cancelImageJob(jobId) {
      try {
        take([await client.call('images.cancel', { jobId })]);
      } catch (err) {
        get().showToast({ kind: 'error', message: `Could not cancel the job: ${errText(err)}` });
      }
    },

    async retryImageJob(jobId) {
      try {
        take([await client.call('images.retry', { jobId })]);
      } catch (err) {
        get().showToast({ kind: 'error', message: `Could not start the job again: ${errText(err)}` });
      }
    },

    clearFinishedJobs() {
      const done = get().imageJobs.filter(isFinished);
      if (!done.length) return;
      for (const j of done) cleared.add(j.id);
      set((s) => ({ imageJobs: s.imageJobs.filter((j) => !isFinished(j)) }));
    },

    onImageJob(job) {
      take([job]);
    },

    onImageProgress({ jobId, ...p }) {
      if (finished.has(jobId)) return; // the job is over: this is a late one
      const job = get().imageJobs.find((j) => j.id === jobId);
      if (job && isFinished(job)) return;
      set((s) => {
        // A progress without a preview keeps the last one shown (previews come less often).
        const preview = p.preview ?? s.imageProgress[jobId]?.preview;
        return { imageProgress: { ...s.imageProgress, [jobId]: preview ? { ...p, preview } : p } };
      });
    },
  };
};
