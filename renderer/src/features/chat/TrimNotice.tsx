import type { Message } from '../../../../shared/types/domain';

/** Above an answer for which older messages were left out to fit the model's context window. */
export function TrimNotice({ message }: { message: Message }) {
  if (message.role !== 'assistant' || !message.trimmed) return null;
  const n = message.trimmed;
  return (
    <div className="trim-notice" role="note">
      {n === 1 ? '1 earlier message was' : `${n} earlier messages were`} left out to fit the model&apos;s context
      window.
    </div>
  );
}
