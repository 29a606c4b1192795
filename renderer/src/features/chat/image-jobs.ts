/**
 * The job behind an image turn: the images slice holds this run's jobs (`imageJobs`, from
 * 'images.job' events and replies) and their live progress (`imageProgress`); the chat slice
 * remembers the job of each image turn this window started or retried (`imageTurnJobs`), which
 * covers the moment between a reply and the job's first event.
 */
import type { ImageJob } from '../../../../shared/types/images';
import type { AppState } from '../../app/store';

type JobState = Pick<AppState, 'imageTurnJobs' | 'imageJobs'>;

/**
 * The id of the job filling this message: the newest the images slice knows for it, unless this
 * window has since started one the slice has not heard of yet (a retry's reply comes before its events).
 */
export function jobIdForMessage(s: JobState, messageId: string): string | null {
  const own = s.imageTurnJobs[messageId] ?? null;
  let newest: ImageJob | null = null;
  let ownKnown = false;
  for (const j of s.imageJobs) {
    if (j.messageId !== messageId) continue;
    if (j.id === own) ownKnown = true;
    if (!newest || j.createdAt > newest.createdAt || (j.createdAt === newest.createdAt && j.id > newest.id)) newest = j;
  }
  if (own && !ownKnown) return own;
  return newest?.id ?? own;
}

/** The job filling this message, when the images slice holds it. */
export function jobForMessage(s: JobState, messageId: string): ImageJob | null {
  const id = jobIdForMessage(s, messageId);
  return id ? (s.imageJobs.find((j) => j.id === id) ?? null) : null;
}
