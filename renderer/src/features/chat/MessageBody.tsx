import { lazy, Suspense } from 'react';
import type { Message } from '../../../../shared/types/domain';

/** The markdown renderer (unified/remark, GFM, highlight.js) is its own chunk, off the start-up path. */
const MarkdownView = lazy(() => import('./markdown/MarkdownView'));

/** Model output as markdown, the same everywhere an answer is shown (the chat, the quick prompt). */
export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <Suspense fallback={<div className="message-plain">{text}</div>}>
      <MarkdownView text={text} streaming={streaming} />
    </Suspense>
  );
}

function Thinking({ message: m, streaming }: { message: Message; streaming: boolean }) {
  const seconds = m.thinkingMs != null ? Math.max(1, Math.round(m.thinkingMs / 1000)) : null;
  const label = seconds != null ? `Thought for ${seconds} s` : streaming ? 'Thinking…' : 'Thoughts';
  return (
    // Open while the answer streams, collapsed once it is done; the key resets the user's toggle.
    <details className="thinking" key={streaming ? 'live' : 'done'} open={streaming}>
      <summary>{label}</summary>
      <div className="thinking-body">
        <Markdown text={m.thinking ?? ''} streaming={streaming} />
      </div>
    </details>
  );
}

/**
 * The text of a message. Model output is untrusted markdown: it is rendered without raw HTML, with
 * safe links only and remote images behind consent. The user's own text is shown as typed.
 */
export function MessageBody({ message }: { message: Message }) {
  const streaming = message.status === 'streaming';
  if (message.role === 'user') return <div className="message-body message-plain">{message.content}</div>;
  return (
    <div className="message-body">
      {message.thinking && <Thinking message={message} streaming={streaming} />}
      {message.content && <Markdown text={message.content} streaming={streaming} />}
    </div>
  );
}
