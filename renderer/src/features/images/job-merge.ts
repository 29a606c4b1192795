/**
 * Jobs carry no version, and replies (images.generate, images.cancel, images.retry, images.jobs)
 * travel apart from the 'images.job' events. A job only moves forward (queued → running → over;
 * images and progress only grow), so a copy is taken only when it is not behind the one held.
 */
import type { ImageJob } from '../../../../shared/types/images';

const stage = (job: ImageJob): number => (job.state === 'queued' ? 0 : job.state === 'running' ? 1 : 2);

/** May `next` replace `held`? (Not when it is an older copy of the job.) */
export function isNewerJob(next: ImageJob, held: ImageJob | undefined): boolean {
  if (!held) return true;
  const a = stage(next);
  const b = stage(held);
  if (a !== b) return a > b;
  if (next.imageIds.length !== held.imageIds.length) return next.imageIds.length > held.imageIds.length;
  return a !== 1 || next.progress >= held.progress;
}

/** Newest first, as images.jobs lists them. */
export function compareJobs(a: ImageJob, b: ImageJob): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Finished jobs kept in the queue view (as the service keeps them); older ones drop off the end. */
export const KEEP_FINISHED_JOBS = 200;

/** The list with `job` in it when it is news; the same list when it is not. */
export function upsertJob(list: ImageJob[], job: ImageJob): ImageJob[] {
  const i = list.findIndex((j) => j.id === job.id);
  if (i >= 0) {
    if (!isNewerJob(job, list[i])) return list;
    const next = list.slice();
    next[i] = job;
    return next;
  }
  return trimFinished([...list, job].sort(compareJobs));
}

/** At most KEEP_FINISHED_JOBS finished jobs (the newest); queued and running ones always stay. */
function trimFinished(list: ImageJob[]): ImageJob[] {
  let finished = 0;
  const kept = list.filter((j) => stage(j) < 2 || ++finished <= KEEP_FINISHED_JOBS);
  return kept.length === list.length ? list : kept;
}
