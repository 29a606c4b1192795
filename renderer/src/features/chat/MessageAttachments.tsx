import type { Message } from '../../../../shared/types/domain';

/** Files sent with a message: image thumbnails and text-file chips. */
export function MessageAttachments({ message }: { message: Message }) {
  if (message.attachments.length === 0) return null;
  return (
    <ul className="message-attachments" aria-label="Attachments">
      {message.attachments.map((a) => (
        <li key={a.id}>{a.name}</li>
      ))}
    </ul>
  );
}
