/**
 * The open chat: the tree of its messages, the branch on screen, sending, stopping, streamed
 * deltas (answer and reasoning), regenerate / edit / continue / switch branch and per-chat settings.
 * (Downloads, including the one offered under an answer whose model is missing, live in the
 * model manager slice.)
 * Public: openChat, newChat, send, stop, regenerate, editMessage, continueMessage, showBranch,
 * updateChatSettings, ensureChat, prepareChat, onDelta, onDone, onMessageRow,
 * onActiveChatUpdated, resync, prefillComposer / takeComposerPrefill (text and files a command from
 * outside — the quick prompt, a link — puts in the composer, taken once), and the image turns of image-turns.ts (generateImageInChat,
 * retryImageTurn). `messages` is the branch on screen (root → leaf); `tree` holds them all.
 *
 * Every message row, from a reply or an event, goes through `messageRows` (shared/versioned.ts):
 * the newest version wins, whatever order calls and events arrive in. A message being sent is
 * shown at once under the ids this window chose for it (messages.send's `ids`), so the events of
 * its answer always find it. Streamed text patches the row it belongs to; text that cannot be
 * placed (a gap) makes the chat be read again.
 */
import type { StateCreator } from 'zustand';
import type { Chat, Message } from '../../../../shared/types/domain';
import type { EventPayload, MethodInput } from '../../../../shared/contract';
import { currentPath } from '../../../../shared/message-tree';
import { LeadingThrottle } from '../../../../shared/leading-throttle';
import { uuidv7 } from '../../../../shared/uuidv7';
import { RowBook } from '../../../../shared/versioned';
import { client, ClientError } from '../../client';
import type { AppState } from '../../app/store';
import { mergeDelta } from './merge-delta';
import { DELTA_BATCH_MS, deltaInterval, smoothCost } from './delta-pacing';
import { imageTurnActions, type ImageTurnActions } from './image-turns';

/** Work preparing the open chat that a send waits for (see prepareChat). */
const preparing = new Set<Promise<unknown>>();
/** Wait until no work is preparing the open chat (image turns; send runs the same loop inline). */
async function settlePreparing(): Promise<void> {
  while (preparing.size) await Promise.allSettled([...preparing]);
}
/** The chat being created by ensureChat, shared by everyone who asks meanwhile. */
let creating: Promise<string> | null = null;

export interface ChatSlice extends ImageTurnActions {
  /** The newest version of every message of the open chat seen (replies and events alike). */
  messageRows: RowBook<Message>;
  activeChatId: string | null;
  /** The open chat's row (system prompt, params, branch), when known. */
  activeChat: Chat | null;
  /** Every message of the open chat, all branches. */
  tree: Message[];
  /** The branch on screen, root first. */
  messages: Message[];
  sending: boolean;
  chatError: string | null;
  /** Text (and files) waiting for the composer to take once; `seq` tells two equal ones apart. */
  composerPrefill: { text: string; files: File[]; seq: number } | null;
  /** Put text (and files) in the composer: never sent by itself. */
  prefillComposer(text: string, files?: File[]): void;
  /** The waiting prefill, once (the composer calls it; a second call gets null). */
  takeComposerPrefill(): { text: string; files: File[] } | null;
  /** Open a chat (`reread`: a second read, after the first reply was older than an event). */
  openChat(id: string, reread?: boolean): Promise<void>;
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
  onDelta(p: EventPayload<'message.delta'>): void;
  onDone(p: EventPayload<'message.done'>): void;
  /** A message row from an event (created, updated) or a reply: taken when newer. */
  onMessageRow(message: Message): void;
  /** The open chat's row changed (called by onChatUpdated once the newer version is taken). */
  onActiveChatUpdated(chat: Chat): void;
  resync(): Promise<void>;
}

const errorText = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

/** A row shown before it is stored: the oldest possible version, so the stored row replaces it. */
const UNSTORED = '';

export const createChatSlice: StateCreator<AppState, [], [], ChatSlice> = (set, get) => {
  const rows = (): RowBook<Message> => get().messageRows;
  const leafOf = () => get().activeChat?.currentLeafId ?? null;

  /** Show the open chat's messages as the book holds them, on the branch ending at `leafId`. */
  const showRows = (leafId: string | null = leafOf()): void => {
    const chatId = get().activeChatId;
    const tree = rows()
      .rows((m) => m.chatId === chatId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    set({ tree, messages: currentPath(tree, leafId) });
  };

  /** Take rows (a reply's, an event's) for the open chat; re-show when any was newer. */
  const takeRows = (list: Message[], leafId?: string | null): void => {
    const chatId = get().activeChatId;
    let changed = false;
    for (const m of list) if (m.chatId === chatId && rows().apply(m)) changed = true;
    if (changed || leafId !== undefined) showRows(leafId === undefined ? leafOf() : leafId);
  };

  /** Apply `fn` to one held message (tree and path) without recomputing the path. */
  const patchShown = (updated: Message): void => {
    const { tree, messages } = get();
    const ti = tree.findIndex((m) => m.id === updated.id);
    if (ti < 0) return showRows();
    const nextTree = tree.slice();
    nextTree[ti] = updated;
    const pi = messages.findIndex((m) => m.id === updated.id);
    let nextPath = messages;
    if (pi >= 0) {
      nextPath = messages.slice();
      nextPath[pi] = updated;
    }
    set({ tree: nextTree, messages: nextPath });
  };

  const applyDelta = (p: EventPayload<'message.delta'>): void => {
    const { chatId, messageId, offset, delta } = p;
    if (get().activeChatId !== chatId) return;
    const m = rows().get(messageId);
    // Not held yet: the chat is being read, and its reply carries the text streamed so far.
    if (!m) return;
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
    const updated = rows().patch(messageId, (x) => ({ ...x, content: merged, thinking: thinking || x.thinking }));
    if (updated) patchShown(updated);
  };

  let pendingDeltas: EventPayload<'message.delta'>[] = [];
  let cost = 0;
  const deltaBatches = new LeadingThrottle(() => {
    const batch = pendingDeltas;
    pendingDeltas = [];
    const started = performance.now();
    for (const p of batch) applyDelta(p);
    // React renders a store change in a microtask queued by the change: one queued now runs after it.
    queueMicrotask(() => {
      cost = smoothCost(cost, performance.now() - started);
      deltaBatches.intervalMs = deltaInterval(cost);
    });
  }, DELTA_BATCH_MS);
  const flushDeltas = (): void => deltaBatches.flush();

  /** Rows this window shows before they are stored, removed again when the write fails. */
  const unstored = (m: Omit<Message, 'version' | 'updatedAt' | 'attachments' | 'trimmed'>): Message => ({
    ...m,
    updatedAt: m.createdAt,
    attachments: [],
    trimmed: 0,
    version: UNSTORED,
  });

  return {
    messageRows: new RowBook<Message>(),
    activeChatId: null,
    activeChat: null,
    tree: [],
    messages: [],
    sending: false,
    chatError: null,
    composerPrefill: null,

    prefillComposer(text, files = []) {
      set((s) => ({ composerPrefill: { text, files, seq: (s.composerPrefill?.seq ?? 0) + 1 } }));
    },

    takeComposerPrefill() {
      const p = get().composerPrefill;
      if (!p) return null;
      set({ composerPrefill: null });
      return { text: p.text, files: p.files };
    },

    async openChat(id, reread = false) {
      if (get().activeChatId !== id) rows().clear();
      set({ activeChatId: id, chatError: null, view: 'chat' });
      try {
        const { chat, messages } = await client.call('chats.get', { id });
        if (get().activeChatId !== id) return;
        get().onChatUpdated(chat);
        const merged = rows().merge(messages);
        const newest = get().chatRows.get(id) ?? chat;
        set({ activeChat: newest });
        showRows(newest.currentLeafId);
        // An answer finished (or changed) after this reply was read: read the chat again.
        if (merged.stale && !reread) return void get().openChat(id, true);
        // A search hit on another branch: show that branch (the search slice sets focusMessageId first).
        const focus = (get() as { focusMessageId?: string | null }).focusMessageId;
        if (focus && messages.some((m) => m.id === focus) && !get().messages.some((m) => m.id === focus)) {
          await get().showBranch(focus);
        }
        if (chat.model) get().selectModel(chat.model, false);
      } catch (err) {
        if (get().activeChatId === id)
          set({ activeChat: null, tree: [], messages: [], chatError: (err as Error).message });
      }
    },

    newChat() {
      rows().clear();
      set({ activeChatId: null, activeChat: null, tree: [], messages: [], chatError: null, view: 'chat' });
    },

    async send(content, attachmentIds) {
      const model = get().selectedModel;
      if (!model) {
        set({ chatError: 'Pick a model first.' });
        return false;
      }
      set({ sending: true, chatError: null });
      let shown: { user: string; assistant: string; leafBefore: string | null; chatId: string } | null = null;
      try {
        // A chat being set up (created for files, settings being saved) gets this message once ready.
        while (preparing.size) await Promise.allSettled([...preparing]);
        const chatId = get().activeChatId;
        const ids = { user: uuidv7(), assistant: uuidv7(), ...(chatId ? {} : { chat: uuidv7() }) };
        const parentId = chatId ? (get().messages.at(-1)?.id ?? null) : null;
        // Shown at once, under the ids the stored rows will have.
        const openId = chatId ?? ids.chat!;
        if (!chatId) {
          rows().clear();
          set({ activeChatId: openId, activeChat: null });
        }
        const now = Date.now();
        const common = { chatId: openId, error: null, stats: null, thinking: null, thinkingMs: null };
        rows().apply(
          unstored({
            ...common,
            id: ids.user,
            parentId,
            role: 'user',
            content,
            model: null,
            status: 'done',
            createdAt: now,
          }),
        );
        rows().apply(
          unstored({
            ...common,
            id: ids.assistant,
            parentId: ids.user,
            role: 'assistant',
            content: '',
            model,
            status: 'streaming',
            createdAt: now + 1,
          }),
        );
        shown = { ...ids, leafBefore: leafOf(), chatId: openId };
        const open = get().activeChat;
        if (open) set({ activeChat: { ...open, currentLeafId: ids.assistant } });
        showRows(ids.assistant);
        const r = await client.call('messages.send', {
          chatId: chatId ?? undefined,
          model,
          content,
          ids,
          ...(attachmentIds?.length ? { attachmentIds } : {}),
          // Answer on the branch the user is looking at.
          ...(chatId ? { parentId } : {}),
        });
        get().onChatUpdated(r.chat);
        if (get().activeChatId === r.chat.id) takeRows([r.userMessage, r.assistantMessage], leafOf());
        return true;
      } catch (err) {
        // Not stored: take back what was shown for it.
        if (shown) {
          for (const id of [shown.user, shown.assistant]) if (rows().version(id) === UNSTORED) rows().forget(id);
          const open = get().activeChat;
          if (get().activeChatId === shown.chatId) {
            if (!open) set({ activeChatId: null, tree: [], messages: [] });
            else {
              set({ activeChat: { ...open, currentLeafId: shown.leafBefore } });
              showRows(shown.leafBefore);
            }
          }
        }
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
        get().onChatUpdated(r.chat);
        takeRows([r.assistantMessage]);
      } catch (err) {
        set({ chatError: errorText(err, 'Could not regenerate the answer.') });
      }
    },

    async editMessage(messageId, content) {
      set({ chatError: null });
      try {
        const r = await client.call('messages.edit', { messageId, content });
        get().onChatUpdated(r.chat);
        takeRows([r.userMessage, r.assistantMessage]);
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
        get().onMessageRow(r.assistantMessage);
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
        get().onChatUpdated(await client.call('chats.setBranch', { chatId, leafId: messageId }));
      } catch (err) {
        set({ chatError: errorText(err, 'Could not switch to that version.') });
      }
    },

    ensureChat() {
      const current = get().activeChatId;
      if (current) return Promise.resolve(current);
      creating ??= get()
        .prepareChat(() =>
          client.call('chats.create', {
            id: uuidv7(),
            ...(get().selectedModel ? { model: get().selectedModel! } : {}),
          }),
        )
        .then((chat) => {
          if (!get().activeChatId) {
            rows().clear();
            set({ activeChatId: chat.id, activeChat: null, tree: [], messages: [] });
            get().onChatUpdated(chat);
          }
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

    ...imageTurnActions(set, get, { rows, takeRows, settle: settlePreparing }),

    async updateChatSettings(patch) {
      const id = get().activeChatId;
      if (!id) return false;
      try {
        get().onChatUpdated(await client.call('chats.update', { id, ...patch }));
        return true;
      } catch (err) {
        set({ chatError: errorText(err, 'Could not save the chat settings.') });
        return false;
      }
    },

    onDelta(p) {
      // Deltas arrive about once a frame: apply them to the store (and re-render the answer) ten
      // times a second, which still reads as smooth streaming, instead of once per delta.
      // The first delta after a pause lands at once (the first token is not held back).
      pendingDeltas.push(p);
      deltaBatches.schedule();
    },

    onDone(p) {
      flushDeltas();
      const { chatId, messageId, status, content, error, stats } = p;
      if (get().activeChatId !== chatId) return;
      // Only the fields the event carries change; a message not held yet is read with its chat,
      // and the version noted here tells that reply apart from an older one.
      const taken = rows().note(messageId, p.version, (m) => ({
        ...m,
        status,
        content,
        error,
        stats,
        ...(p.thinking !== undefined ? { thinking: p.thinking } : {}),
        ...(p.thinkingMs !== undefined ? { thinkingMs: p.thinkingMs } : {}),
      }));
      const updated = taken && rows().get(messageId);
      if (updated) patchShown(updated);
    },

    onMessageRow(message) {
      // From another window or command, or the stored copy of one shown here; the branch shown follows chat.updated.
      takeRows([message]);
    },

    onActiveChatUpdated(chat) {
      if (get().activeChatId !== chat.id) return;
      const prev = get().activeChat;
      set({ activeChat: chat });
      if (prev?.currentLeafId !== chat.currentLeafId)
        set((s) => ({ messages: currentPath(s.tree, chat.currentLeafId) }));
    },

    async resync() {
      // Events may have been missed (a lost connection): forget what was held and read it all again.
      get().chatRows.clear();
      rows().clear();
      await get().loadChats();
      const id = get().activeChatId;
      if (id) await get().openChat(id);
    },
  };
};
