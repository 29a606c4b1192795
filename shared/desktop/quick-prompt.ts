/**
 * The quick-prompt window (the global shortcut's small window, renderer route /quick): its state
 * machine as a pure reducer, and where the window goes.
 *
 *   quickPromptReducer(state, event) → { state, effects }   effects are what the shell/renderer does:
 *                                                           show/hide/focus the window, send, stop,
 *                                                           open in the main window, read the clipboard
 *   initialQuickPromptState(model)
 *
 * Phases: empty → typing → streaming → answered (or error), shown or hidden independently: Esc, a
 * click elsewhere or the shortcut again hides the window and keeps everything (draft, attachments,
 * the answer still streaming); the shortcut brings it back as it was. Ctrl/Cmd+Enter continues in the
 * main window: the chat (and any unsent draft) opens there and the quick prompt starts afresh. The
 * caller picks the message ids (UUIDv7, messages.send's `ids`), so deltas are matched from the first.
 */
import { IMAGE_LIMIT_BYTES, TEXT_LIMIT_BYTES } from '../limits';

export type QuickPhase = 'empty' | 'typing' | 'streaming' | 'answered' | 'error';

export interface QuickAttachment {
  kind: 'text' | 'image';
  name: string;
  mime: string;
  /** Bytes of the file (UTF-8 for text). */
  size: number;
  /** The text itself, or the image as base64. */
  data: string;
  width?: number;
  height?: number;
}

export interface QuickPromptState {
  visible: boolean;
  phase: QuickPhase;
  draft: string;
  attachments: QuickAttachment[];
  model: string | null;
  /** The chat the quick prompt writes into: null until the first question creates one. */
  chatId: string | null;
  /** The answer being written, or the last one. */
  messageId: string | null;
  /** The last question sent, shown above its answer. */
  question: string | null;
  answer: string;
  /** How the last answer ended (null while streaming or before any). */
  answerStatus: 'done' | 'stopped' | 'interrupted' | 'error' | null;
  /** What went wrong, in plain words (phase 'error'). */
  error: string | null;
  /** A passing remark (clipboard empty, wait for the answer…); cleared by the next event that changes anything. */
  notice: string | null;
  /**
   * What the last submit sent, until the answer shows it was received (its first delta or its end):
   * if sending fails, the question and attachments come back and a chat it would have created is forgotten.
   */
  pending: { prompt: string; attachments: QuickAttachment[]; newChat: boolean } | null;
}

export type ClipboardContent =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'image'; mime: string; dataBase64: string; size: number; width: number; height: number };

export type QuickPromptEvent =
  /** The global shortcut: toggles (hidden → shown; shown and focused → hidden; shown, not focused → focused). */
  | { type: 'shortcut'; focused: boolean }
  /** The tray item or `--quick-prompt`: show, never hide. */
  | { type: 'open' }
  | { type: 'escape' }
  | { type: 'blur' }
  | { type: 'input'; text: string }
  | { type: 'set-model'; model: string | null }
  /** Enter. `ids` are fresh UUIDv7s from the caller (the chat one is used only for the first question). */
  | { type: 'submit'; ids: { chat: string; user: string; assistant: string } }
  /** messages.send failed: nothing was created. */
  | { type: 'send-failed'; message: string }
  | { type: 'delta'; messageId: string; offset: number; delta: string }
  | {
      type: 'done';
      messageId: string;
      status: 'done' | 'stopped' | 'interrupted' | 'error';
      content: string;
      error: { message: string } | null;
    }
  | { type: 'stop' }
  /** Ctrl/Cmd+Enter. */
  | { type: 'continue-in-main' }
  | { type: 'attach-clipboard' }
  | { type: 'clipboard'; content: ClipboardContent }
  | { type: 'remove-attachment'; index: number }
  /** Start over in a new chat (the previous one stays in the main window's list). */
  | { type: 'new-chat' }
  | { type: 'dismiss' };

export type QuickPromptEffect =
  | { type: 'show-window' }
  | { type: 'hide-window' }
  | { type: 'focus-input' }
  | {
      type: 'send';
      /** null: a new chat with `ids.chat`. */
      chatId: string | null;
      ids: { chat?: string; user: string; assistant: string };
      model: string;
      prompt: string;
      attachments: QuickAttachment[];
    }
  | { type: 'stop'; messageId: string }
  /** Show the main window with this chat (null: a new chat), the unsent draft and attachments in its composer. */
  | { type: 'open-in-main'; chatId: string | null; draft: string; attachments: QuickAttachment[] }
  | { type: 'read-clipboard' };

export interface QuickPromptResult {
  state: QuickPromptState;
  effects: QuickPromptEffect[];
}

/** As many as messages.send takes. */
export const QUICK_ATTACHMENTS_MAX = 20;
export const QUICK_PROMPT_MAX = 1_000_000;

export function initialQuickPromptState(model: string | null = null): QuickPromptState {
  return {
    visible: false,
    phase: 'empty',
    draft: '',
    attachments: [],
    model,
    chatId: null,
    messageId: null,
    question: null,
    answer: '',
    answerStatus: null,
    error: null,
    notice: null,
    pending: null,
  };
}

/** The phase when no answer is streaming. */
function settle(s: QuickPromptState): QuickPromptState {
  if (s.phase === 'streaming') return s;
  let phase: QuickPhase;
  if (s.error) phase = 'error';
  else if (s.draft.trim() !== '' || s.attachments.length > 0) phase = 'typing';
  else if (s.question !== null) phase = 'answered';
  else phase = 'empty';
  return phase === s.phase ? s : { ...s, phase };
}

const result = (state: QuickPromptState, ...effects: QuickPromptEffect[]): QuickPromptResult => ({
  state: settle(state),
  effects,
});

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

function formatMb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function attachClipboard(s: QuickPromptState, c: ClipboardContent): QuickPromptResult {
  if (c.kind === 'empty') return result({ ...s, notice: 'The clipboard is empty.' });
  if (s.attachments.length >= QUICK_ATTACHMENTS_MAX) {
    return result({ ...s, notice: `At most ${QUICK_ATTACHMENTS_MAX} attachments per message.` });
  }
  const n = s.attachments.filter((a) => a.kind === c.kind).length + 1;
  let a: QuickAttachment;
  if (c.kind === 'text') {
    if (c.text.trim() === '') return result({ ...s, notice: 'The clipboard is empty.' });
    const size = utf8Bytes(c.text);
    if (size > TEXT_LIMIT_BYTES) {
      return result({
        ...s,
        notice: `The copied text is larger than ${TEXT_LIMIT_BYTES / 1024} KB; attach a shorter part.`,
      });
    }
    a = { kind: 'text', name: n > 1 ? `Clipboard ${n}.txt` : 'Clipboard.txt', mime: 'text/plain', size, data: c.text };
  } else {
    if (c.size > IMAGE_LIMIT_BYTES) {
      return result({ ...s, notice: `The copied image is larger than ${formatMb(IMAGE_LIMIT_BYTES)}.` });
    }
    const ext = c.mime === 'image/jpeg' ? 'jpg' : (c.mime.split('/')[1] ?? 'png');
    a = {
      kind: 'image',
      name: n > 1 ? `Clipboard ${n}.${ext}` : `Clipboard.${ext}`,
      mime: c.mime,
      size: c.size,
      data: c.dataBase64,
      width: c.width,
      height: c.height,
    };
  }
  return result({ ...s, attachments: [...s.attachments, a], notice: null }, { type: 'focus-input' });
}

export function quickPromptReducer(s: QuickPromptState, e: QuickPromptEvent): QuickPromptResult {
  switch (e.type) {
    case 'shortcut':
      if (!s.visible) return result({ ...s, visible: true }, { type: 'show-window' }, { type: 'focus-input' });
      if (e.focused) return result({ ...s, visible: false, notice: null }, { type: 'hide-window' });
      return result(s, { type: 'show-window' }, { type: 'focus-input' });

    case 'open':
      return result({ ...s, visible: true }, { type: 'show-window' }, { type: 'focus-input' });

    case 'escape':
    case 'blur':
      if (!s.visible) return result(s);
      return result({ ...s, visible: false, notice: null }, { type: 'hide-window' });

    case 'input': {
      const draft = e.text.length > QUICK_PROMPT_MAX ? e.text.slice(0, QUICK_PROMPT_MAX) : e.text;
      // Typing again puts an error behind: the user is moving on.
      return result({ ...s, draft, error: null, notice: null });
    }

    case 'set-model':
      return result({ ...s, model: e.model, notice: null, error: e.model ? null : s.error });

    case 'submit': {
      if (s.phase === 'streaming') return result({ ...s, notice: 'Wait for this answer to finish, or stop it.' });
      const prompt = s.draft.trim();
      if (prompt === '' && s.attachments.length === 0) return result(s);
      if (!s.model) return result({ ...s, error: 'Choose a model first.' });
      const ids = s.chatId ? { user: e.ids.user, assistant: e.ids.assistant } : e.ids;
      const chatId = s.chatId ?? e.ids.chat;
      return result(
        {
          ...s,
          phase: 'streaming',
          chatId,
          messageId: e.ids.assistant,
          question: prompt,
          answer: '',
          answerStatus: null,
          draft: '',
          attachments: [],
          error: null,
          notice: null,
          pending: { prompt, attachments: s.attachments, newChat: s.chatId === null },
        },
        { type: 'send', chatId: s.chatId, ids, model: s.model, prompt, attachments: s.attachments },
      );
    }

    case 'send-failed': {
      if (s.phase !== 'streaming' || !s.pending) return result(s);
      // Nothing was created: give the question and attachments back so nothing is lost.
      const p = s.pending;
      return result({
        ...s,
        phase: 'error',
        draft: s.draft.trim() === '' ? p.prompt : s.draft,
        attachments: [...p.attachments, ...s.attachments].slice(0, QUICK_ATTACHMENTS_MAX),
        chatId: p.newChat ? null : s.chatId,
        messageId: null,
        question: null,
        answer: '',
        error: e.message || 'The question could not be sent.',
        pending: null,
      });
    }

    case 'delta': {
      if (s.phase !== 'streaming' || e.messageId !== s.messageId) return result(s);
      // Deltas carry the length of the text before them; one that arrives twice is written once.
      if (e.offset > s.answer.length) return result(s);
      return result({ ...s, answer: s.answer.slice(0, e.offset) + e.delta, pending: null });
    }

    case 'done': {
      if (e.messageId !== s.messageId || s.phase !== 'streaming') return result(s);
      const failed = e.status === 'error';
      return result({
        ...s,
        phase: 'answered',
        answer: e.content,
        answerStatus: e.status,
        error: failed ? e.error?.message || 'The answer failed.' : null,
        pending: null,
      });
    }

    case 'stop':
      if (s.phase !== 'streaming' || !s.messageId) return result(s);
      return result(s, { type: 'stop', messageId: s.messageId });

    case 'continue-in-main': {
      const draft = s.draft.trim();
      if (!s.chatId && draft === '' && s.attachments.length === 0) return result(s);
      const fresh = { ...initialQuickPromptState(s.model) };
      return result(
        fresh,
        { type: 'hide-window' },
        {
          type: 'open-in-main',
          chatId: s.chatId,
          draft,
          attachments: s.attachments,
        },
      );
    }

    case 'attach-clipboard':
      return result({ ...s, notice: null }, { type: 'read-clipboard' });

    case 'clipboard':
      return attachClipboard(s, e.content);

    case 'remove-attachment':
      if (e.index < 0 || e.index >= s.attachments.length) return result(s);
      return result({ ...s, attachments: s.attachments.filter((_, i) => i !== e.index), notice: null });

    case 'new-chat':
      // An answer still streaming goes on in the main process; it is just no longer shown here.
      return result({ ...initialQuickPromptState(s.model), visible: s.visible }, { type: 'focus-input' });

    case 'dismiss':
      return result({ ...s, error: null, notice: null });
  }
}
