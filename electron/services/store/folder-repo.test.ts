import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../../e2e/support/services';
import { HybridClock } from '../util/hlc';
import { ChatRepo } from './chat-repo';
import { openDatabase, type OpenedDatabase } from './database';
import { FolderRepo } from './folder-repo';
import { TagRepo } from './tag-repo';

let opened: OpenedDatabase;
let chats: ChatRepo;
let folders: FolderRepo;
let tags: TagRepo;

beforeEach(() => {
  opened = openDatabase({ file: join(makeTempDir(), 'hearth.db') });
  const clock = new HybridClock(opened.deviceId);
  chats = new ChatRepo(opened.db, clock, opened.deviceId);
  folders = new FolderRepo(opened.db, clock, opened.deviceId);
  tags = new TagRepo(opened.db);
});

afterEach(() => {
  opened.db.close();
  removeTempDirs();
});

describe('FolderRepo', () => {
  it('creates, lists in creation order with live chat counts, renames and refuses duplicate names', () => {
    const work = folders.create('Work');
    const home = folders.create('Home');
    expect(folders.list().map((f) => [f.name, f.chatCount])).toEqual([
      ['Work', 0],
      ['Home', 0],
    ]);
    const a = chats.createChat({ title: 'a', model: null });
    const b = chats.createChat({ title: 'b', model: null });
    const c = chats.createChat({ title: 'c', model: null });
    for (const chat of [a, b, c]) chats.updateChat(chat.id, { folderId: work.id });
    chats.deleteChat(b.id);
    chats.updateChat(c.id, { archived: true });
    expect(folders.get(work.id)!.chatCount).toBe(1);

    expect(folders.rename(home.id, 'House').name).toBe('House');
    expect(() => folders.create('work')).toThrow(/already a folder called "work"/);
    expect(() => folders.rename(home.id, 'WORK')).toThrow(/already/);
    expect(folders.rename(work.id, 'Work').name).toBe('Work'); // its own name is fine
    expect(() => folders.rename('nope', 'x')).toThrow(/does not exist/);
  });

  it('delete moves chats out of the folder, deletes none of them, and frees the name', () => {
    const f = folders.create('Temp');
    const a = chats.createChat({ title: 'a', model: null });
    chats.updateChat(a.id, { folderId: f.id });
    expect(folders.delete(f.id)).toEqual([a.id]);
    expect(chats.getChat(a.id)!.folderId).toBeNull();
    expect(folders.list()).toEqual([]);
    expect(folders.exists(f.id)).toBe(false);
    expect(() => folders.delete(f.id)).toThrow(/does not exist/);
    expect(folders.create('Temp').name).toBe('Temp');
  });
});

describe('tags', () => {
  it('setTags creates tags once (case-insensitively), replaces a chat’s set, and counts live chats', () => {
    const a = chats.createChat({ title: 'a', model: null });
    const b = chats.createChat({ title: 'b', model: null });
    chats.setTags(a.id, ['Rust', 'ideas', 'rust ']);
    chats.setTags(b.id, ['rust']);
    expect(chats.getChat(a.id)!.tags).toEqual(['ideas', 'Rust']);
    expect(chats.getChat(b.id)!.tags).toEqual(['Rust']);
    expect(tags.list().map(({ name, count }) => ({ name, count }))).toEqual([
      { name: 'ideas', count: 1 },
      { name: 'Rust', count: 2 },
    ]);

    chats.setTags(a.id, ['ideas']);
    expect(chats.getChat(a.id)!.tags).toEqual(['ideas']);
    chats.setTags(a.id, ['ideas', 'Rust']); // a removed tag comes back
    expect(chats.getChat(a.id)!.tags).toEqual(['ideas', 'Rust']);

    chats.deleteChat(b.id);
    expect(tags.list().map(({ name, count }) => ({ name, count }))).toEqual([
      { name: 'ideas', count: 1 },
      { name: 'Rust', count: 1 },
    ]);
    chats.setTags(a.id, []);
    expect(tags.list()).toEqual([]);
    expect(chats.listChats({ limit: 10, tag: 'rust' }).chats).toEqual([]);
    chats.restoreChat(b.id);
    expect(chats.listChats({ limit: 10, tag: 'RUST' }).chats.map((c) => c.title)).toEqual(['b']);
  });
});
