import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Message } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { BranchSwitcher } from './BranchSwitcher';
import { PullOffer } from './PullOffer';
import { answerPrompt, isImageTurn, pickImageBackend, readLastBackendId } from './image-command';
import { useImageBackends } from '../images/settings/image-backends';

const CAN_CONTINUE: Message['status'][] = ['interrupted', 'stopped'];

/**
 * Actions under a message: copy, regenerate / retry / continue and "Generate image" (answers), edit
 * (questions), versions. Image turns keep copy and versions; their Retry is ImageTurnProgress's.
 */
export function MessageActions({ message: m }: { message: Message }) {
  const [editing, setEditing] = useState(false);
  const [copied, setCopied] = useState(false);
  const busy = useAppStore((s) => s.sending || s.messages.some((x) => x.status === 'streaming'));
  const { regenerate, continueMessage } = useAppStore.getState();
  if (m.status === 'streaming') return null;
  if (isImageTurn(m)) return <ImageTurnActions message={m} />;
  if (editing) return <EditForm message={m} onClose={() => setEditing(false)} />;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(m.content);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      useAppStore.setState({ chatError: 'The clipboard is not available here; select the text to copy it.' });
    }
  };

  return (
    <>
      {m.role === 'assistant' && <PullOffer message={m} />}
      <div className="message-actions">
        <BranchSwitcher messageId={m.id} />
        {m.content && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
        {m.role === 'user' && (
          <button type="button" className="btn btn-ghost btn-small" disabled={busy} onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {m.role === 'assistant' && m.status === 'error' && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void regenerate(m.id)}>
            Retry
          </button>
        )}
        {m.role === 'assistant' && CAN_CONTINUE.includes(m.status) && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void continueMessage(m.id)}>
            Continue
          </button>
        )}
        {m.role === 'assistant' && m.status !== 'error' && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy}
            onClick={() => void regenerate(m.id)}
          >
            Regenerate
          </button>
        )}
        {m.role === 'assistant' && m.status === 'done' && m.content.trim() && (
          <GenerateImageButton message={m} disabled={busy} />
        )}
      </div>
    </>
  );
}

/** Copy (the parameters) and the versions of an image turn. */
function ImageTurnActions({ message: m }: { message: Message }) {
  const [copied, setCopied] = useState(false);
  if (!m.content)
    return (
      <div className="message-actions">
        <BranchSwitcher messageId={m.id} />
      </div>
    );
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(m.content);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      useAppStore.setState({ chatError: 'The clipboard is not available here; select the text to copy it.' });
    }
  };
  return (
    <div className="message-actions">
      <BranchSwitcher messageId={m.id} />
      <button type="button" className="btn btn-ghost btn-small" onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/**
 * "Generate image" under a finished answer: its text (the first 4,000 characters) becomes the
 * prompt of an image turn after it, made with the backend the chat uses. Shown once a backend exists.
 */
function GenerateImageButton({ message: m, disabled }: { message: Message; disabled: boolean }) {
  const { backends } = useImageBackends();
  const backend = pickImageBackend(backends ?? [], readLastBackendId());
  if (!backend) return null;
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small"
      disabled={disabled}
      title={`Make an image of this answer with ${backend.label}`}
      onClick={() =>
        void useAppStore
          .getState()
          .generateImageInChat({ prompt: answerPrompt(m.content), parentId: m.id, backendId: backend.id })
      }
    >
      Generate image
    </button>
  );
}

/** Inline edit of a question: Enter saves (as a new version), Shift+Enter adds a line, Escape cancels. */
function EditForm({ message, onClose }: { message: Message; onClose: () => void }) {
  const [text, setText] = useState(message.content);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const save = async () => {
    const content = text.trim();
    if (!content) return;
    if (content === message.content.trim()) return onClose();
    if (await useAppStore.getState().editMessage(message.id, content)) onClose();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };
  return (
    <form
      className="message-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <textarea
        ref={ref}
        aria-label="Edit message"
        value={text}
        rows={Math.min(12, Math.max(2, text.split('\n').length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="message-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!text.trim()}>
          Save
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
