import type { Message } from '../../../../shared/types/domain';

/** The text of a message. Model output is untrusted: it is rendered as text, never as HTML. */
export function MessageBody({ message }: { message: Message }) {
  return <div className="message-body">{message.content}</div>;
}
