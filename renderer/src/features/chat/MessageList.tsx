import { useEffect, useRef } from 'react';
import { useAppStore } from '../../app/store';
import { MessageItem } from './MessageItem';

export function MessageList() {
  const messages = useAppStore((s) => s.messages);
  const activeChatId = useAppStore((s) => s.activeChatId);
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the answer while the user is at the bottom; leave them alone if they scrolled up.
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages]);
  useEffect(() => {
    stick.current = true;
  }, [activeChatId]);

  return (
    <div
      className="message-list"
      ref={ref}
      role="log"
      aria-label="Messages"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {messages.length === 0 && (
        <div className="empty-chat">
          <p>Ask anything. Your conversations stay on this machine.</p>
        </div>
      )}
      {messages.map((m) => (
        <MessageItem key={m.id} message={m} />
      ))}
    </div>
  );
}
