/** Desktop settings, the quick prompt's chats, and the shell's own abilities (clipboard, windows, updates). */
import type { HandlerGroup } from '../api';
import type { RouterDeps } from './router-deps';

export function desktopHandlers(
  d: RouterDeps,
): HandlerGroup<
  | 'desktop.get'
  | 'desktop.update'
  | 'desktop.readClipboard'
  | 'desktop.hideQuickPrompt'
  | 'desktop.openInMain'
  | 'quick.start'
  | 'quick.keep'
  | 'quick.discard'
  | 'updates.check'
  | 'updates.download'
  | 'updates.install'
> {
  return {
    'desktop.get': () => d.desktop.view(),
    'desktop.update': (input) => d.desktop.update(input),
    'desktop.readClipboard': () => d.desktop.readClipboard(),
    'desktop.hideQuickPrompt': () => d.desktop.hideQuickPrompt(),
    'desktop.openInMain': ({ chatId, draft }) => {
      if (chatId) d.quick.keep(chatId);
      return d.desktop.openInMain(chatId, draft);
    },
    'quick.start': ({ id, model }) => d.quick.start(id, model),
    'quick.keep': ({ chatId }) => d.quick.keep(chatId),
    'quick.discard': ({ chatId }) => d.quick.discard(chatId),
    'updates.check': () => d.desktop.checkUpdates(),
    'updates.download': () => d.desktop.downloadUpdate(),
    'updates.install': () => d.desktop.installUpdate(),
  };
}
