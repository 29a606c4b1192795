/**
 * The open chat's messages, virtualised: only the rows near the viewport are in the DOM (measured
 * heights), so a 2,000-message chat opens at its end at once and memory stays flat. Follows the
 * answer while the user is at the bottom and leaves them alone when they scroll up. Scrolls to and
 * highlights `focusMessageId` (search "jump to message"); every row carries data-message-id.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Message } from '../../../../shared/types/domain';
import { useAppStore, type AppState } from '../../app/store';
import { MessageItem } from './MessageItem';

/** The search slice's fields, read defensively so this list also works in a build without search. */
type FocusFields = { focusMessageId?: string | null; clearFocusMessage?: () => void };

const AT_BOTTOM_PX = 40;
const ROW_GAP_PX = 14;
/** A scroll this soon after wheel, touch, pointer or key input is the user's. */
const USER_SCROLL_WINDOW_MS = 400;

/** A first guess of a row's height before it is measured: chars per line ~90, 22 px a line. */
function estimateHeight(m: Message | undefined): number {
  if (!m) return 80;
  const lines = m.content.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 90)), 0);
  return Math.min(4000, 70 + lines * 22) + ROW_GAP_PX;
}

export function MessageList() {
  const messages = useAppStore((s) => s.messages);
  const activeChatId = useAppStore((s) => s.activeChatId);
  const focusMessageId = useAppStore((s) => (s as AppState & FocusFields).focusMessageId ?? null);
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const lastUserInput = useRef(0);
  const markUserScroll = () => {
    lastUserInput.current = performance.now();
  };
  const [highlighted, setHighlighted] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => ref.current,
    estimateSize: (i) => estimateHeight(messages[i]),
    getItemKey: (i) => messages[i]?.id ?? i,
    overscan: 3,
    paddingStart: 16,
    paddingEnd: 16,
  });
  const totalSize = virtualizer.getTotalSize();

  // A new chat starts at its end.
  useLayoutEffect(() => {
    stick.current = true;
  }, [activeChatId]);

  // Follow the answer (and re-measured rows) while the user is at the bottom.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current && messages.length > 0) el.scrollTop = el.scrollHeight;
  }, [messages, totalSize]);

  // Jump to a message (search hit): scroll it into view once it is loaded, highlight it briefly.
  useEffect(() => {
    if (!focusMessageId) return;
    const index = messages.findIndex((m) => m.id === focusMessageId);
    if (index < 0) return;
    stick.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlighted(focusMessageId);
    (useAppStore.getState() as AppState & FocusFields).clearFocusMessage?.();
  }, [focusMessageId, messages, virtualizer]);
  useEffect(() => {
    if (!highlighted) return;
    const t = setTimeout(() => setHighlighted(null), 2000);
    return () => clearTimeout(t);
  }, [highlighted]);

  const items = virtualizer.getVirtualItems();
  return (
    <div
      className="message-list"
      ref={ref}
      role="log"
      aria-label="Messages"
      aria-live="polite"
      onWheel={markUserScroll}
      onTouchMove={markUserScroll}
      onPointerDown={markUserScroll}
      onKeyDown={markUserScroll}
      onScroll={(e) => {
        const el = e.currentTarget;
        const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
        // Only the user unsticks the list: rows re-measured above the viewport also move scrollTop.
        if (atBottom) stick.current = true;
        else if (performance.now() - lastUserInput.current < USER_SCROLL_WINDOW_MS) stick.current = false;
      }}
    >
      {messages.length === 0 && (
        <div className="empty-chat">
          <p>Ask anything. Your conversations stay on this machine.</p>
        </div>
      )}
      {messages.length > 0 && (
        <div className="message-list-inner" style={{ height: totalSize }}>
          {items.map((row) => {
            const m = messages[row.index]!;
            return (
              <div
                key={row.key}
                className={`message-row${highlighted === m.id ? ' message-row-focus' : ''}`}
                data-index={row.index}
                data-message-id={m.id}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <MessageItem message={m} />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
