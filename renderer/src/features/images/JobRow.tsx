/**
 * One job in the queue: its prompt, backend and state; while it runs a progress bar ("Step 12 of
 * 20 · 45% · about 6 s left") and the backend's live preview; Cancel while queued or running; the
 * error in the backend's words (the refused field named) and Retry when it failed, was cancelled
 * or interrupted (which also says how many images it kept).
 */
import { memo, useId } from 'react';
import type { ImageJob } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';
import { isFinished, jobErrorText, jobStateText, percent, progressLabel } from './progress-text';

export const JobRow = memo(function JobRow({ job }: { job: ImageJob }) {
  const live = useAppStore((s) => s.imageProgress[job.id]);
  const { cancelImageJob, retryImageJob } = useAppStore.getState();
  const labelId = useId();
  const running = job.state === 'running';
  const progress = live ?? job;
  const error = jobErrorText(job);
  const canRetry = job.state === 'error' || job.state === 'cancelled' || job.state === 'interrupted';
  const label = progressLabel(progress);

  return (
    <li className={`job-row job-${job.state}`}>
      {running && live?.preview && <img className="job-preview" src={live.preview} alt="Live preview" />}
      <div className="job-main">
        <div className="job-head">
          <span className="job-prompt" title={job.request.prompt}>
            {job.request.prompt}
          </span>
          <span className="job-state" aria-live="polite">
            {jobStateText(job)}
          </span>
        </div>
        <div className="job-meta muted">
          {job.backendLabel}
          {job.request.batchSize && job.request.batchSize > 1 ? ` · ${job.request.batchSize} images` : ''}
          {job.chatId ? ' · for a chat' : ''}
        </div>
        {running && (
          <div className="job-progress">
            <div
              className="job-bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent(progress.progress)}
              aria-valuetext={label}
              aria-labelledby={labelId}
            >
              <div className="job-bar-fill" style={{ width: `${percent(progress.progress)}%` }} />
            </div>
            <span className="job-progress-text" id={labelId}>
              {label}
            </span>
          </div>
        )}
        {job.state === 'queued' && <p className="job-note muted">Waiting for the backend…</p>}
        {error && (
          <p className="job-message" role="alert">
            {error}
          </p>
        )}
        {(!isFinished(job) || canRetry) && (
          <div className="job-actions">
            {!isFinished(job) && (
              <button type="button" className="btn btn-small" onClick={() => void cancelImageJob(job.id)}>
                Cancel
              </button>
            )}
            {canRetry && (
              <button type="button" className="btn btn-small" onClick={() => void retryImageJob(job.id)}>
                Retry
              </button>
            )}
          </div>
        )}
      </div>
    </li>
  );
});
