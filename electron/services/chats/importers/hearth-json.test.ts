import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../../e2e/support/fake-ollama';
import type { AppServices } from '../../app-services';
import { callOk, recordEvents, useFakeOllama } from '../../../../e2e/support/services';
import { HEARTH_EXPORT_FORMAT, HEARTH_EXPORT_VERSION } from './hearth-json';

let fake: FakeOllama;
const open: AppServices[] = [];
const services = useFakeOllama(open, (f) => (fake = f));

async function ask(s: AppServices, content: string, chatId?: string) {
  fake.behavior.tokenDelayMs = 0;
  const rec = recordEvents(s);
  const sent = await callOk(s, 'messages.send', { chatId, model: 'ollama/llama3.2:1b', content });
  await rec.done(sent.assistantMessage.id);
  rec.stop();
  return sent;
}

function countRows(s: AppServices): { chats: number; messages: number } {
  return {
    chats: (s.db.prepare('SELECT count(*) AS n FROM chats').get() as { n: number }).n,
    messages: (s.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n,
  };
}

describe('Hearth JSON export/import', () => {
  it('reproduces chats and messages (ids, parent links, statuses, stats) in a fresh data dir', async () => {
    const source = services();
    const a = await ask(source, 'First question');
    await ask(source, 'Follow-up', a.chat.id);
    await ask(source, 'Another chat');
    const removed = await ask(source, 'Delete me');
    await callOk(source, 'chats.delete', { id: removed.chat.id });

    const exported = source.data.exportHearth();
    expect(exported.format).toBe(HEARTH_EXPORT_FORMAT);
    expect(exported.chats).toHaveLength(2); // the deleted chat is not exported
    const text = JSON.stringify(exported);

    const target = services();
    const report = target.data.import('export.json', text);
    expect(report).toEqual({ format: 'hearth', chatsImported: 2, messagesImported: 6, skipped: [] });

    expect(target.data.exportHearth().chats).toEqual(exported.chats);
    const got = await callOk(target, 'chats.get', { id: a.chat.id });
    const want = await callOk(source, 'chats.get', { id: a.chat.id });
    expect(got.messages.map((m) => [m.id, m.parentId, m.role, m.content, m.status])).toEqual(
      want.messages.map((m) => [m.id, m.parentId, m.role, m.content, m.status]),
    );
    expect(got.messages[3]!.stats).toEqual(want.messages[3]!.stats);
    expect((await callOk(target, 'chats.list', {})).chats.map((c) => c.title).sort()).toEqual([
      'Another chat',
      'First question',
    ]);
    // The imported chat can be continued, with its history sent to the model.
    const more = await ask(target, 'Third', a.chat.id);
    expect(more.userMessage.parentId).toBe(want.messages[3]!.id);
    expect(fake.requests.at(-1)!.messages).toHaveLength(5);
  });

  it('adds nothing when the same file is imported twice, and lists what it skipped', async () => {
    const source = services();
    const a = await ask(source, 'Only once');
    const text = JSON.stringify(source.data.exportHearth());

    const target = services();
    expect(target.data.import('export.json', text).chatsImported).toBe(1);
    const before = countRows(target);
    const second = target.data.import('export.json', text);
    expect(second.chatsImported).toBe(0);
    expect(second.messagesImported).toBe(0);
    expect(second.skipped).toEqual([
      { what: `chat "${a.chat.title}"`, why: expect.stringMatching(/already in Hearth/) },
    ]);
    expect(countRows(target)).toEqual(before);
  });

  it('restores branches whatever order the file lists messages in, and turns streaming into interrupted', () => {
    const m = (id: string, parentId: string | null, role: 'user' | 'assistant', content: string, status = 'done') => ({
      id,
      parentId,
      role,
      content,
      model: role === 'assistant' ? 'ollama/x' : null,
      status,
      error: null,
      stats: null,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    const file = {
      format: HEARTH_EXPORT_FORMAT,
      version: HEARTH_EXPORT_VERSION,
      exportedAt: 1_700_000_000_500,
      chats: [
        {
          id: 'chat-branchy',
          title: 'Branchy',
          model: 'ollama/x',
          createdAt: 1_700_000_000_000,
          updatedAt: 1_700_000_000_100,
          // Children before parents; two answers to the same question (a branch).
          messages: [
            m('m4', 'm3', 'assistant', 'second try, cut off', 'streaming'),
            m('m3', 'm1', 'user', 'rephrased question'),
            m('m2', 'm1', 'assistant', 'first answer'),
            m('m1', null, 'user', 'question'),
          ],
        },
      ],
    };
    const target = services();
    expect(target.data.import('export.json', JSON.stringify(file))).toEqual({
      format: 'hearth',
      chatsImported: 1,
      messagesImported: 4,
      skipped: [],
    });
    const rows = target.db.prepare(`SELECT id, parent_id, status FROM messages ORDER BY id`).all();
    expect(rows).toEqual([
      { id: 'm1', parent_id: null, status: 'done' },
      { id: 'm2', parent_id: 'm1', status: 'done' },
      { id: 'm3', parent_id: 'm1', status: 'done' },
      { id: 'm4', parent_id: 'm3', status: 'interrupted' },
    ]);
  });

  it.each([
    ['not JSON', 'this is not json {', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'chatgpt', chats: [] }), /not a Hearth export/],
    [
      'a newer version',
      JSON.stringify({ format: HEARTH_EXPORT_FORMAT, version: HEARTH_EXPORT_VERSION + 1, exportedAt: 1, chats: [] }),
      /newer Hearth.*Update Hearth/,
    ],
    [
      'a bad message role',
      JSON.stringify({
        format: HEARTH_EXPORT_FORMAT,
        version: 1,
        exportedAt: 1,
        chats: [
          {
            id: 'c',
            title: 't',
            model: null,
            createdAt: 1,
            updatedAt: 1,
            messages: [
              {
                id: 'm',
                parentId: null,
                role: 'robot',
                content: '',
                model: null,
                status: 'done',
                createdAt: 1,
                updatedAt: 1,
              },
            ],
          },
        ],
      }),
      /chats\.0\.messages\.0\.role/,
    ],
  ])('refuses %s with a clear message and imports nothing', (_what, text, message) => {
    const target = services();
    expect(() => target.data.import('export.json', text)).toThrow(message);
    expect(countRows(target)).toEqual({ chats: 0, messages: 0 });
  });
});

describe('folders in Hearth JSON (version 3)', () => {
  async function chatIn(s: AppServices, folderId: string | null, text: string) {
    const sent = await ask(s, text);
    if (folderId) await callOk(s, 'chats.update', { id: sent.chat.id, folderId });
    return sent.chat.id;
  }

  it('exports every folder (empty ones too) and each chat’s folder by name, and recreates them on import', async () => {
    const source = services();
    const work = await callOk(source, 'folders.create', { name: 'Work' });
    const recipes = await callOk(source, 'folders.create', { name: 'Recipes' });
    await callOk(source, 'folders.create', { name: 'Empty for now' });
    const a = await chatIn(source, work.id, 'quarterly plan');
    const b = await chatIn(source, recipes.id, 'lentil soup');
    const c = await chatIn(source, null, 'loose chat');
    const file = await callOk(source, 'data.export', { format: 'hearth' });
    const data = JSON.parse(file.content);
    expect(data.version).toBe(3);
    expect(data.folders.map((f: { name: string }) => f.name)).toEqual(['Work', 'Recipes', 'Empty for now']);
    const folderOf = (id: string) => data.chats.find((x: { id: string }) => x.id === id).folder;
    expect([folderOf(a), folderOf(b), folderOf(c)]).toEqual(['Work', 'Recipes', null]);
    // One chat alone carries only its folder.
    const one = JSON.parse((await callOk(source, 'data.export', { format: 'hearth', chatId: b })).content);
    expect(one.folders).toEqual([expect.objectContaining({ name: 'Recipes' })]);

    // Into a data dir that already has a "work" folder (other case): no duplicate, the rest created.
    const target = services();
    const existing = await callOk(target, 'folders.create', { name: 'work' });
    const events = recordEvents(target);
    const report = await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect(report.chatsImported).toBe(3);
    expect(events.seen.some((e) => e.event === 'folders.changed')).toBe(true);
    const { folders } = await callOk(target, 'folders.list', {});
    expect(folders.map((f) => [f.name, f.chatCount])).toEqual([
      ['work', 1],
      ['Recipes', 1],
      ['Empty for now', 0],
    ]);
    const chats = await callOk(target, 'chats.list', { limit: 50 });
    const byId = new Map(chats.chats.map((x) => [x.id, x.folderId]));
    expect(byId.get(a)).toBe(existing.id);
    expect(byId.get(b)).toBe(folders[1]!.id);
    expect(byId.get(c)).toBeNull();

    // Again: nothing new, no second set of folders.
    await callOk(target, 'data.import', { filename: file.filename, content: file.content });
    expect((await callOk(target, 'folders.list', {})).folders.map((f) => f.name)).toEqual([
      'work',
      'Recipes',
      'Empty for now',
    ]);
  });

  it('still imports version 2 files (no folders) and creates a folder named only on a chat', async () => {
    const source = services();
    const id = await chatIn(source, null, 'old export');
    const data = JSON.parse((await callOk(source, 'data.export', { format: 'hearth' })).content);
    const v2 = {
      ...data,
      version: 2,
      folders: undefined,
      chats: data.chats.map((x: object) => ({ ...x, folder: undefined })),
    };
    const target = services();
    expect(target.data.import('v2.json', JSON.stringify(v2)).chatsImported).toBe(1);
    expect((await callOk(target, 'folders.list', {})).folders).toEqual([]);
    expect((await callOk(target, 'chats.get', { id })).chat.folderId).toBeNull();

    const v3 = {
      ...data,
      folders: undefined,
      chats: data.chats.map((x: object) => ({ ...x, id: 'other', folder: 'Travel' })),
    };
    v3.chats[0].messages = v3.chats[0].messages.map((m: { id: string; parentId: string | null }) => ({
      ...m,
      id: `x-${m.id}`,
      parentId: m.parentId && `x-${m.parentId}`,
    }));
    expect(target.data.import('v3.json', JSON.stringify(v3)).chatsImported).toBe(1);
    const [travel] = (await callOk(target, 'folders.list', {})).folders;
    expect(travel).toMatchObject({ name: 'Travel', chatCount: 1 });
  });
});
