/**
 * The open chat: the tree of its messages, the branch on screen, sending, stopping, streamed
 * deltas (answer and reasoning), regenerate / edit / continue / switch branch, per-chat settings
 * and model downloads offered on a missing model.
 * Public: openChat, newChat, send, stop, regenerate, editMessage, continueMessage, showBranch,
 * updateChatSettings, ensureChat, prepareChat, pullModel, onDelta, onDone, onMessageCreated,
 * onActiveChatUpdated, onPullProgress, resync. `messages` is the branch on screen (root → leaf); `tree` holds them all.
 */
import type { StateCreator } from 'zustand';
import type { Chat, Message } from '../../../../shared/types/domain';
import type { EventPayload, MethodInput } from '../../../../shared/contract';
import { currentPath } from '../../../../shared/message-tree';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { mergeDelta } from './merge-delta';

export interface PullState {
  status: string;
  completed?: number;
  total?: number;
  done: boolean;
  error?: string;
  /** The failed answer to retry once the model is installed. */
  retryMessageId?: string;
}

/** Work preparing the open chat that a send waits for (see prepareChat). */
const preparing = new Set<Promise<unknown>>();
/** The chat being created by ensureChat, shared by everyone who asks meanwhile. */
let creating: Promise<string> | null = null;

export interface ChatSlice {
  activeChatId: string | null;
  /** The open chat's row (system prompt, params, branch), when known. */
  activeChat: Chat | null;
  /** Every message of the open chat, all branches. */
  tree: Message[];
  /** The branch on screen, root first. */
  messages: Message[];
  sending: boolean;
  chatError: string | null;
  pulls: Record<string, PullState>;
  openChat(id: string): Promise<void>;
  newChat(): void;
  send(content: string, attachmentIds?: string[]): Promise<boolean>;
  stop(): Promise<void>;
  regenerate(messageId: string, model?: string): Promise<void>;
  editMessage(messageId: string, content: string): Promise<boolean>;
  continueMessage(messageId: string): Promise<void>;
  /** Show the branch through `messageId` (its newest leaf). */
  showBranch(messageId: string): Promise<void>;
  updateChatSettings(patch: Omit<MethodInput<'chats.update'>, 'id'>): Promise<boolean>;
  /** The open chat's id; a new conversation is created first, once, however many callers ask. */
  ensureChat(): Promise<string>;
  /**
   * Run work that prepares the open chat (creating it, saving its settings, …): a message sent
   * meanwhile waits for it, so it lands in that chat with those settings.
   */
  prepareChat<T>(work: () => Promise<T>): Promise<T>;
  pullModel(model: string, retryMessageId?: string): Promise<void>;
  onDelta(p: EventPayload<'message.delta'>): void;
  onDone(p: EventPayload<'message.done'>): void;
  onMessageCreated(message: Message): void;
  onActiveChatUpdated(chat: Chat): void;
  onPullProgress(p: EventPayload<'models.pullProgress'>): void;
  resync(): Promise<void>;
}

/**
 * Streamed deltas reach the store at most about 10 times a second. Hearth's own main process sends
 * them every 100 ms (DELTA_INTERVAL_MS), so each one normally lands at once; the 80 ms window only
 * gathers bursts (several answers at once, a backlog after a stall).
 */
const DELTA_BATCH_MS = 80;

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

const errorText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

/**
 * Tree and path after adding messages, with the branch ending at `leafId` (or the newest leaf).
 * A message already held is kept: events ('message.created', deltas, done) may have brought it,
 * and newer, before the call that created it returned.
 */
function withMessages(tree: Message[], added: Message[], leafId: string | null) {
  const byId = new Map(tree.map((m) => [m.id, m]));
  for (const m of added) if (!byId.has(m.id)) byId.set(m.id, m);
  const next = [...byId.values()];
  return { tree: next, messages: currentPath(next, leafId) };
}

export const createChatSlice: StateCreator<AppState, [], [], ChatSlice> = (set, get) => {
  /** Apply `fn` to one message wherever it is held (tree and path), without recomputing the path. */
  const patchMessage = (id: string, fn: (m: Message) => Message): boolean => {
    const { tree, messages } = get();
    const ti = tree.findIndex((m) => m.id === id);
    if (ti < 0) return false;
    const updated = fn(tree[ti]!);
    if (updated === tree[ti]) return true;
    const nextTree = tree.slice();
    nextTree[ti] = updated;
    const pi = messages.findIndex((m) => m.id === id);
    let nextPath = messages;
    if (pi >= 0) {
      nextPath = messages.slice();
      nextPath[pi] = updated;
    }
    set({ tree: nextTree, messages: nextPath });
    return true;
  };

  const leafOf = () => get().activeChat?.currentLeafId ?? null;

  const applyDelta = (p: EventPayload<'message.delta'>): void => {
    const { chatId, messageId, offset, delta } = p;
    const m = get().activeChatId === chatId ? get().tree.find((x) => x.id === messageId) : undefined;
    if (!m) {
      // The answer may start before `send` has returned its message: keep the event until it has.
      remember(messageId, { kind: 'delta', payload: p });
      return;
    }
    const merged = delta ? mergeDelta(m.content, offset, delta) : m.content;
    const thinking =
      p.thinking && p.thinkingOffset !== undefined
        ? mergeDelta(m.thinking ?? '', p.thinkingOffset, p.thinking)
        : (m.thinking ?? '');
    if (merged === null || thinking === null) {
      void get().resync();
      return;
    }
    if (merged === m.content && thinking === (m.thinking ?? '')) return;
    patchMessage(messageId, (x) => ({ ...x, content: merged, thinking: thinking || x.thinking }));
  };

  let pendingDeltas: EventPayload<'message.delta'>[] = [];
  let deltaTimer: ReturnType<typeof setTimeout> | null = null;
  let lastFlush = -Infinity;
  const flushDeltas = (): void => {
    if (deltaTimer) clearTimeout(deltaTimer);
    deltaTimer = null;
    lastFlush = performance.now();
    const batch = pendingDeltas;
    pendingDeltas = [];
    for (const p of batch) applyDelta(p);
  };

  return {
    activeChatId: null,
    activeChat: null,
    tree: [],
    messages: [],
    sending: false,
    chatError: null,
    pulls: {},

    async openChat(id) {
      set({ activeChatId: id, chatError: null, view: 'chat' });
      try {
        const { chat, messages } = await client.call('chats.get', { id });
        if (get().activeChatId !== id) return;
        set({ activeChat: chat, tree: messages, messages: currentPath(messages, chat.currentLeafId) });
        // A search hit on another branch: show that branch (the search slice sets focusMessageId first).
        const focus = (get() as { focusMessageId?: string | null }).focusMessageId;
        if (focus && messages.some((m) => m.id === focus) && !get().messages.some((m) => m.id === focus)) {
          await get().showBranch(focus);
        }
        replayEarly(
          messages.map((m) => m.id),
          get(),
        );
        if (chat.model) get().selectModel(chat.model, false);
      } catch (err) {
        if (get().activeChatId === id)
          set({ activeChat: null, tree: [], messages: [], chatError: (err as Error).message });
      }
    },

    newChat() {
      set({ activeChatId: null, activeChat: null, tree: [], messages: [], chatError: null, view: 'chat' });
    },

    async send(content, attachmentIds) {
      const model = get().selectedModel;
      if (!model) {
        set({ chatError: 'Pick a model first.' });
        return false;
      }
      set({ sending: true, chatError: null });
      try {
        // A chat being set up (created for files, settings being saved) gets this message once ready.
        while (preparing.size) await Promise.allSettled([...preparing]);
        const chatId = get().activeChatId;
        const r = await client.call('messages.send', {
          chatId: chatId ?? undefined,
          model,
          content,
          ...(attachmentIds?.length ? { attachmentIds } : {}),
          // Answer on the branch the user is looking at.
          ...(chatId ? { parentId: get().messages.at(-1)?.id ?? null } : {}),
        });
        const sameChat = get().activeChatId === r.chat.id;
        set((s) => ({
          activeChatId: r.chat.id,
          activeChat: r.chat,
          ...withMessages(sameChat ? s.tree : [], [r.userMessage, r.assistantMessage], r.chat.currentLeafId),
        }));
        replayEarly([r.assistantMessage.id], get());
        return true;
      } catch (err) {
        set({ chatError: errorText(err, 'Could not send the message.') });
        return false;
      } finally {
        set({ sending: false });
      }
    },

    async stop() {
      const streaming = get().messages.filter((m) => m.status === 'streaming');
      await Promise.all(streaming.map((m) => client.call('messages.stop', { messageId: m.id }).catch(() => undefined)));
    },

    async regenerate(messageId, model) {
      set({ chatError: null });
      try {
        const r = await client.call('messages.regenerate', { messageId, ...(model ? { model } : {}) });
        if (get().activeChatId !== r.chat.id) return;
        set((s) => ({ activeChat: r.chat, ...withMessages(s.tree, [r.assistantMessage], r.chat.currentLeafId) }));
        replayEarly([r.assistantMessage.id], get());
      } catch (err) {
        set({ chatError: errorText(err, 'Could not regenerate the answer.') });
      }
    },

    async editMessage(messageId, content) {
      set({ chatError: null });
      try {
        const r = await client.call('messages.edit', { messageId, content });
        if (get().activeChatId !== r.chat.id) return true;
        set((s) => ({
          activeChat: r.chat,
          ...withMessages(s.tree, [r.userMessage, r.assistantMessage], r.chat.currentLeafId),
        }));
        replayEarly([r.assistantMessage.id], get());
        return true;
      } catch (err) {
        set({ chatError: errorText(err, 'Could not save the edit.') });
        return false;
      }
    },

    async continueMessage(messageId) {
      set({ chatError: null });
      try {
        const r = await client.call('messages.continue', { messageId });
        // Keep the text on screen (deltas continue at its end); only the state changes.
        patchMessage(messageId, (m) => ({ ...m, status: r.assistantMessage.status, error: null }));
        replayEarly([messageId], get());
      } catch (err) {
        set({ chatError: errorText(err, 'Could not continue the answer.') });
      }
    },

    async showBranch(messageId) {
      const chatId = get().activeChatId;
      if (!chatId) return;
      // Switch at once on screen, then store the choice.
      const before = get().activeChat;
      if (before)
        set((s) => ({ activeChat: { ...before, currentLeafId: messageId }, messages: currentPath(s.tree, messageId) }));
      try {
        const chat = await client.call('chats.setBranch', { chatId, leafId: messageId });
        get().onActiveChatUpdated(chat);
      } catch (err) {
        set({ chatError: errorText(err, 'Could not switch to that version.') });
      }
    },

    ensureChat() {
      const current = get().activeChatId;
      if (current) return Promise.resolve(current);
      creating ??= get()
        .prepareChat(() => client.call('chats.create', get().selectedModel ? { model: get().selectedModel! } : {}))
        .then((chat) => {
          if (!get().activeChatId) set({ activeChatId: chat.id, activeChat: chat, tree: [], messages: [] });
          return get().activeChatId ?? chat.id;
        })
        .finally(() => {
          creating = null;
        });
      return creating;
    },

    prepareChat(work) {
      const p = work();
      preparing.add(p);
      const done = () => preparing.delete(p);
      p.then(done, done);
      return p;
    },

    async updateChatSettings(patch) {
      const id = get().activeChatId;
      if (!id) return false;
      try {
        const chat = await client.call('chats.update', { id, ...patch });
        get().onActiveChatUpdated(chat);
        return true;
      } catch (err) {
        set({ chatError: errorText(err, 'Could not save the chat settings.') });
        return false;
      }
    },

    async pullModel(model, retryMessageId) {
      set((s) => ({ pulls: { ...s.pulls, [model]: { status: 'starting', done: false, retryMessageId } } }));
      try {
        await client.call('models.pull', { model });
      } catch (err) {
        set((s) => ({
          pulls: {
            ...s.pulls,
            [model]: { status: 'error', done: true, error: errorText(err, 'The download failed.'), retryMessageId },
          },
        }));
      }
    },

    onDelta(p) {
      // Deltas arrive about once a frame: apply them to the store (and re-render the answer) ten
      // times a second, which still reads as smooth streaming, instead of once per delta.
      // The first delta after a pause lands at once (the first token is not held back).
      pendingDeltas.push(p);
      if (deltaTimer) return;
      const wait = lastFlush + DELTA_BATCH_MS - performance.now();
      if (wait <= 0) flushDeltas();
      else deltaTimer = setTimeout(flushDeltas, wait);
    },

    onDone(p) {
      flushDeltas();
      const { chatId, messageId, status, content, error, stats } = p;
      if (get().activeChatId !== chatId || !get().tree.some((m) => m.id === messageId)) {
        remember(messageId, { kind: 'done', payload: p });
        return;
      }
      patchMessage(messageId, (m) => ({
        ...m,
        status,
        content,
        error,
        stats,
        ...(p.thinking !== undefined ? { thinking: p.thinking } : {}),
        ...(p.thinkingMs !== undefined ? { thinkingMs: p.thinkingMs } : {}),
      }));
    },

    onMessageCreated(message) {
      if (get().activeChatId !== message.chatId || get().tree.some((m) => m.id === message.id)) return;
      // From another window or command: add it; the branch shown follows chat.updated.
      set((s) => withMessages(s.tree, [message], leafOf()));
      replayEarly([message.id], get());
    },

    onActiveChatUpdated(chat) {
      if (get().activeChatId !== chat.id) return;
      const prev = get().activeChat;
      set({ activeChat: chat });
      if (prev?.currentLeafId !== chat.currentLeafId)
        set((s) => ({ messages: currentPath(s.tree, chat.currentLeafId) }));
    },

    onPullProgress(p) {
      const prev = get().pulls[p.model];
      set((s) => ({
        pulls: {
          ...s.pulls,
          [p.model]: {
            status: p.status,
            // The whole download (every layer) when Ollama's lines allow it, else the current layer.
            completed: p.overallTotal ? p.overallCompleted : p.completed,
            total: p.overallTotal ?? p.total,
            done: p.done,
            error: p.error,
            retryMessageId: prev?.retryMessageId,
          },
        },
      }));
      // A cancelled pull ends without an error but installed nothing: no reload, no retry.
      if (p.done && !p.error && !p.cancelled) {
        void get().loadModels();
        if (prev?.retryMessageId) void get().regenerate(prev.retryMessageId);
      }
    },

    async resync() {
      await get().loadChats();
      const id = get().activeChatId;
      if (id) await get().openChat(id);
    },
  };
};
