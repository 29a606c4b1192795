import { useEffect } from 'react';
import { useAppStore } from './store';
import { Sidebar } from '../features/sidebar/Sidebar';
import { ChatView } from '../features/chat/ChatView';
import { SettingsPage } from '../features/settings/SettingsPage';
import { useGlobalShortcuts } from './use-global-shortcuts';

export function App() {
  const view = useAppStore((s) => s.view);
  const theme = useAppStore((s) => s.settings?.theme ?? 'system');
  const connection = useAppStore((s) => s.connection);
  useGlobalShortcuts();

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <Sidebar />
      <main className="main" aria-label={view === 'chat' ? 'Chat' : 'Settings'}>
        {connection === 'closed' && (
          <div className="banner banner-warn" role="status">
            Lost the connection to Hearth. Reconnecting…
          </div>
        )}
        {view === 'settings' ? <SettingsPage /> : <ChatView />}
      </main>
    </div>
  );
}
