/**
 * The chat list, virtualised: only the rows on screen (plus a few) are in the DOM, so 20,000 chats
 * scroll smoothly; the next page is fetched (chats.list with the `before` cursor) as the end nears.
 * Pinned chats come first under their own heading. Rows can be dragged onto a folder.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Chat } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { ChatMenu, type ChatAction } from './ChatMenu';
import { InlineEdit } from './InlineEdit';

export const CHAT_DRAG_TYPE = 'application/x-hearth-chat';
const ROW_HEIGHT = 36;
const HEADING_HEIGHT = 28;
/** Fetch the next page when the last rendered row is this close to the end. */
const LOAD_AHEAD = 20;

type Row = { kind: 'heading'; label: string } | { kind: 'chat'; chat: Chat; pos: number } | { kind: 'more' };

function toRows(chats: Chat[], hasMore: boolean): Row[] {
  const rows: Row[] = [];
  const pinned = chats.length && chats[0]!.pinned ? chats.findIndex((c) => !c.pinned) : 0;
  const nPinned = pinned < 0 ? chats.length : pinned;
  chats.forEach((chat, i) => {
    if (i === 0 && nPinned > 0) rows.push({ kind: 'heading', label: 'Pinned' });
    if (i === nPinned && nPinned > 0) rows.push({ kind: 'heading', label: 'Recent' });
    rows.push({ kind: 'chat', chat, pos: i + 1 });
  });
  if (hasMore) rows.push({ kind: 'more' });
  return rows;
}

export function ChatList({ emptyText }: { emptyText: string }) {
  const chats = useAppStore((s) => s.chats);
  const hasMore = useAppStore((s) => s.chatsHasMore);
  const loadingMore = useAppStore((s) => s.chatsLoadingMore);
  const loaded = useAppStore((s) => s.chatsLoaded);
  const folders = useAppStore((s) => s.folders);
  const activeChatId = useAppStore((s) => s.activeChatId);
  const view = useAppStore((s) => s.view);
  const { openChat, loadMoreChats, updateChat, deleteChat, showToast } = useAppStore.getState();

  const rows = useMemo(() => toRows(chats, hasMore), [chats, hasMore]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'heading' ? HEADING_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => {
      const r = rows[i]!;
      return r.kind === 'chat' ? r.chat.id : r.kind === 'heading' ? `h:${r.label}` : 'more';
    },
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - LOAD_AHEAD) void loadMoreChats();
  }, [hasMore, loadingMore, lastIndex, rows.length, loadMoreChats]);

  const [editing, setEditing] = useState<{ id: string; mode: 'rename' | 'tags' } | null>(null);
  const [menu, setMenu] = useState<{ id: string; anchor: DOMRect; trigger: HTMLElement } | null>(null);
  const menuChat = menu ? chats.find((c) => c.id === menu.id) : undefined;

  const closeMenu = useCallback(
    (returnFocus: boolean) => {
      setMenu((m) => {
        if (m && returnFocus)
          requestAnimationFrame(() => {
            const again = scrollRef.current?.querySelector<HTMLElement>(`[data-menu-for="${CSS.escape(m.id)}"]`);
            (again ?? m.trigger).focus();
          });
        return null;
      });
    },
    [setMenu],
  );

  const act = (chat: Chat, a: ChatAction) => {
    closeMenu(a.kind === 'pin' || a.kind === 'archive' || a.kind === 'move');
    if (a.kind === 'rename' || a.kind === 'tags') setEditing({ id: chat.id, mode: a.kind });
    else if (a.kind === 'pin') void updateChat(chat.id, { pinned: a.pinned });
    else if (a.kind === 'archive') void updateChat(chat.id, { archived: a.archived });
    else if (a.kind === 'move') void updateChat(chat.id, { folderId: a.folderId });
    else if (a.kind === 'delete') void deleteChat(chat.id);
  };

  const saveTags = (chat: Chat, text: string) => {
    const tags = [
      ...new Set(
        text
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
    const tooLong = tags.find((t) => t.length > 40);
    if (tooLong) {
      showToast({
        kind: 'error',
        message: `Tag “${tooLong.slice(0, 20)}…” is too long: keep tags under 40 characters.`,
      });
      return;
    }
    if (tags.length > 20) {
      showToast({ kind: 'error', message: 'A chat can have at most 20 tags.' });
      return;
    }
    void updateChat(chat.id, { tags });
  };

  return (
    <>
      <div
        ref={scrollRef}
        className="chat-list"
        role="list"
        aria-label="Chats"
        onScroll={() => menu && closeMenu(false)}
      >
        {loaded && chats.length === 0 && <div className="muted chat-empty">{emptyText}</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const row = rows[vi.index]!;
            const style = {
              position: 'absolute' as const,
              top: 0,
              left: 0,
              right: 0,
              height: vi.size,
              transform: `translateY(${vi.start}px)`,
            };
            if (row.kind === 'heading')
              return (
                <div key={vi.key} style={style} className="chat-section" role="heading" aria-level={2}>
                  {row.label}
                </div>
              );
            if (row.kind === 'more')
              return (
                <div key={vi.key} style={style} className="chat-more muted" role="status">
                  Loading more chats…
                </div>
              );
            const c = row.chat;
            const active = c.id === activeChatId && view === 'chat';
            const edit = editing?.id === c.id ? editing.mode : null;
            return (
              <div
                key={vi.key}
                style={style}
                role="listitem"
                aria-setsize={hasMore ? -1 : chats.length}
                aria-posinset={row.pos}
                className={active ? 'chat-item active' : 'chat-item'}
                draggable={!edit}
                onDragStart={(e) => {
                  e.dataTransfer.setData(CHAT_DRAG_TYPE, c.id);
                  e.dataTransfer.setData('text/plain', c.title);
                  e.dataTransfer.effectAllowed = 'move';
                }}
              >
                {edit === 'rename' ? (
                  <InlineEdit
                    label="Chat title"
                    initial={c.title}
                    maxLength={200}
                    onSave={(v) => {
                      setEditing(null);
                      if (v.trim() && v.trim() !== c.title) void updateChat(c.id, { title: v.trim() });
                    }}
                    onCancel={() => setEditing(null)}
                  />
                ) : edit === 'tags' ? (
                  <InlineEdit
                    label={`Tags for ${c.title}`}
                    initial={c.tags.join(', ')}
                    placeholder="work, ideas"
                    onSave={(v) => {
                      setEditing(null);
                      if (v !== c.tags.join(', ')) saveTags(c, v);
                    }}
                    onCancel={() => setEditing(null)}
                  />
                ) : (
                  <>
                    <button
                      type="button"
                      className="chat-open"
                      aria-current={c.id === activeChatId ? 'page' : undefined}
                      onClick={() => void openChat(c.id)}
                      title={c.tags.length ? `${c.title} — ${c.tags.map((t) => `#${t}`).join(' ')}` : c.title}
                    >
                      {c.title}
                    </button>
                    <button
                      type="button"
                      className="chat-menu-btn"
                      aria-label={`Chat actions for ${c.title}`}
                      data-menu-for={c.id}
                      aria-haspopup="menu"
                      aria-expanded={menu?.id === c.id}
                      onClick={(e) => {
                        const trigger = e.currentTarget;
                        setMenu((m) =>
                          m?.id === c.id ? null : { id: c.id, anchor: trigger.getBoundingClientRect(), trigger },
                        );
                      }}
                    >
                      ⋯
                    </button>
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
      {menu && menuChat && (
        <ChatMenu
          chat={menuChat}
          folders={folders}
          anchor={menu.anchor}
          onAction={(a) => act(menuChat, a)}
          onClose={closeMenu}
        />
      )}
    </>
  );
}
