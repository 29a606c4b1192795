/**
 * The per-chat actions menu (a WAI-ARIA menu): Rename, Pin, Archive, Tags, Move to folder, Delete.
 * Arrow keys move, Enter/Space choose, Escape closes and gives focus back to the button that opened it.
 * "Move to folder" is the keyboard way to file a chat (dragging onto a folder is the pointer way).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Chat, Folder } from '../../../../shared/types/domain';

export type ChatAction =
  | { kind: 'rename' }
  | { kind: 'tags' }
  | { kind: 'pin'; pinned: boolean }
  | { kind: 'archive'; archived: boolean }
  | { kind: 'move'; folderId: string | null }
  | { kind: 'delete' };

interface Props {
  chat: Chat;
  folders: Folder[];
  anchor: DOMRect;
  onAction(action: ChatAction): void;
  onClose(returnFocus: boolean): void;
}

interface Item {
  label: string;
  action?: ChatAction;
  submenu?: boolean;
  back?: boolean;
  checked?: boolean;
  danger?: boolean;
}

export function ChatMenu({ chat, folders, anchor, onAction, onClose }: Props) {
  const [view, setView] = useState<'main' | 'folders'>('main');
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ top: anchor.bottom + 2, left: anchor.right - 200 });

  const items: Item[] =
    view === 'main'
      ? [
          { label: 'Rename', action: { kind: 'rename' } },
          { label: chat.pinned ? 'Unpin' : 'Pin', action: { kind: 'pin', pinned: !chat.pinned } },
          {
            label: chat.archived ? 'Unarchive' : 'Archive',
            action: { kind: 'archive', archived: !chat.archived },
          },
          { label: 'Tags…', action: { kind: 'tags' } },
          { label: 'Move to folder', submenu: true },
          { label: 'Delete', action: { kind: 'delete' }, danger: true },
        ]
      : [
          { label: 'Back', back: true },
          { label: 'No folder', action: { kind: 'move', folderId: null }, checked: chat.folderId === null },
          ...folders.map((f) => ({
            label: f.name,
            action: { kind: 'move' as const, folderId: f.id },
            checked: chat.folderId === f.id,
          })),
        ];

  const focusItem = (i: number) => {
    const els = ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]');
    if (!els?.length) return;
    els[(i + els.length) % els.length]!.focus();
  };

  useEffect(() => focusItem(view === 'folders' ? 1 : 0), [view]);

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const top =
      anchor.bottom + r.height + 4 > window.innerHeight ? Math.max(4, anchor.top - r.height - 2) : anchor.bottom + 2;
    const left = Math.min(Math.max(4, anchor.right - r.width), window.innerWidth - r.width - 4);
    setPos({ top, left });
  }, [anchor, view, folders.length]);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const choose = (item: Item) => {
    if (item.submenu) setView('folders');
    else if (item.back) setView('main');
    else if (item.action) onAction(item.action);
  };

  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={view === 'main' ? `Actions for ${chat.title}` : `Move ${chat.title} to folder`}
      style={{ top: pos.top, left: pos.left }}
      onKeyDown={(e) => {
        const els = [...(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
        const i = els.indexOf(document.activeElement as HTMLElement);
        if (e.key === 'ArrowDown') focusItem(i + 1);
        else if (e.key === 'ArrowUp') focusItem(i - 1);
        else if (e.key === 'Home') focusItem(0);
        else if (e.key === 'End') focusItem(els.length - 1);
        else if (e.key === 'Escape') {
          if (view === 'folders') setView('main');
          else onClose(true);
        } else if (e.key === 'ArrowLeft' && view === 'folders') setView('main');
        else if (e.key === 'ArrowRight' && view === 'main' && items[i]?.submenu) setView('folders');
        else if (e.key === 'Tab') onClose(false);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {view === 'folders' && folders.length === 0 && (
        <p className="menu-note">No folders yet: create one with “New folder”.</p>
      )}
      {items.map((item) => (
        <button
          key={item.label + (item.action?.kind === 'move' ? item.action.folderId : '')}
          type="button"
          role={item.checked !== undefined ? 'menuitemradio' : 'menuitem'}
          aria-checked={item.checked}
          aria-haspopup={item.submenu ? 'menu' : undefined}
          tabIndex={-1}
          className={item.danger ? 'menu-item menu-danger' : 'menu-item'}
          onClick={() => choose(item)}
        >
          {item.checked && <span aria-hidden="true">✓ </span>}
          {item.label}
          {item.submenu && <span aria-hidden="true"> ›</span>}
        </button>
      ))}
    </div>
  );
}
