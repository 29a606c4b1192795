/**
 * The open chat: its messages, sending and stopping, streamed deltas.
 * Public: openChat, newChat, send, stop, onDelta, onDone, resync.
 */
import type { StateCreator } from 'zustand';
import type { Message } from '../../../../shared/types/domain';
import type { EventPayload } from '../../../../shared/contract';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { mergeDelta } from './merge-delta';

export interface ChatSlice {
  activeChatId: string | null;
  messages: Message[];
  sending: boolean;
  chatError: string | null;
  openChat(id: string): Promise<void>;
  newChat(): void;
  send(content: string): Promise<boolean>;
  stop(): Promise<void>;
  onDelta(p: EventPayload<'message.delta'>): void;
  onDone(p: EventPayload<'message.done'>): void;
  resync(): Promise<void>;
}

type EarlyEvent =
  { kind: 'delta'; payload: EventPayload<'message.delta'> } | { kind: 'done'; payload: EventPayload<'message.done'> };

/** Events for messages not on screen yet (newest 100 messages), replayed once they are. */
const early = new Map<string, EarlyEvent[]>();

function remember(messageId: string, event: EarlyEvent): void {
  const list = early.get(messageId) ?? [];
  list.push(event);
  early.delete(messageId);
  early.set(messageId, list);
  if (early.size > 100) early.delete(early.keys().next().value!);
}

function replayEarly(messageIds: string[], state: ChatSlice): void {
  for (const id of messageIds) {
    const list = early.get(id);
    if (!list) continue;
    early.delete(id);
    for (const e of list) {
      if (e.kind === 'delta') state.onDelta(e.payload);
      else state.onDone(e.payload);
    }
  }
}

export const createChatSlice: StateCreator<AppState, [], [], ChatSlice> = (set, get) => ({
  activeChatId: null,
  messages: [],
  sending: false,
  chatError: null,

  async openChat(id) {
    set({ activeChatId: id, chatError: null, view: 'chat' });
    try {
      const { chat, messages } = await client.call('chats.get', { id });
      if (get().activeChatId !== id) return;
      set({ messages });
      replayEarly(
        messages.map((m) => m.id),
        get(),
      );
      if (chat.model) get().selectModel(chat.model, false);
    } catch (err) {
      if (get().activeChatId === id) set({ messages: [], chatError: (err as Error).message });
    }
  },

  newChat() {
    set({ activeChatId: null, messages: [], chatError: null, view: 'chat' });
  },

  async send(content) {
    const model = get().selectedModel;
    if (!model) {
      set({ chatError: 'Pick a model first.' });
      return false;
    }
    set({ sending: true, chatError: null });
    try {
      const r = await client.call('messages.send', {
        chatId: get().activeChatId ?? undefined,
        model,
        content,
      });
      const sameChat = get().activeChatId === r.chat.id;
      set((s) => ({
        activeChatId: r.chat.id,
        messages: [...(sameChat ? s.messages : []), r.userMessage, r.assistantMessage],
      }));
      replayEarly([r.assistantMessage.id], get());
      return true;
    } catch (err) {
      set({ chatError: err instanceof ClientError ? err.message : 'Could not send the message.' });
      return false;
    } finally {
      set({ sending: false });
    }
  },

  async stop() {
    const streaming = get().messages.filter((m) => m.status === 'streaming');
    await Promise.all(streaming.map((m) => client.call('messages.stop', { messageId: m.id }).catch(() => undefined)));
  },

  onDelta(p) {
    const { chatId, messageId, offset, delta } = p;
    const messages = get().messages;
    const i = get().activeChatId === chatId ? messages.findIndex((m) => m.id === messageId) : -1;
    if (i < 0) {
      // The answer may start before `send` has returned its message: keep the event until it has.
      remember(messageId, { kind: 'delta', payload: p });
      return;
    }
    const m = messages[i]!;
    const merged = mergeDelta(m.content, offset, delta);
    if (merged === null) {
      void get().resync();
      return;
    }
    if (merged === m.content) return;
    const next = messages.slice();
    next[i] = { ...m, content: merged };
    set({ messages: next });
  },

  onDone(p) {
    const { chatId, messageId, status, content, error, stats } = p;
    if (get().activeChatId !== chatId || !get().messages.some((m) => m.id === messageId)) {
      remember(messageId, { kind: 'done', payload: p });
      return;
    }
    set((s) => ({
      messages: s.messages.map((m) => (m.id === messageId ? { ...m, status, content, error, stats } : m)),
    }));
  },

  async resync() {
    await get().loadChats();
    const id = get().activeChatId;
    if (id) await get().openChat(id);
  },
});
