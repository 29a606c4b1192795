/**
 * Continuing a quick prompt in the main UI in serve mode (the browser has no second window): the
 * quick page writes the chat, the unsent draft and its attachments to sessionStorage and moves the
 * tab to `/?chat=<id>` (or `/?new=1`); the main App reads them back once at start-up and cleans the
 * URL. The desktop app does the same through desktop.openInMain and the 'app.command' event.
 *
 *   writeQuickHandoff(storage, handoff)   false when nothing could be stored (the URL still opens the chat)
 *   mainUrlFor(handoff)                   where the tab goes
 *   takeQuickHandoff(search, storage)     what the main App should open, once (the stored entry is removed)
 *   attachmentToFile(a)                   a handed-over attachment as a File for the composer
 */
import { isEntityId } from '../../../../shared/ids';
import type { QuickAttachment } from '../../../../shared/desktop/quick-prompt';

export const HANDOFF_KEY = 'hearth.quickHandoff';

export interface QuickHandoff {
  /** The quick prompt's chat; null: a new chat in the main UI. */
  chatId: string | null;
  draft: string;
  attachments: QuickAttachment[];
}

/** What the main App opens: a chat (or a new one) with the draft and files for its composer. */
export interface TakenHandoff {
  chatId: string | null;
  draft: string;
  attachments: QuickAttachment[];
}

type KeyStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function writeQuickHandoff(storage: KeyStore, h: QuickHandoff): boolean {
  const attempts = h.attachments.length ? [h, { ...h, attachments: [] }] : [h];
  for (const value of attempts) {
    try {
      storage.setItem(HANDOFF_KEY, JSON.stringify({ ...value, at: Date.now() }));
      return value === h;
    } catch {
      // Over the storage quota (a large image): try again with the text alone.
    }
  }
  return false;
}

export function mainUrlFor(h: Pick<QuickHandoff, 'chatId'>): string {
  return h.chatId ? `/?chat=${encodeURIComponent(h.chatId)}` : '/?new=1';
}

function isAttachment(v: unknown): v is QuickAttachment {
  const a = v as QuickAttachment;
  return (
    !!a &&
    typeof a === 'object' &&
    (a.kind === 'text' || a.kind === 'image') &&
    typeof a.name === 'string' &&
    typeof a.mime === 'string' &&
    typeof a.data === 'string' &&
    typeof a.size === 'number'
  );
}

/** A handoff older than this is stale (a tab reopened much later): its draft is not applied. */
const HANDOFF_MAX_AGE_MS = 10 * 60_000;

/**
 * What `?chat=<id>` / `?new=1` and the stored handoff ask the main App to open, or null. The stored
 * entry is removed whatever happens, so a reload does not fill the composer twice.
 */
export function takeQuickHandoff(search: string, storage: KeyStore, now = Date.now()): TakenHandoff | null {
  const params = new URLSearchParams(search);
  const chatParam = params.get('chat');
  const isNew = params.get('new') === '1';
  let stored: unknown = null;
  try {
    const raw = storage.getItem(HANDOFF_KEY);
    storage.removeItem(HANDOFF_KEY);
    stored = raw ? JSON.parse(raw) : null;
  } catch {
    stored = null;
  }
  if (chatParam === null && !isNew) return null;
  const chatId = chatParam !== null && isEntityId(chatParam) ? chatParam : null;
  if (chatParam !== null && !chatId) return null;
  const s = stored as Partial<QuickHandoff> & { at?: unknown };
  const fresh =
    !!s &&
    typeof s === 'object' &&
    (s.chatId ?? null) === chatId &&
    typeof s.at === 'number' &&
    now - s.at >= 0 &&
    now - s.at < HANDOFF_MAX_AGE_MS;
  return {
    chatId,
    draft: fresh && typeof s.draft === 'string' ? s.draft : '',
    attachments: fresh && Array.isArray(s.attachments) ? s.attachments.filter(isAttachment) : [],
  };
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function attachmentToFile(a: QuickAttachment): File {
  const body = a.kind === 'text' ? a.data : base64ToBytes(a.data);
  return new File([body], a.name, { type: a.mime });
}
