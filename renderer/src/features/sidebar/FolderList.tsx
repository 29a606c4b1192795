/**
 * Views and folders: All chats, each folder (drop a chat on it to file it), Archived; create, rename
 * and delete folders (deleting asks first and keeps the chats). Then the tags, as filters.
 */
import { useState, type DragEvent } from 'react';
import type { Folder } from '../../../../shared/types/domain';
import { useAppStore } from '../../app/store';
import { CHAT_DRAG_TYPE } from './ChatList';
import { InlineEdit } from './InlineEdit';

export function FolderList() {
  const folders = useAppStore((s) => s.folders);
  const tags = useAppStore((s) => s.tags);
  const filter = useAppStore((s) => s.chatFilter);
  const { setChatFilter, createFolder, renameFolder, deleteFolder, updateChat } = useAppStore.getState();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);

  const allActive = !filter.archived && filter.folderId === undefined;
  const dropProps = (f: Folder) => ({
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(CHAT_DRAG_TYPE)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setDropTarget(f.id);
    },
    onDragLeave: () => setDropTarget((t) => (t === f.id ? null : t)),
    onDrop: (e: DragEvent) => {
      const chatId = e.dataTransfer.getData(CHAT_DRAG_TYPE);
      setDropTarget(null);
      if (!chatId) return;
      e.preventDefault();
      void updateChat(chatId, { folderId: f.id });
    },
  });

  return (
    <div className="organise">
      <div className="organise-head">
        <h2 className="organise-title">Folders</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setCreating(true)}>
          New folder
        </button>
      </div>
      <ul className="folder-list" aria-label="Folders">
        <li className="folder-item">
          <button
            type="button"
            className={allActive ? 'folder-open active' : 'folder-open'}
            aria-pressed={allActive}
            onClick={() => setChatFilter({ archived: false, tag: filter.tag })}
          >
            All chats
          </button>
        </li>
        {folders.map((f) => {
          const active = !filter.archived && filter.folderId === f.id;
          if (renaming === f.id)
            return (
              <li key={f.id} className="folder-item">
                <InlineEdit
                  label="Folder name"
                  initial={f.name}
                  maxLength={80}
                  onSave={(v) => {
                    setRenaming(null);
                    if (v.trim() && v.trim() !== f.name) void renameFolder(f.id, v.trim());
                  }}
                  onCancel={() => setRenaming(null)}
                />
              </li>
            );
          if (confirming === f.id)
            return (
              <li
                key={f.id}
                className="folder-item folder-confirm"
                role="group"
                aria-label={`Delete folder ${f.name}?`}
              >
                <span className="folder-confirm-text">
                  Delete “{f.name}”? Its {f.chatCount === 1 ? 'chat stays' : 'chats stay'}, outside any folder.
                </span>
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  onClick={() => {
                    setConfirming(null);
                    void deleteFolder(f.id);
                  }}
                >
                  Delete folder
                </button>
                <button type="button" className="btn btn-ghost btn-small" autoFocus onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </li>
            );
          return (
            <li
              key={f.id}
              className={dropTarget === f.id ? 'folder-item drop-target' : 'folder-item'}
              {...dropProps(f)}
            >
              <button
                type="button"
                className={active ? 'folder-open active' : 'folder-open'}
                aria-pressed={active}
                onClick={() => setChatFilter({ archived: false, folderId: f.id, tag: filter.tag })}
              >
                <span className="folder-name">{f.name}</span>
                <span className="folder-count" aria-label={`${f.chatCount} chats`}>
                  {f.chatCount}
                </span>
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Rename folder ${f.name}`}
                title="Rename"
                onClick={() => setRenaming(f.id)}
              >
                ✎
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Delete folder ${f.name}`}
                title="Delete"
                onClick={() => setConfirming(f.id)}
              >
                ×
              </button>
            </li>
          );
        })}
        {creating && (
          <li className="folder-item">
            <InlineEdit
              label="New folder name"
              initial=""
              placeholder="Folder name"
              maxLength={80}
              onSave={(v) => {
                setCreating(false);
                if (v.trim()) void createFolder(v.trim());
              }}
              onCancel={() => setCreating(false)}
            />
          </li>
        )}
        <li className="folder-item">
          <button
            type="button"
            className={filter.archived ? 'folder-open active' : 'folder-open'}
            aria-pressed={filter.archived}
            onClick={() => setChatFilter({ archived: true })}
          >
            Archived
          </button>
        </li>
      </ul>
      {tags.length > 0 && (
        <>
          <h2 className="organise-title">Tags</h2>
          <ul className="tag-list" aria-label="Tags">
            {tags.map((t) => {
              const active = filter.tag?.toLowerCase() === t.name.toLowerCase();
              return (
                <li key={t.name}>
                  <button
                    type="button"
                    className={active ? 'tag-chip active' : 'tag-chip'}
                    aria-pressed={active}
                    aria-label={`Tag ${t.name} (${t.count})`}
                    onClick={() => setChatFilter({ ...filter, tag: active ? undefined : t.name })}
                  >
                    #{t.name} <span className="tag-count">{t.count}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
