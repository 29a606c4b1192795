import { useAppStore } from '../../app/store';

export function Sidebar() {
  const chats = useAppStore((s) => s.chats);
  const activeChatId = useAppStore((s) => s.activeChatId);
  const hasMore = useAppStore((s) => s.chatsHasMore);
  const loaded = useAppStore((s) => s.chatsLoaded);
  const view = useAppStore((s) => s.view);
  const { newChat, openChat, loadMoreChats, deleteChat, setView } = useAppStore.getState();

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
      <ul className="chat-list" aria-label="Chats">
        {loaded && chats.length === 0 && <li className="muted chat-empty">No conversations yet.</li>}
        {chats.map((c) => (
          <li key={c.id} className={c.id === activeChatId && view === 'chat' ? 'chat-item active' : 'chat-item'}>
            <button
              type="button"
              className="chat-open"
              aria-current={c.id === activeChatId ? 'page' : undefined}
              onClick={() => void openChat(c.id)}
              title={c.title}
            >
              {c.title}
            </button>
            <button
              type="button"
              className="chat-delete"
              aria-label={`Delete ${c.title}`}
              title="Delete"
              onClick={() => {
                if (window.confirm(`Delete "${c.title}"?`)) void deleteChat(c.id);
              }}
            >
              ×
            </button>
          </li>
        ))}
        {hasMore && (
          <li>
            <button type="button" className="btn btn-ghost" onClick={() => void loadMoreChats()}>
              Show more
            </button>
          </li>
        )}
      </ul>
      <div className="sidebar-foot">
        <button
          type="button"
          className={view === 'settings' ? 'btn btn-ghost active' : 'btn btn-ghost'}
          onClick={() => setView(view === 'settings' ? 'chat' : 'settings')}
          title="Settings (Ctrl+,)"
        >
          Settings
        </button>
      </div>
    </nav>
  );
}
