import { lazy, Suspense, useEffect } from 'react';
import { useAppStore, type View } from './store';
import { Sidebar } from '../features/sidebar/Sidebar';
import { ChatView } from '../features/chat/ChatView';
import { SettingsPage } from '../features/settings/SettingsPage';
import { useGlobalShortcuts } from './use-global-shortcuts';

// The model manager is a page of its own: loaded when first opened, not with the chat.
const ModelsPage = lazy(() => import('../features/models/ModelsPage').then((m) => ({ default: m.ModelsPage })));
// So is image generation (its gallery, viewer and styles).
const ImagesPage = lazy(() => import('../features/images/ImagesPage').then((m) => ({ default: m.ImagesPage })));

const VIEW_LABELS: Record<View, string> = { chat: 'Chat', settings: 'Settings', models: 'Models', images: 'Images' };

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
      <main className="main" aria-label={VIEW_LABELS[view]}>
        {connection === 'closed' && (
          <div className="banner banner-warn" role="status">
            Lost the connection to Hearth. Reconnecting…
          </div>
        )}
        {view === 'settings' ? (
          <SettingsPage />
        ) : view === 'models' ? (
          <Suspense fallback={<p className="settings-loading">Loading the model manager…</p>}>
            <ModelsPage />
          </Suspense>
        ) : view === 'images' ? (
          <Suspense fallback={<p className="settings-loading">Loading image generation…</p>}>
            <ImagesPage />
          </Suspense>
        ) : (
          <ChatView />
        )}
      </main>
    </div>
  );
}
