/**
 * The renderer's entry: the quick prompt at `/quick` (serve) or `index.html#/quick` (the desktop's
 * quick-prompt window), loaded lazily with its own small store; otherwise the main App.
 */
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openFromQuickHandoff } from './app/open-from-quick';
import { startStore } from './app/store';
import './styles.css';

const QuickPrompt = lazy(() => import('./features/quick/QuickPrompt'));
const isQuickRoute = location.pathname === '/quick' || location.hash === '#/quick';

const root = createRoot(document.getElementById('root')!);
if (isQuickRoute) {
  root.render(
    <StrictMode>
      <Suspense fallback={null}>
        <QuickPrompt />
      </Suspense>
    </StrictMode>,
  );
} else {
  startStore();
  openFromQuickHandoff();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
