/**
 * The last question and its answer in the quick prompt. The answer is untrusted model output and is
 * rendered by the chat's own markdown renderer (no raw HTML, safe links only, remote images behind
 * consent); the question is the user's own text, shown as typed.
 */
import type { QuickPromptState } from '../../../../shared/desktop/quick-prompt';
import { Markdown } from '../chat/MessageBody';

const STATUS_NOTE: Partial<Record<NonNullable<QuickPromptState['answerStatus']>, string>> = {
  stopped: 'Stopped',
  interrupted: 'Interrupted — the answer was cut off before it finished',
};

export function QuickAnswer(props: {
  question: string;
  files: string[];
  answer: string;
  streaming: boolean;
  status: QuickPromptState['answerStatus'];
  modelLabel: string;
}) {
  const { question, files, answer, streaming, status, modelLabel } = props;
  return (
    <div className="quick-conversation">
      <div className="quick-question" aria-label="Your question">
        {question && <div className="message-body message-plain">{question}</div>}
        {files.length > 0 && <div className="quick-question-files">{files.join(', ')}</div>}
      </div>
      <article
        className="quick-answer"
        aria-label="Answer"
        data-status={streaming ? 'streaming' : (status ?? 'done')}
        aria-busy={streaming || undefined}
      >
        <div className="message-meta">
          <span className="message-author">{modelLabel}</span>
          {streaming && <span className={answer ? 'typing' : 'typing typing-waiting'} aria-label="Answering" />}
        </div>
        {answer && (
          <div className="message-body">
            <Markdown text={answer} streaming={streaming} />
          </div>
        )}
        {status && STATUS_NOTE[status] && <div className="message-note">{STATUS_NOTE[status]}</div>}
      </article>
    </div>
  );
}
