import { memo } from 'react';
import type { Message } from '../../../../shared/types/domain';
import { modelName } from '../../../../shared/model-id';
import { useAppStore } from '../../app/store';
import { MessageActions } from './MessageActions';
import { MessageAttachments } from './MessageAttachments';
import { MessageBody } from './MessageBody';
import { TrimNotice } from './TrimNotice';
import { ImageTurnProgress } from './ImageTurnProgress';
import { imageTurnBackendId, isImageTurn } from './image-command';
import { jobForMessage } from './image-jobs';
import { useImageBackends } from '../images/settings/image-backends';

const STATUS_NOTE: Partial<Record<Message['status'], string>> = {
  stopped: 'Stopped',
  interrupted: 'Interrupted — the answer was cut off before it finished',
};

const IMAGE_STATUS_NOTE: Partial<Record<Message['status'], string>> = {
  stopped: 'Cancelled',
  interrupted: 'Interrupted — the image was not finished',
};

/** The message `id` of the branch on screen, found at `index` without a scan when the list is current. */
function messageAt(messages: Message[], id: string, index: number): Message | undefined {
  const m = messages[index];
  return m?.id === id ? m : messages.find((x) => x.id === id);
}

/**
 * One message of the branch on screen, by id: it subscribes to its own message, so a streaming
 * answer re-renders only itself, not the list. Text is rendered as text (React escapes it): model
 * output is untrusted and no HTML from it ever reaches the DOM.
 */
export const MessageItem = memo(function MessageItem({ id, index }: { id: string; index: number }) {
  const m = useAppStore((s) => messageAt(s.messages, id, index));
  return m ? <MessageView message={m} /> : null;
});

function MessageView({ message: m }: { message: Message }) {
  return isImageTurn(m) ? <ImageTurnView message={m} /> : <AnswerView message={m} />;
}

function AnswerView({ message: m }: { message: Message }) {
  const model = useAppStore((s) =>
    m.model ? (s.models.find((x) => x.id === m.model)?.name ?? modelName(m.model)) : null,
  );
  const streaming = m.status === 'streaming';
  return (
    <article
      className={`message message-${m.role}`}
      aria-label={m.role === 'user' ? 'You' : 'Assistant'}
      data-status={m.status}
      aria-busy={streaming || undefined}
    >
      <div className="message-meta">
        <span className="message-author">{m.role === 'user' ? 'You' : (model ?? 'Assistant')}</span>
        {streaming && <span className={m.content ? 'typing' : 'typing typing-waiting'} aria-label="Answering" />}
      </div>
      <TrimNotice message={m} />
      <MessageAttachments message={m} />
      <MessageBody message={m} />
      {m.error && (
        <div className="message-error" role="alert">
          {m.error.message}
        </div>
      )}
      {STATUS_NOTE[m.status] && <div className="message-note">{STATUS_NOTE[m.status]}</div>}
      <MessageActions message={m} />
      {m.stats && m.status === 'done' && (
        <div className="message-stats">
          {m.stats.completionTokens !== undefined && <span>{m.stats.completionTokens} tokens</span>}
          {m.stats.tokensPerSecond !== undefined && <span>{m.stats.tokensPerSecond} tok/s</span>}
          {m.stats.ttftMs !== undefined && <span>first token {m.stats.ttftMs} ms</span>}
        </div>
      )}
    </article>
  );
}

/** An image turn: made by an image backend (model `image:<backend id>`), its progress while it runs. */
function ImageTurnView({ message: m }: { message: Message }) {
  const jobLabel = useAppStore((s) => jobForMessage(s, m.id)?.backendLabel ?? null);
  const { backends } = useImageBackends();
  const backendId = imageTurnBackendId(m);
  const label = jobLabel ?? backends?.find((b) => b.id === backendId)?.label ?? null;
  const streaming = m.status === 'streaming';
  return (
    <article
      className="message message-assistant message-image-turn"
      aria-label="Assistant"
      data-status={m.status}
      aria-busy={streaming || undefined}
    >
      <div className="message-meta">
        <span className="message-author">{label ? `Image · ${label}` : 'Image'}</span>
      </div>
      <MessageAttachments message={m} />
      <MessageBody message={m} />
      <ImageTurnProgress message={m} />
      {IMAGE_STATUS_NOTE[m.status] && <div className="message-note">{IMAGE_STATUS_NOTE[m.status]}</div>}
      <MessageActions message={m} />
    </article>
  );
}
