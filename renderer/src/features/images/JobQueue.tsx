/** The queue: this run's jobs, newest first (the latest 50), with Clear finished. */
import { useAppStore } from '../../app/store';
import { JobRow } from './JobRow';
import { isFinished } from './progress-text';

const SHOWN = 50;

export function JobQueue() {
  const jobs = useAppStore((s) => s.imageJobs);
  const anyFinished = jobs.some(isFinished);
  const { clearFinishedJobs } = useAppStore.getState();
  if (jobs.length === 0) return null;
  return (
    <section className="job-queue" aria-labelledby="job-queue-title">
      <div className="images-section-head">
        <h2 id="job-queue-title">Queue</h2>
        {anyFinished && (
          <button type="button" className="btn btn-ghost btn-small" onClick={clearFinishedJobs}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="job-list" aria-label="Queue">
        {jobs.slice(0, SHOWN).map((job) => (
          <JobRow key={job.id} job={job} />
        ))}
      </ul>
    </section>
  );
}
