import { describe, expect, it } from 'vitest';
import { type FakeOllama } from '../../../../e2e/servers/fake-ollama';
import type { AppServices } from '../../app-services';
import { callOk, makeTempDir, openServices, recordEvents, useFakeOllama } from '../../test-helpers';
import { HEARTH_EXPORT_FORMAT, HEARTH_EXPORT_VERSION } from './hearth-json';

let fake: FakeOllama;
const open: AppServices[] = [];
useFakeOllama(open, (f) => (fake = f));

function services(): AppServices {
  const s = openServices(makeTempDir(), { env: { OLLAMA_BASE_URL: fake.url } });
  open.push(s);
  return s;
}

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
