import { describe, expect, it } from 'vitest';
import type { ImageJob } from '../../../../shared/types/images';
import { KEEP_FINISHED_JOBS, upsertJob } from './job-merge';

const job = (n: number, state: ImageJob['state']): ImageJob => ({
  id: `job-${String(n).padStart(5, '0')}`,
  backendId: 'a1111-x',
  backendKind: 'a1111',
  backendLabel: 'SD',
  request: { prompt: `p${n}` },
  state,
  progress: state === 'done' ? 1 : 0,
  etaSeconds: null,
  step: null,
  steps: null,
  imageIds: [],
  error: null,
  chatId: null,
  messageId: null,
  createdAt: n,
  startedAt: null,
  finishedAt: null,
});

describe('the queue view', () => {
  it('keeps the newest finished jobs only, however many run in a session, and never drops a queued one', () => {
    let list: ImageJob[] = [job(0, 'queued')];
    for (let n = 1; n <= KEEP_FINISHED_JOBS + 50; n++) list = upsertJob(list, job(n, 'done'));
    expect(list).toHaveLength(KEEP_FINISHED_JOBS + 1);
    expect(list[0]!.id).toBe(job(KEEP_FINISHED_JOBS + 50, 'done').id);
    expect(list.some((j) => j.state === 'queued')).toBe(true);
    expect(list.some((j) => j.id === job(1, 'done').id)).toBe(false);
  });

  it('an older copy of a job does not replace a newer one', () => {
    const list = upsertJob([job(1, 'done')], job(1, 'running'));
    expect(list[0]!.state).toBe('done');
  });
});
