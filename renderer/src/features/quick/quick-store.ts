/**
 * The quick prompt's own small store (renderer route /quick; it never loads the chat list): it holds
 * the state of the shared reducer (shared/desktop/quick-prompt.ts), dispatches events to it and runs
 * the effects the reducer asks for against the client.
 *
 *   send          quick.start (a new chat, in the "Quick" folder or temporary) → attachments.add →
 *                 messages.send with the ids the reducer chose; a failure gives the question back
 *                 (and forgets a chat it had just created)
 *   stop          messages.stop
 *   hide-window   desktop: desktop.hideQuickPrompt; serve: the page collapses to a bar (state.visible)
 *   open-in-main  desktop: desktop.openInMain; serve: quick.keep, then the tab moves to the main UI
 *                 with the draft handed over (handoff.ts)
 *   read-clipboard desktop: desktop.readClipboard; serve: the browser's clipboard (env.readClipboard)
 *   focus-input   the page's input
 *
 * Streamed text is matched by messageId; text that cannot be placed (a gap, a lost connection) makes
 * the answer be read again with chats.get. Nothing here throws out of an event handler: every
 * failure ends as plain words in the state.
 * Public: createQuickStore(env); on the store: start, dispatch, submit, stop, continueInMain,
 * newChat, attachClipboard, attachImageFile, pickModel, cycle, reloadModels, setFocusHandler.
 */
import { create } from 'zustand';
import type { EventPayload } from '../../../../shared/contract';
import {
  initialQuickPromptState,
  quickPromptReducer,
  type ClipboardContent,
  type QuickAttachment,
  type QuickPromptEffect,
  type QuickPromptEvent,
  type QuickPromptState,
} from '../../../../shared/desktop/quick-prompt';
import type { ModelInfo } from '../../../../shared/types/domain';
import type { Theme } from '../../../../shared/types/domain';
import { uuidv7 } from '../../../../shared/uuidv7';
import { client, ClientError, onConnectionChange, type ConnectionState } from '../../client';
import type { QuickHandoff } from './handoff';
import { cycleModel, defaultQuickModel, noModelText } from './model-choice';

/** The browser refused to let the page read the clipboard (serve). */
export class ClipboardDenied extends Error {}

/** What the store needs from the page and the browser (injected, so tests run without a DOM). */
export interface QuickEnv {
  /** In the desktop app (until desktop.get says otherwise). */
  desktop: boolean;
  /** Serve: hand the chat and draft over and move this tab to the main UI. */
  goToMain(handoff: QuickHandoff): void;
  /** Serve: the browser clipboard's image or text; throws ClipboardDenied when not allowed. */
  readClipboard(): Promise<ClipboardContent>;
  /** A pasted or dropped image file as clipboard content (scaled like the chat's attachments). */
  imageContent(file: File): Promise<ClipboardContent>;
}

export interface QuickStoreState {
  quick: QuickPromptState;
  models: ModelInfo[];
  /** Models and settings are being read. */
  loading: boolean;
  /** Why nothing can be asked yet (no model, Hearth or Ollama not answering), in plain words. */
  setupError: string | null;
  desktop: boolean;
  /** Quick prompts are kept in the "Quick" folder (Settings → Desktop). */
  saving: boolean;
  /** process.platform of the machine (for ⌘ or Ctrl in the hints), when known. */
  platform: string | null;
  theme: Theme;
  connection: ConnectionState;
  /** The model and the names of the files of the last question sent (shown with it). */
  sent: { model: string; files: string[] } | null;

  /** Subscribe to events and read models and settings; returns what unsubscribes. */
  start(): () => void;
  dispatch(e: QuickPromptEvent): void;
  /** Enter. */
  submit(): void;
  stop(): void;
  /** Ctrl/Cmd+Enter. */
  continueInMain(): void;
  /** Ctrl/Cmd+N: an unsaved previous chat is discarded. */
  newChat(): void;
  /** Ctrl/Cmd+Shift+V. */
  attachClipboard(): void;
  /** An image pasted into the input. */
  attachImageFile(file: File): Promise<void>;
  pickModel(id: string): void;
  cycle(step: 1 | -1): void;
  reloadModels(): Promise<void>;
  setFocusHandler(focus: (() => void) | null): void;
}

const plain = (err: unknown, fallback: string) => (err instanceof ClientError ? err.message : fallback);

/** UTF-8 text as base64 (chunked: a 256 KB text would overflow the argument list). */
export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** messages.send needs some text: a question of attachments only names them. */
function contentFor(prompt: string, attachments: QuickAttachment[]): string {
  if (prompt) return prompt;
  const names = attachments.map((a) => a.name).join(', ');
  return `See the attached ${names}.`;
}

export function createQuickStore(env: QuickEnv) {
  let focusHandler: (() => void) | null = null;
  let resyncing: Promise<void> | null = null;

  return create<QuickStoreState>()((set, get) => {
    const note = (notice: string) => set((s) => ({ quick: { ...s.quick, notice } }));

    const dispatch = (e: QuickPromptEvent): void => {
      const before = get().quick;
      const { state, effects } = quickPromptReducer(before, e);
      if (state !== before) set({ quick: state });
      for (const fx of effects) {
        try {
          run(fx, before);
        } catch {
          note('Something went wrong in the quick prompt; try again.');
        }
      }
    };

    const run = (fx: QuickPromptEffect, before: QuickPromptState): void => {
      switch (fx.type) {
        case 'show-window':
          // The shell shows the desktop window; in serve the page shows itself from state.visible.
          return;
        case 'hide-window':
          if (get().desktop) void client.call('desktop.hideQuickPrompt', {}).catch(() => undefined);
          return;
        case 'focus-input':
          focusHandler?.();
          return;
        case 'send':
          void send(fx);
          return;
        case 'stop':
          client
            .call('messages.stop', { messageId: fx.messageId })
            .catch((err: unknown) => note(`The answer could not be stopped: ${plain(err, 'try again.')}`));
          return;
        case 'open-in-main':
          void openInMain(fx, before);
          return;
        case 'read-clipboard':
          void readClipboard();
          return;
      }
    };

    /** Remove a chat made for a question that was never sent (temporary ones go for good). */
    const forget = async (chatId: string) => {
      try {
        const { removed } = await client.call('quick.discard', { chatId });
        if (!removed) await client.call('chats.delete', { id: chatId });
      } catch {
        // Left as an empty chat; nothing the user needs to act on.
      }
    };

    const send = async (fx: Extract<QuickPromptEffect, { type: 'send' }>) => {
      set({ sent: { model: fx.model, files: fx.attachments.map((a) => a.name) } });
      let chatId = fx.chatId;
      let created: string | null = null;
      try {
        if (!chatId) {
          const chat = await client.call('quick.start', { id: fx.ids.chat!, model: fx.model });
          chatId = created = chat.id;
        }
        const attachmentIds: string[] = [];
        for (const a of fx.attachments) {
          const stored = await client.call('attachments.add', {
            chatId,
            name: a.name,
            mime: a.mime,
            dataBase64: a.kind === 'text' ? textToBase64(a.data) : a.data,
            ...(a.width && a.height ? { width: a.width, height: a.height } : {}),
          });
          attachmentIds.push(stored.id);
        }
        await client.call('messages.send', {
          chatId,
          model: fx.model,
          content: contentFor(fx.prompt, fx.attachments),
          ids: { user: fx.ids.user, assistant: fx.ids.assistant },
          ...(attachmentIds.length ? { attachmentIds } : {}),
        });
      } catch (err) {
        dispatch({ type: 'send-failed', message: plain(err, 'The question could not be sent.') });
        // The reducer forgot the chat (nothing was answered in it): remove it too.
        if (created && get().quick.chatId !== created) void forget(created);
      }
    };

    const openInMain = async (fx: Extract<QuickPromptEffect, { type: 'open-in-main' }>, before: QuickPromptState) => {
      try {
        if (get().desktop) {
          await client.call('desktop.openInMain', { chatId: fx.chatId, ...(fx.draft ? { draft: fx.draft } : {}) });
          if (fx.attachments.length) {
            // The main window takes text only: the files wait here for the next question.
            set((s) => ({
              quick: {
                ...s.quick,
                phase: 'typing',
                attachments: fx.attachments,
                notice: 'The attached files stayed in the quick prompt.',
              },
            }));
          }
          return;
        }
        if (fx.chatId) await client.call('quick.keep', { chatId: fx.chatId });
        env.goToMain({ chatId: fx.chatId, draft: fx.draft, attachments: fx.attachments });
      } catch (err) {
        // Still here: everything comes back as it was.
        set({
          quick: {
            ...before,
            visible: true,
            notice: `Could not continue in the main window: ${plain(err, 'try again.')}`,
          },
        });
        if (before.phase === 'streaming') void resync();
      }
    };

    const readClipboard = async () => {
      try {
        const content = get().desktop ? await client.call('desktop.readClipboard', {}) : await env.readClipboard();
        dispatch({ type: 'clipboard', content });
      } catch (err) {
        if (err instanceof ClipboardDenied)
          note('The browser did not let Hearth read the clipboard. Paste with Ctrl+V (⌘V on a Mac) instead.');
        else note(`The clipboard could not be read: ${plain(err, 'paste with Ctrl+V instead.')}`);
      }
    };

    /** Read the answer being shown again (a gap in the deltas, a reconnect, a failed hand-over). */
    const resync = (): Promise<void> => {
      resyncing ??= (async () => {
        const { chatId, messageId } = get().quick;
        if (!chatId || !messageId) return;
        try {
          const { messages } = await client.call('chats.get', { id: chatId });
          const m = messages.find((x) => x.id === messageId);
          const q = get().quick;
          if (!m || q.messageId !== messageId || q.phase !== 'streaming') return;
          if (m.status === 'streaming') {
            if (m.content.length > q.answer.length) dispatch({ type: 'delta', messageId, offset: 0, delta: m.content });
          } else {
            dispatch({ type: 'done', messageId, status: m.status, content: m.content, error: m.error });
          }
        } catch {
          // The events that follow (or the next reconnect) bring it.
        }
      })().finally(() => {
        resyncing = null;
      });
      return resyncing;
    };

    const onDelta = (p: EventPayload<'message.delta'>) => {
      const q = get().quick;
      if (p.messageId !== q.messageId || q.phase !== 'streaming') return;
      // Already held (a repeat, or text a re-read brought): nothing to do.
      if (p.offset + p.delta.length <= q.answer.length) return;
      if (p.offset > q.answer.length) return void resync();
      dispatch({ type: 'delta', messageId: p.messageId, offset: p.offset, delta: p.delta });
    };

    const onDone = (p: EventPayload<'message.done'>) => {
      if (p.messageId !== get().quick.messageId) return;
      dispatch({ type: 'done', messageId: p.messageId, status: p.status, content: p.content, error: p.error });
    };

    const loadModels = async () => {
      set({ loading: true });
      try {
        const [list, desktopView, settings] = await Promise.all([
          client.call('models.list', {}),
          client.call('desktop.get', {}).catch(() => null),
          client.call('settings.get', {}).catch(() => null),
        ]);
        if (desktopView)
          set({
            desktop: desktopView.desktop,
            saving: desktopView.settings.saveQuickPrompts,
            platform: desktopView.platform,
          });
        if (settings) set({ theme: settings.theme });
        const current = get().quick.model;
        const model =
          current && list.models.some((m) => m.id === current)
            ? current
            : defaultQuickModel(list.models, desktopView?.settings.quickPromptModel, settings?.defaultModel);
        set({ models: list.models, setupError: noModelText(list), loading: false });
        if (model !== current) dispatch({ type: 'set-model', model });
      } catch (err) {
        set({ loading: false, setupError: plain(err, 'Hearth is not answering.') });
      }
    };

    return {
      quick: initialQuickPromptState(null),
      models: [],
      loading: true,
      setupError: null,
      desktop: env.desktop,
      saving: true,
      platform: null,
      theme: 'system',
      connection: 'open',
      sent: null,

      start() {
        const offs = [
          client.on('message.delta', onDelta),
          client.on('message.done', onDone),
          client.on('desktop.changed', (view) => set({ saving: view.settings.saveQuickPrompts })),
          client.on('models.changed', () => void loadModels()),
          // A backup was restored: every chat this page knows may be gone; start from the restored data.
          client.on('data.restored', () => location.reload()),
        ];
        let wasClosed = false;
        const offConnection = onConnectionChange((connection) => {
          set({ connection });
          if (connection === 'closed') wasClosed = true;
          if (connection === 'open' && wasClosed) {
            wasClosed = false;
            if (get().setupError) void loadModels();
            if (get().quick.phase === 'streaming') void resync();
          }
        });
        dispatch({ type: 'open' });
        void loadModels();
        return () => {
          for (const off of offs) off();
          offConnection();
        };
      },

      dispatch,

      submit() {
        dispatch({ type: 'submit', ids: { chat: uuidv7(), user: uuidv7(), assistant: uuidv7() } });
      },

      stop() {
        dispatch({ type: 'stop' });
      },

      continueInMain() {
        dispatch({ type: 'continue-in-main' });
      },

      newChat() {
        const { chatId } = get().quick;
        if (chatId) void client.call('quick.discard', { chatId }).catch(() => undefined);
        set({ sent: null });
        dispatch({ type: 'new-chat' });
      },

      attachClipboard() {
        dispatch({ type: 'attach-clipboard' });
      },

      async attachImageFile(file) {
        try {
          dispatch({ type: 'clipboard', content: await env.imageContent(file) });
        } catch (err) {
          note(err instanceof Error && err.message ? err.message : 'The pasted image could not be read.');
        }
      },

      pickModel(id) {
        dispatch({ type: 'set-model', model: id });
      },

      cycle(step) {
        const next = cycleModel(get().models, get().quick.model, step);
        if (next && next !== get().quick.model) dispatch({ type: 'set-model', model: next });
      },

      reloadModels: loadModels,

      setFocusHandler(focus) {
        focusHandler = focus;
      },
    };
  });
}

export type QuickStore = ReturnType<typeof createQuickStore>;
