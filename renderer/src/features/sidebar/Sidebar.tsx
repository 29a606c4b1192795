/** The sidebar: new chat, search, folders/tags/archived views, the virtualised chat list, settings, toasts. */
import { useAppStore } from '../../app/store';
import { ToastHost } from '../../components/Toast';
import { SearchBox, SearchResults } from '../search/SearchBox';
import { ChatList } from './ChatList';
import { FolderList } from './FolderList';
import { StatusPill } from '../ollama/StatusPill';
import { SyncIndicator } from '../sync/SyncIndicator';

export function Sidebar() {
  const view = useAppStore((s) => s.view);
  const searching = useAppStore((s) => s.searchQuery.trim() !== '');
  const filter = useAppStore((s) => s.chatFilter);
  const folderName = useAppStore((s) => s.folders.find((f) => f.id === s.chatFilter.folderId)?.name);
  const { newChat, setView, setChatFilter } = useAppStore.getState();

  const filtered = filter.archived || filter.folderId !== undefined || !!filter.tag;
  const label = [filter.archived ? 'Archived' : (folderName ?? (filter.folderId ? 'Folder' : 'All chats'))]
    .concat(filter.tag ? [`#${filter.tag}`] : [])
    .join(' · ');
  const emptyText = filter.archived
    ? 'No archived chats.'
    : filter.tag
      ? `No chats tagged #${filter.tag} here.`
      : filter.folderId
        ? 'No chats in this folder yet: drag one here, or use a chat’s “Move to folder”.'
        : 'No conversations yet.';

  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="sidebar-head">
        <span className="brand">Hearth</span>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            newChat();
            requestAnimationFrame(() => document.getElementById('composer-input')?.focus());
          }}
          title="New chat (Ctrl+N)"
        >
          New chat
        </button>
      </div>
      <SearchBox />
      {searching ? (
        <SearchResults />
      ) : (
        <>
          <FolderList />
          <div className="chat-filter-bar">
            <span className="chat-filter-label">{label}</span>
            {filtered && (
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setChatFilter({ archived: false })}
              >
                Show all
              </button>
            )}
          </div>
          <ChatList emptyText={emptyText} />
        </>
      )}
      <div className="sidebar-foot">
        <StatusPill />
        <SyncIndicator />
        <button
          type="button"
          className={view === 'models' ? 'btn btn-ghost active' : 'btn btn-ghost'}
          onClick={() => setView(view === 'models' ? 'chat' : 'models')}
          title="Models (Ctrl+Shift+M)"
          aria-keyshortcuts="Control+Shift+M Meta+Shift+M"
        >
          Models
        </button>
        <button
          type="button"
          className={view === 'images' ? 'btn btn-ghost active' : 'btn btn-ghost'}
          onClick={() => setView(view === 'images' ? 'chat' : 'images')}
          title="Images (Ctrl+Shift+G)"
          aria-keyshortcuts="Control+Shift+G Meta+Shift+G"
        >
          Images
        </button>
        <button
          type="button"
          className={view === 'settings' ? 'btn btn-ghost active' : 'btn btn-ghost'}
          onClick={() => setView(view === 'settings' ? 'chat' : 'settings')}
          title="Settings (Ctrl+,)"
        >
          Settings
        </button>
      </div>
      <ToastHost />
    </nav>
  );
}
