import { useEffect } from 'react';
import { useAppStore } from './store';

/**
 * Ctrl/Cmd+N: new chat. Ctrl/Cmd+,: settings. Ctrl/Cmd+Shift+M: models. Ctrl/Cmd+Shift+G: images.
 * Escape while streaming: stop.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const s = useAppStore.getState();
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'n') {
        e.preventDefault();
        s.newChat();
        requestAnimationFrame(() => document.getElementById('composer-input')?.focus());
      } else if (mod && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        s.setView(s.view === 'models' ? 'chat' : 'models');
      } else if (mod && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'g') {
        e.preventDefault();
        s.setView(s.view === 'images' ? 'chat' : 'images');
      } else if (mod && e.key === ',') {
        e.preventDefault();
        s.setView('settings');
      } else if (e.key === 'Escape' && s.messages.some((m) => m.status === 'streaming')) {
        e.preventDefault();
        void s.stop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
