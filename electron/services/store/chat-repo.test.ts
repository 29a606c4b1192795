import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chat } from '../../../shared/types/domain';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from './chat-repo';
import { openDatabase, type OpenedDatabase } from './database';

let opened: OpenedDatabase;
let clockMs: number;
let repo: ChatRepo;

beforeEach(() => {
  opened = openDatabase({ file: join(makeTempDir(), 'hearth.db') });
  clockMs = 1_750_000_000_000;
  const now = () => clockMs;
  repo = new ChatRepo(opened.db, new HybridClock(opened.deviceId, now), opened.deviceId, now);
});

afterEach(() => {
  opened.db.close();
  removeTempDirs();
});

function pageThrough(limit: number): { pages: Chat[][]; all: Chat[] } {
  const pages: Chat[][] = [];
  let before: { updatedAt: number; id: string } | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = repo.listChats({ limit, before });
    pages.push(page.chats);
    if (!page.hasMore) break;
    const last = page.chats[page.chats.length - 1]!;
    before = { updatedAt: last.updatedAt, id: last.id };
  }
  return { pages, all: pages.flat() };
}

describe('ChatRepo.listChats paging', () => {
  it('walks every chat exactly once, newest first, even when many share a timestamp', () => {
    const created: Chat[] = [];
    // 23 chats over 6 distinct milliseconds: several ties per millisecond, and ties across page edges.
    for (let i = 0; i < 23; i++) {
      clockMs = 1_750_000_000_000 + Math.floor(i / 4);
      created.push(repo.createChat({ title: `chat ${i}`, model: null }));
    }
    const { pages, all } = pageThrough(5);

    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(new Set(all.map((c) => c.id)).size).toBe(created.length);
    expect(all.map((c) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
    // Newest first; ties broken by id, descending.
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!;
      const b = all[i]!;
      expect(a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id)).toBe(true);
    }
    expect(all[0]!.title).toBe('chat 22');
    expect(all[all.length - 1]!.title).toBe('chat 0');
  });

  it('reports hasMore only when another page exists', () => {
    for (let i = 0; i < 4; i++) repo.createChat({ title: `c${i}`, model: null });
    expect(repo.listChats({ limit: 4 }).hasMore).toBe(false);
    expect(repo.listChats({ limit: 3 }).hasMore).toBe(true);
    const first = repo.listChats({ limit: 3 });
    const last = first.chats[2]!;
    const rest = repo.listChats({ limit: 3, before: { updatedAt: last.updatedAt, id: last.id } });
    expect(rest.chats).toHaveLength(1);
    expect(rest.hasMore).toBe(false);
  });

  it('moves a chat to the top when a message is added to it', () => {
    const older = repo.createChat({ title: 'older', model: null });
    clockMs += 10;
    repo.createChat({ title: 'newer', model: null });
    clockMs += 10;
    repo.addMessage({ chatId: older.id, parentId: null, role: 'user', content: 'bump', model: null, status: 'done' });
    expect(repo.listChats({ limit: 10 }).chats.map((c) => c.title)).toEqual(['older', 'newer']);
  });
});

describe('ChatRepo.deleteChat', () => {
  it('hides the chat and its messages behind a tombstone, and restore brings them back', () => {
    const keep = repo.createChat({ title: 'keep', model: null });
    const gone = repo.createChat({ title: 'gone', model: null });
    const q = repo.addMessage({
      chatId: gone.id,
      parentId: null,
      role: 'user',
      content: 'secret question',
      model: null,
      status: 'done',
    });
    repo.addMessage({
      chatId: gone.id,
      parentId: q.id,
      role: 'assistant',
      content: 'secret answer',
      model: 'm',
      status: 'done',
    });
    repo.addMessage({
      chatId: keep.id,
      parentId: null,
      role: 'user',
      content: 'still here',
      model: null,
      status: 'done',
    });

    clockMs += 1000;
    expect(repo.deleteChat(gone.id)).toMatch(/^\d{13}-/); // the tombstone's version

    expect(repo.getChat(gone.id)).toBeNull();
    expect(repo.listMessages(gone.id)).toEqual([]);
    expect(repo.getMessage(q.id)).toBeNull();
    expect(repo.listChats({ limit: 50 }).chats.map((c) => c.id)).toEqual([keep.id]);
    expect(repo.listMessages(keep.id).map((m) => m.content)).toEqual(['still here']);

    // The chat row is the tombstone (for sync); its messages stay intact so Undo restores them whole.
    expect(opened.db.prepare(`SELECT deleted FROM chats WHERE id = ?`).get(gone.id)).toEqual({ deleted: 1 });
    expect(opened.db.prepare(`SELECT count(*) AS n FROM messages WHERE chat_id = ?`).get(gone.id)).toEqual({ n: 2 });

    // Deleting again changes nothing and says so.
    expect(repo.deleteChat(gone.id)).toBeNull();

    // Undo brings the chat back with every message.
    expect(repo.restoreChat(gone.id)?.title).toBe('gone');
    expect(repo.listMessages(gone.id).map((m) => m.content)).toEqual(['secret question', 'secret answer']);
  });
});
