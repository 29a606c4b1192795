/**
 * The open chat's messages, virtualised: only the rows near the viewport are in the DOM (measured
 * heights), so a 2,000-message chat opens at its end at once and memory stays flat. Follows the
 * answer while the user is at the bottom and leaves them alone when they scroll up. Scrolls to and
 * highlights `focusMessageId` (search "jump to message"); every row carries data-message-id.
 *
 * Following a streaming answer: blank space (the runway) is kept below it, the answer grows into
 * it, and the list scrolls once it is used up, about once a second instead of on every update.
 * The page is calmer to read, and each update costs the browser no scroll (a scroll event, hit
 * testing and a second frame).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import type { Message } from '../../../../shared/types/domain';
import { useAppStore, type AppState } from '../../app/store';
import { MessageItem } from './MessageItem';

/** The search slice's fields, read defensively so this list also works in a build without search. */
type FocusFields = { focusMessageId?: string | null; clearFocusMessage?: () => void };

const AT_BOTTOM_PX = 40;
const ROW_GAP_PX = 14;
/** A scroll this soon after wheel, touch, pointer or key input is the user's. */
const USER_SCROLL_WINDOW_MS = 400;
const PADDING_PX = 16;

/** Blank space below a streaming answer: a quarter of the window, 96–240 px. */
function runwayPx(): number {
  return Math.round(Math.min(240, Math.max(96, window.innerHeight / 4)));
}

/** A first guess of a row's height before it is measured: chars per line ~90, 22 px a line. */
function estimateHeight(m: Message | undefined): number {
  if (!m) return 80;
  const lines = m.content.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 90)), 0);
  return Math.min(4000, 70 + lines * 22) + ROW_GAP_PX;
}

/** The ids of the branch on screen: the list re-renders when messages come or go, not when one streams. */
const selectIds = (s: AppState) => s.messages.map((m) => m.id);
const selectStreaming = (s: AppState) => s.messages.at(-1)?.status === 'streaming';
const estimateAt = (i: number) => estimateHeight(useAppStore.getState().messages[i]);

export function MessageList() {
  const ids = useAppStore(useShallow(selectIds));
  const activeChatId = useAppStore((s) => s.activeChatId);
  const focusMessageId = useAppStore((s) => (s as AppState & FocusFields).focusMessageId ?? null);
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const lastUserInput = useRef(0);
  const markUserScroll = () => {
    lastUserInput.current = performance.now();
  };
  const [highlighted, setHighlighted] = useState<string | null>(null);

  const streaming = useAppStore(selectStreaming);
  const runway = streaming ? runwayPx() : 0;
  const runwayRef = useRef(runway);
  runwayRef.current = runway;

  const getItemKey = useCallback((i: number) => ids[i] ?? i, [ids]);
  const followedSize = useRef(0);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => ref.current,
    estimateSize: estimateAt,
    getItemKey,
    overscan: 1,
    paddingStart: PADDING_PX,
    paddingEnd: PADDING_PX + runway,
    // Row positions and the total height are written to the DOM by the virtualizer itself: a row
    // that grows (a streaming answer) re-renders nothing; React renders when the range changes.
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
    onChange: (v) => {
      // Follow a growing answer in the same frame as its re-measure (no extra render, no scroll
      // jump a frame later). Only a change of size follows: a scroll alone leaves the user be.
      const size = v.getTotalSize();
      if (size === followedSize.current) return;
      followedSize.current = size;
      follow(v.scrollOffset, v.scrollRect?.height, size);
    },
  });
  const totalSize = virtualizer.getTotalSize();

  /** Scroll to the end if the user is following and the answer's end (past its runway) is out of view. */
  function follow(offset: number | null | undefined, viewport: number | undefined, size: number, always = false) {
    const el = ref.current;
    if (!el || !stick.current) return;
    const pad = runwayRef.current;
    if (!always && pad > 0 && offset != null && viewport && size - pad <= offset + viewport) return;
    el.scrollTop = el.scrollHeight;
  }

  // A new chat starts at its end.
  useLayoutEffect(() => {
    stick.current = true;
  }, [activeChatId]);

  // Stay at the end when messages come (with the new answer's runway below it)…
  useLayoutEffect(() => {
    if (ids.length > 0) follow(null, undefined, 0, true);
  }, [ids]);
  // …and when the list re-renders at another height while the user is at the bottom (a growing
  // row is followed in onChange above; a finished answer gives its runway back).
  useLayoutEffect(() => {
    if (ids.length > 0) follow(virtualizer.scrollOffset, virtualizer.scrollRect?.height, totalSize);
  }, [ids, totalSize, virtualizer]);

  // Jump to a message (search hit): scroll it into view once it is loaded, highlight it briefly.
  useEffect(() => {
    if (!focusMessageId) return;
    const index = ids.indexOf(focusMessageId);
    if (index < 0) return;
    stick.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
    setHighlighted(focusMessageId);
    (useAppStore.getState() as AppState & FocusFields).clearFocusMessage?.();
  }, [focusMessageId, ids, virtualizer]);
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
      {ids.length === 0 && (
        <div className="empty-chat">
          <p>Ask anything. Your conversations stay on this machine.</p>
        </div>
      )}
      {ids.length > 0 && (
        <div className="message-list-inner" ref={virtualizer.containerRef}>
          {items.map((row) => {
            const id = ids[row.index]!;
            return (
              <div
                key={row.key}
                className={`message-row${highlighted === id ? ' message-row-focus' : ''}`}
                data-index={row.index}
                data-message-id={id}
                ref={virtualizer.measureElement}
              >
                <MessageItem id={id} index={row.index} />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
