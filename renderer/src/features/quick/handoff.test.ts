/**
 * The serve hand-over from the quick prompt to the main UI: the URL it goes to, what the main App
 * takes back (once, only for the chat in the URL, only while fresh), a storage quota that refuses
 * the files, and handed-over attachments as Files for the composer.
 */
import { describe, expect, it } from 'vitest';
import type { QuickAttachment } from '../../../../shared/desktop/quick-prompt';
import { HANDOFF_KEY, attachmentToFile, mainUrlFor, takeQuickHandoff, writeQuickHandoff } from './handoff';

function memoryStorage(limit = Infinity) {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > limit) throw new DOMException('full', 'QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k: string) => void map.delete(k),
  };
}

const CHAT = '01900000-0000-7000-8000-000000000001';
const text: QuickAttachment = { kind: 'text', name: 'Clipboard.txt', mime: 'text/plain', size: 5, data: 'héllo' };
const image: QuickAttachment = {
  kind: 'image',
  name: 'Clipboard.png',
  mime: 'image/png',
  size: 3,
  data: 'AQID',
  width: 1,
  height: 1,
};

describe('quick prompt hand-over (serve)', () => {
  it('goes to the chat, or to a new chat', () => {
    expect(mainUrlFor({ chatId: CHAT })).toBe(`/?chat=${CHAT}`);
    expect(mainUrlFor({ chatId: null })).toBe('/?new=1');
  });

  it('the main App takes the chat, draft and files once', () => {
    const storage = memoryStorage();
    expect(writeQuickHandoff(storage, { chatId: CHAT, draft: 'unsent', attachments: [text] })).toBe(true);
    expect(takeQuickHandoff(`?chat=${CHAT}`, storage)).toEqual({ chatId: CHAT, draft: 'unsent', attachments: [text] });
    expect(storage.map.has(HANDOFF_KEY)).toBe(false);
    // A reload: the chat opens again, the draft is not put in twice.
    expect(takeQuickHandoff(`?chat=${CHAT}`, storage)).toEqual({ chatId: CHAT, draft: '', attachments: [] });
  });

  it('a new chat with the draft', () => {
    const storage = memoryStorage();
    writeQuickHandoff(storage, { chatId: null, draft: 'just typed', attachments: [] });
    expect(takeQuickHandoff('?new=1', storage)).toEqual({ chatId: null, draft: 'just typed', attachments: [] });
  });

  it('nothing without the URL; a draft for another chat, a stale one or a bad id is not applied', () => {
    const storage = memoryStorage();
    writeQuickHandoff(storage, { chatId: CHAT, draft: 'x', attachments: [] });
    expect(takeQuickHandoff('', storage)).toBeNull();
    expect(storage.map.has(HANDOFF_KEY)).toBe(false);

    writeQuickHandoff(storage, { chatId: CHAT, draft: 'x', attachments: [] });
    expect(takeQuickHandoff('?chat=other-chat', storage)).toEqual({ chatId: 'other-chat', draft: '', attachments: [] });

    writeQuickHandoff(storage, { chatId: CHAT, draft: 'x', attachments: [] });
    expect(takeQuickHandoff(`?chat=${CHAT}`, storage, Date.now() + 60 * 60_000)?.draft).toBe('');

    expect(takeQuickHandoff('?chat=../../etc', storage)).toBeNull();
    storage.map.set(HANDOFF_KEY, '{not json');
    expect(takeQuickHandoff(`?chat=${CHAT}`, storage)).toEqual({ chatId: CHAT, draft: '', attachments: [] });
  });

  it('files too large for the storage are left out; the draft still goes', () => {
    const storage = memoryStorage(200);
    const big = { ...image, data: 'A'.repeat(1000) };
    expect(writeQuickHandoff(storage, { chatId: CHAT, draft: 'keep me', attachments: [big] })).toBe(false);
    expect(takeQuickHandoff(`?chat=${CHAT}`, storage)).toEqual({ chatId: CHAT, draft: 'keep me', attachments: [] });
  });

  it('handed-over attachments become files for the composer', async () => {
    const t = attachmentToFile(text);
    expect([t.name, t.type, await t.text()]).toEqual(['Clipboard.txt', 'text/plain', 'héllo']);
    const i = attachmentToFile(image);
    expect([...new Uint8Array(await i.arrayBuffer())]).toEqual([1, 2, 3]);
  });
});
