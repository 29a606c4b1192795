import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { AttachmentRepo } from './attachment-repo';
import { ChatRepo } from './chat-repo';
import { openDatabase, type OpenedDatabase } from './database';

let opened: OpenedDatabase;
let clockMs: number;
let attachments: AttachmentRepo;
let chats: ChatRepo;

beforeEach(() => {
  opened = openDatabase({ file: join(makeTempDir(), 'hearth.db') });
  clockMs = 1_750_000_000_000;
  const now = () => clockMs;
  const clock = new HybridClock(opened.deviceId, now);
  attachments = new AttachmentRepo(opened.db, clock, opened.deviceId);
  chats = new ChatRepo(opened.db, clock, opened.deviceId, now);
});

afterEach(() => {
  opened.db.close();
  removeTempDirs();
});

function attach(id: string, chatId: string, path = `attachments/${id}.txt`) {
  attachments.insert({
    id,
    chatId,
    messageId: null,
    kind: 'text',
    name: `${id}.txt`,
    mime: 'text/plain',
    size: 1,
    path,
    width: null,
    height: null,
    createdAt: clockMs,
  });
}

const count = (table: string) => (opened.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('AttachmentRepo', () => {
  it('links unsent attachments to a message, each with a new version, and never relinks a sent one', () => {
    const chat = chats.createChat({ title: 't', model: null });
    const q = chats.addMessage({
      chatId: chat.id,
      parentId: null,
      role: 'user',
      content: 'q',
      model: null,
      status: 'done',
    });
    attach('a1', chat.id);
    attach('a2', chat.id);
    attachments.link(q.id, ['a1', 'a2']);
    attachments.link('another', ['a1']);
    const a1 = attachments.get('a1')!;
    expect(a1.message_id).toBe(q.id);
    const versions = opened.db.prepare(`SELECT version FROM attachments ORDER BY id`).all() as { version: string }[];
    expect(new Set(versions.map((v) => v.version)).size).toBe(2);
    expect(attachments.sentInChat(chat.id).map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(chats.getMessage(q.id)!.attachments.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('tombstones unsent attachments older than the cut-off', () => {
    const chat = chats.createChat({ title: 't', model: null });
    attach('old', chat.id);
    clockMs += 10_000;
    attach('new', chat.id);
    expect(attachments.unsentBefore(clockMs - 5_000)).toEqual([{ id: 'old', path: 'attachments/old.txt' }]);
    attachments.tombstone('old');
    expect(attachments.get('old')).toBeUndefined();
    expect(count('attachments')).toBe(2);
  });

  it('finds chats deleted before the cut-off by their version and erases them with what hangs off them', () => {
    const old = chats.createChat({ title: 'old', model: null });
    chats.addMessage({ chatId: old.id, parentId: null, role: 'user', content: 'q', model: null, status: 'done' });
    attach('o1', old.id);
    attach('o2', old.id, 'attachments/shared.txt');
    chats.deleteChat(old.id);
    clockMs += 60_000;
    const recent = chats.createChat({ title: 'recent', model: null });
    attach('r1', recent.id, 'attachments/shared.txt');
    chats.deleteChat(recent.id);
    const live = chats.createChat({ title: 'live', model: null });

    expect(attachments.deletedChatsBefore(clockMs - 30_000)).toEqual([old.id]);
    const erased = attachments.eraseChats([old.id]);
    // The file another chat's row still points at is not handed back for removal.
    expect(erased).toEqual({ chats: 1, messages: 1, attachments: 2, paths: ['attachments/o1.txt'] });
    expect(count('chats')).toBe(2);
    expect(count('messages')).toBe(0);
    expect(count('attachments')).toBe(1);
    expect(attachments.chatIsLive(live.id)).toBe(true);
    expect(attachments.chatIsLive(recent.id)).toBe(false);
  });
});
