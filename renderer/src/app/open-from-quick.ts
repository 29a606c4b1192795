/**
 * Start-up of the main App in serve after the quick prompt's Ctrl/Cmd+Enter: `?chat=<id>` (or
 * `?new=1`) and the draft handed over in sessionStorage (features/quick/handoff.ts) open that chat
 * with the draft and files in the composer, the same as the desktop's 'app.command' open-chat; the
 * URL is cleaned so a reload does not do it again.
 */
import { attachmentToFile, takeQuickHandoff } from '../features/quick/handoff';
import { useAppStore } from './store';

export function openFromQuickHandoff(): void {
  let taken;
  try {
    taken = takeQuickHandoff(location.search, sessionStorage);
  } catch {
    return; // storage not available: nothing was handed over
  }
  if (!taken) return;
  const params = new URLSearchParams(location.search);
  params.delete('chat');
  params.delete('new');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  const s = useAppStore.getState();
  if (taken.chatId) {
    s.setView('chat');
    void s.openChat(taken.chatId);
  } else s.newChat();
  const files = taken.attachments.map(attachmentToFile);
  if (taken.draft || files.length) s.prefillComposer(taken.draft, files);
}
