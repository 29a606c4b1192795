/**
 * A system notification when an answer finishes while the user is elsewhere (no Hearth window on
 * screen and focused), if Settings → Desktop says so: notify.ts decides and writes the text (chat
 * title; the answer's start as plain text, or what went wrong), at most one per chat every few
 * seconds. A click shows the main window with that chat.
 *
 * Chat titles come from 'chat.updated' events (every send updates its chat), else from the store.
 */
import { BrowserWindow, Notification } from 'electron';
import { NEW_CHAT_TITLE } from '../services/chats/chat-service';
import { createAnswerNotifier } from '../services/desktop/notify';
import type { EventHub } from '../services/events';
import type { Logger } from '../services/util/logger';

const TITLES_KEPT = 200;

export function notifyFinishedAnswers(o: {
  events: EventHub;
  enabled(): boolean;
  /** The chat's title from the store (null when it is gone). */
  chatTitle(chatId: string): string | null;
  /** An image job still runs for this message (its own end is the news). */
  imageJobRunning(messageId: string): boolean;
  /** Show the main window with this chat. */
  openChat(chatId: string): void;
  log: Pick<Logger, 'warn'>;
}): () => void {
  const notifier = createAnswerNotifier();
  const titles = new Map<string, string>();
  // Electron drops a notification's click handler once the object is garbage collected.
  const shown = new Set<Notification>();

  const title = (chatId: string): string | null => {
    const t = titles.get(chatId) ?? o.chatTitle(chatId);
    return t && t !== NEW_CHAT_TITLE ? t : null;
  };

  return o.events.subscribe((e) => {
    if (e.event === 'chat.updated') {
      const { id, title: t } = e.payload.chat;
      titles.delete(id);
      titles.set(id, t);
      if (titles.size > TITLES_KEPT) titles.delete(titles.keys().next().value!);
      return;
    }
    if (e.event !== 'message.done' || !Notification.isSupported()) return;
    const p = e.payload;
    const focused = BrowserWindow.getFocusedWindow();
    const onScreen = !!focused && focused.isVisible() && !focused.isMinimized();
    let decision;
    try {
      decision = notifier.decide(
        {
          chatId: p.chatId,
          // Read only when it would be shown.
          get chatTitle() {
            return title(p.chatId);
          },
          status: p.status,
          content: p.content,
          error: p.error,
          imageJobRunning: o.imageJobRunning(p.messageId),
        },
        { enabled: o.enabled(), windowVisible: onScreen, windowFocused: !!focused, platform: process.platform },
      );
    } catch (err) {
      o.log.warn('could not prepare the answer notification', err);
      return;
    }
    if (!decision.show) return;
    const n = new Notification({ title: decision.title, body: decision.body });
    const chatId = decision.chatId;
    const forget = () => shown.delete(n);
    n.on('click', () => {
      forget();
      o.openChat(chatId);
    });
    n.on('close', forget);
    n.on('failed', (_e, error) => {
      forget();
      o.log.warn(`the answer notification could not be shown: ${error}`);
    });
    shown.add(n);
    n.show();
  });
}
