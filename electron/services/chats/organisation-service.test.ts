import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chat } from '../../../shared/types/domain';
import type { AppServices } from '../app-services';
import { ChatRepo } from '../store/chat-repo';
import { HybridClock } from '../util/hlc';
import { callOk, makeTempDir, openServices, recordEvents, removeTempDirs } from '../../../e2e/support/services';

let services: AppServices;
let repo: ChatRepo;

beforeEach(() => {
  services = openServices(makeTempDir());
  repo = new ChatRepo(services.db, new HybridClock('test-device'), 'test-device');
});

afterEach(async () => {
  await services.close();
  removeTempDirs();
});

function seed(n: number, t0 = 1_750_000_000_000): Chat[] {
  return Array.from({ length: n }, (_, i) => repo.createChat({ title: `chat ${i}`, model: null, createdAt: t0 + i }));
}

async function listAll(input: Record<string, unknown>, limit: number): Promise<Chat[][]> {
  const pages: Chat[][] = [];
  let before: { pinned: boolean; updatedAt: number; id: string } | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await callOk(services, 'chats.list', { ...input, limit, before });
    pages.push(page.chats);
    if (!page.hasMore) break;
    const last = page.chats.at(-1)!;
    before = { pinned: last.pinned, updatedAt: last.updatedAt, id: last.id };
  }
  return pages;
}

describe('chats.update', () => {
  it('pins, archives, files, tags and sets per-chat settings, emitting chat.updated', async () => {
    const [a] = seed(1);
    const folder = await callOk(services, 'folders.create', { name: 'Work' });
    const rec = recordEvents(services);
    const chat = await callOk(services, 'chats.update', {
      id: a!.id,
      title: 'Renamed',
      pinned: true,
      folderId: folder.id,
      tags: ['alpha', 'beta'],
      systemPrompt: 'Be brief.',
      params: { temperature: 0.2, contextLength: 8192 },
      model: 'ollama/llama3.2:1b',
    });
    expect(chat).toMatchObject({
      title: 'Renamed',
      pinned: true,
      archived: false,
      folderId: folder.id,
      tags: ['alpha', 'beta'],
      systemPrompt: 'Be brief.',
      params: { temperature: 0.2, contextLength: 8192 },
      model: 'ollama/llama3.2:1b',
      updatedAt: a!.updatedAt, // organising does not move a chat up the list
    });
    expect(rec.seen.map((e) => e.event)).toEqual(['chat.updated', 'folders.changed']);
    expect(await callOk(services, 'chats.get', { id: a!.id })).toMatchObject({ chat });
    expect((await callOk(services, 'tags.list')).tags).toEqual([
      { name: 'alpha', count: 1, version: expect.any(String) },
      { name: 'beta', count: 1, version: expect.any(String) },
    ]);
    expect((await callOk(services, 'folders.list')).folders[0]).toMatchObject({ name: 'Work', chatCount: 1 });
  });

  it('answers not_found for a missing chat or folder and changes nothing', async () => {
    const [a] = seed(1);
    const missingChat = await services.router.call('chats.update', { id: 'nope', pinned: true });
    expect(missingChat).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const missingFolder = await services.router.call('chats.update', { id: a!.id, folderId: 'nope', tags: ['x'] });
    expect(missingFolder).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/folder/) },
    });
    expect(repo.getChat(a!.id)!.tags).toEqual([]);
    const bad = await services.router.call('chats.update', { id: a!.id, tags: [''] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('chats.list ordering and paging', () => {
  it('puts pinned chats first and pages across the pinned boundary without gaps or repeats', async () => {
    const chats = seed(13);
    for (const i of [2, 7, 11]) await callOk(services, 'chats.update', { id: chats[i]!.id, pinned: true });
    const pages = await listAll({}, 4);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);
    const titles = pages.flat().map((c) => c.title);
    expect(titles).toEqual([
      'chat 11',
      'chat 7',
      'chat 2', // pinned, most recent first
      'chat 12',
      'chat 10',
      'chat 9',
      'chat 8',
      'chat 6',
      'chat 5',
      'chat 4',
      'chat 3',
      'chat 1',
      'chat 0',
    ]);
  });

  it('hides archived chats from the normal list and shows them in the archived view; filters by folder and tag', async () => {
    const chats = seed(5);
    const folder = await callOk(services, 'folders.create', { name: 'F' });
    await callOk(services, 'chats.update', { id: chats[0]!.id, archived: true });
    await callOk(services, 'chats.update', { id: chats[1]!.id, folderId: folder.id, tags: ['t'] });
    await callOk(services, 'chats.update', { id: chats[2]!.id, tags: ['T'] });
    const titles = async (input: Record<string, unknown>) =>
      (await callOk(services, 'chats.list', input)).chats.map((c) => c.title);
    expect(await titles({})).toEqual(['chat 4', 'chat 3', 'chat 2', 'chat 1']);
    expect(await titles({ archived: true })).toEqual(['chat 0']);
    expect(await titles({ folderId: folder.id })).toEqual(['chat 1']);
    expect(await titles({ folderId: null })).toEqual(['chat 4', 'chat 3', 'chat 2']);
    expect(await titles({ tag: 't' })).toEqual(['chat 2', 'chat 1']);
    expect(await titles({ tag: 't', folderId: folder.id })).toEqual(['chat 1']);
  });
});

describe('delete and restore', () => {
  it('restores a deleted chat with its messages and tags, emitting chat.updated', async () => {
    const [a] = seed(1);
    repo.addMessage({ chatId: a!.id, parentId: null, role: 'user', content: 'keep me', model: null, status: 'done' });
    await callOk(services, 'chats.update', { id: a!.id, tags: ['x'] });
    await callOk(services, 'chats.delete', { id: a!.id });
    expect((await callOk(services, 'chats.list', {})).chats).toEqual([]);
    expect((await callOk(services, 'tags.list')).tags).toEqual([]);
    const rec = recordEvents(services);
    const restored = await callOk(services, 'chats.restore', { id: a!.id });
    expect(restored.tags).toEqual(['x']);
    expect(rec.seen).toEqual([{ event: 'chat.updated', payload: { chat: restored } }]);
    const { messages } = await callOk(services, 'chats.get', { id: a!.id });
    expect(messages.map((m) => m.content)).toEqual(['keep me']);
    expect(await services.router.call('chats.restore', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('folders', () => {
  it('create, rename, delete (chats move out) with folders.changed each time', async () => {
    const [a, b] = seed(2);
    const rec = recordEvents(services);
    const f = await callOk(services, 'folders.create', { name: '  Projects ' });
    expect(f).toMatchObject({ name: 'Projects', chatCount: 0 });
    await callOk(services, 'chats.update', { id: a!.id, folderId: f.id });
    await callOk(services, 'chats.update', { id: b!.id, folderId: f.id });
    expect(await callOk(services, 'folders.rename', { id: f.id, name: 'Old projects' })).toMatchObject({
      name: 'Old projects',
      chatCount: 2,
    });
    const dup = await services.router.call('folders.create', { name: 'old PROJECTS' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await callOk(services, 'folders.delete', { id: f.id });
    expect((await callOk(services, 'folders.list')).folders).toEqual([]);
    const after = (await callOk(services, 'chats.list', {})).chats;
    expect(after.map((c) => [c.title, c.folderId])).toEqual([
      ['chat 1', null],
      ['chat 0', null],
    ]);
    const kinds = rec.seen.map((e) => e.event);
    expect(kinds.filter((k) => k === 'folders.changed')).toHaveLength(5);
    expect(kinds.slice(-3)).toEqual(['folders.changed', 'chat.updated', 'chat.updated']);
  });
});

describe('search.query', () => {
  it('is wired through the router with a default limit', async () => {
    const [a] = seed(1);
    repo.addMessage({
      chatId: a!.id,
      parentId: null,
      role: 'user',
      content: 'zebra crossing',
      model: null,
      status: 'done',
    });
    const { hits } = await callOk(services, 'search.query', { query: 'zeb' });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ chatId: a!.id, chatTitle: 'chat 0', role: 'user' });
    expect(await services.router.call('search.query', { query: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
