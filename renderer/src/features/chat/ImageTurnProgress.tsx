/**
 * An image turn in the chat while it is made, and when it failed: the job's progress ("Step 12 of
 * 30 · 40%", with the backend's live preview) and Cancel; a failed, stopped or interrupted turn
 * says why and offers Retry. A finished turn shows its images as attachments and its parameters as
 * its text, like any message (nothing here).
 */
import type { Message } from '../../../../shared/types/domain';
import { client, ClientError } from '../../client';
import { useAppStore } from '../../app/store';
import { jobForMessage, jobIdForMessage } from './image-jobs';
import { turnProgress } from './image-progress-text';
import './image-in-chat.css';

const RETRYABLE: Message['status'][] = ['error', 'stopped', 'interrupted'];

export function ImageTurnProgress({ message: m }: { message: Message }) {
  if (m.status === 'streaming') return <Running message={m} />;
  if (RETRYABLE.includes(m.status)) return <Failed message={m} />;
  return null;
}

function Running({ message: m }: { message: Message }) {
  const jobId = useAppStore((s) => jobIdForMessage(s, m.id));
  const job = useAppStore((s) => jobForMessage(s, m.id));
  const live = useAppStore((s) => (jobId ? (s.imageProgress[jobId] ?? null) : null));
  const { text, percent } = turnProgress(job, live);
  const preview = live?.preview?.startsWith('data:image/') ? live.preview : null;

  const cancel = async () => {
    // The images slice cancels a job it knows (and says so if it cannot); without a job id yet,
    // stopping the message reaches the same job through the chat.
    if (jobId) return useAppStore.getState().cancelImageJob(jobId);
    try {
      await client.call('messages.stop', { messageId: m.id });
    } catch (err) {
      useAppStore.setState({
        chatError: err instanceof ClientError ? err.message : 'Could not cancel the image.',
      });
    }
  };

  return (
    <div className="image-turn">
      {preview ? (
        <img className="image-turn-preview" src={preview} alt="Preview of the image being made" />
      ) : (
        <span className="image-turn-preview image-turn-placeholder" aria-hidden="true" />
      )}
      <div className="image-turn-status">
        {percent === null ? (
          <progress aria-label="Image progress" aria-valuetext={text} />
        ) : (
          <progress aria-label="Image progress" aria-valuetext={text} max={100} value={percent} />
        )}
        <span className="image-turn-text">{text}</span>
        <button type="button" className="btn btn-small" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function Failed({ message: m }: { message: Message }) {
  const busy = useAppStore((s) => s.sending || s.messages.some((x) => x.status === 'streaming'));
  return (
    <div className="image-turn-failed">
      {m.status === 'error' && (
        <div className="message-error" role="alert">
          {m.error?.message ?? 'The image could not be made.'}
        </div>
      )}
      <div className="message-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          onClick={() => void useAppStore.getState().retryImageTurn(m.id)}
        >
          Retry
        </button>
      </div>
    </div>
  );
}
